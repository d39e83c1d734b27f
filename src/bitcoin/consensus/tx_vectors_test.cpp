// Bitcoin Core's tx_valid.json and tx_invalid.json, checked with the semantics of Core's
// src/test/transaction_tests.cpp. It lives in consensus (not script) because the invalid
// file's BADTX rows must fail CheckTransaction, and valid rows must pass it.
//
// tx_valid: the flags field lists EXCLUDED flags. Every input must verify with all other
// flags; still verify with any one more flag removed and with random further flags removed
// (TrimFlags keeps the set consistent); and, since the exclusions are maximal, the
// transaction must fail when any one excluded flag is put back.
// tx_invalid: the flags field is the set under which some input fails. It must fail with
// those flags, with any flag added and with random flags added (FillFlags keeps the set
// consistent), and, since the set is minimal, pass when any one of them is dropped.
// Random draws use a fixed seed, so failures reproduce.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bitcoin/consensus/tx_check.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/script_flags.h"
#include "bitcoin/script/script_text.h"
#include "bitcoin/script/sighash.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::consensus {
namespace {

namespace json = boost::json;
using primitives::Amount;
using primitives::OutPoint;
using primitives::Tx;
using primitives::TxOut;
using script::ScriptFlags;
using util::Bytes;

// Test cases (rows whose first field is an input array) per PROVENANCE.md.
constexpr size_t TX_VALID_CASES = 121;
constexpr size_t TX_INVALID_CASES = 93;
constexpr int FLAG_COUNT = 21;  // SCRIPT_VERIFY_ALL_KNOWN has this many bits
static_assert(script::SCRIPT_VERIFY_ALL_KNOWN == (1u << FLAG_COUNT) - 1);

constexpr ScriptFlags ALL = script::SCRIPT_VERIFY_ALL_KNOWN;
constexpr ScriptFlags P2SH = script::SCRIPT_VERIFY_P2SH;
constexpr ScriptFlags WITNESS = script::SCRIPT_VERIFY_WITNESS;
constexpr ScriptFlags CLEANSTACK = script::SCRIPT_VERIFY_CLEANSTACK;

// Core's TrimFlags: drop flags whose prerequisites are missing.
ScriptFlags TrimFlags(ScriptFlags flags) {
    if (!(flags & P2SH)) flags &= ~WITNESS;
    if (!(flags & WITNESS)) flags &= ~CLEANSTACK;
    return flags;
}

// Core's FillFlags: add the prerequisites of the flags present.
ScriptFlags FillFlags(ScriptFlags flags) {
    if (flags & CLEANSTACK) flags |= WITNESS;
    if (flags & WITNESS) flags |= P2SH;
    return flags;
}

// Core's ExcludeIndividualFlags: each distinct consistent set with one flag taken away.
std::set<ScriptFlags> ExcludeIndividualFlags(ScriptFlags flags) {
    std::set<ScriptFlags> out;
    for (int bit = 0; bit < FLAG_COUNT; ++bit) {
        const ScriptFlags without = TrimFlags(flags & ~(1u << bit));
        if (without != flags) out.insert(without);
    }
    return out;
}

struct TxCase {
    Tx tx;
    std::map<OutPoint, Bytes> prevout_scripts;
    std::map<OutPoint, Amount> prevout_amounts;  // absent = 0, as in Core
    std::string flags_text;
};

util::Result<std::optional<TxCase>, std::string> ParseTxRow(const json::array& row) {
    if (row.empty() || !row[0].is_array()) return std::optional<TxCase>{};  // comment
    if (row.size() != 3 || !row[1].is_string() || !row[2].is_string()) {
        return util::Fail(std::string("expected [inputs, tx hex, flags]"));
    }
    TxCase c;
    for (const json::value& input_value : row[0].as_array()) {
        if (!input_value.is_array()) return util::Fail(std::string("input is not an array"));
        const json::array& input = input_value.as_array();
        if (input.size() < 3 || input.size() > 4) return util::Fail(std::string("input needs 3 or 4 fields"));
        if (!input[0].is_string() || !input[1].is_int64() || !input[2].is_string()) {
            return util::Fail(std::string("bad input field types"));
        }
        const auto txid = util::Uint256::FromHex(std::string_view(input[0].as_string()));
        if (!txid) return util::Fail(std::string("bad prevout txid"));
        // uint32 of the JSON integer: -1 is 0xffffffff, the null prevout's index.
        const OutPoint prevout{primitives::Txid(*txid), static_cast<uint32_t>(input[1].as_int64())};
        auto spk = script::ParseScriptText(std::string_view(input[2].as_string()));
        if (!spk) return util::Fail("prevout scriptPubKey: " + spk.error());
        c.prevout_scripts[prevout] = std::move(*spk);
        if (input.size() == 4) {
            if (!input[3].is_int64()) return util::Fail(std::string("bad amount"));
            c.prevout_amounts[prevout] = input[3].as_int64();
        }
    }
    const auto bytes = util::HexDecode(std::string_view(row[1].as_string()));
    if (!bytes) return util::Fail(std::string("tx is not hex"));
    auto tx = primitives::DecodeTx(*bytes);
    if (!tx) return util::Fail(std::string("tx does not decode"));
    c.tx = std::move(*tx);
    c.flags_text = std::string(row[2].as_string());
    return std::optional<TxCase>{std::move(c)};
}

// A transaction prepared for repeated script checks under different flags.
class PreparedTx {
public:
    explicit PreparedTx(const TxCase& c) : m_case(c) {
        std::vector<TxOut> spent;
        for (const auto& in : c.tx.inputs) {
            const auto spk = c.prevout_scripts.find(in.prevout);
            if (spk == c.prevout_scripts.end()) {
                m_missing_prevout = true;
                spent.push_back(TxOut{});
                continue;
            }
            const auto amount = c.prevout_amounts.find(in.prevout);
            spent.push_back(TxOut{amount == c.prevout_amounts.end() ? 0 : amount->second, spk->second});
        }
        m_txdata.Init(c.tx, std::move(spent));
    }

    bool missing_prevout() const { return m_missing_prevout; }

    // Core's CheckTxScripts: inputs are checked in order until one fails. Returns whether
    // the outcome matched `expect_valid`; `detail` names the failing input and its error.
    bool Check(ScriptFlags flags, bool expect_valid, std::string& detail) const {
        for (size_t i = 0; i < m_case.tx.inputs.size(); ++i) {
            const auto& in = m_case.tx.inputs[i];
            const TxOut& spent = m_txdata.spent_outputs[i];
            const script::TransactionSignatureChecker checker(m_case.tx, i, spent.value, m_txdata);
            const auto r = script::VerifyScript(in.script_sig, spent.script_pubkey, in.witness, flags, checker);
            if (!r) {
                detail = "input " + std::to_string(i) + " fails with " +
                         std::string(script::ScriptErrorName(r.error())) + " under " +
                         script::FormatScriptFlags(flags);
                return !expect_valid;
            }
        }
        detail = "all inputs pass under " + script::FormatScriptFlags(flags);
        return expect_valid;
    }

private:
    const TxCase& m_case;
    script::PrecomputedTxData m_txdata;
    bool m_missing_prevout = false;
};

// Runs one check, recording a problem when the outcome is not the expected one.
void Expect(const PreparedTx& tx, ScriptFlags flags, bool expect_valid, const std::string& what,
            std::vector<std::string>& problems) {
    std::string detail;
    if (!tx.Check(flags, expect_valid, detail)) problems.push_back(what + ": " + detail);
}

std::vector<std::string> RunValidCase(const TxCase& c, std::mt19937& rng) {
    std::vector<std::string> problems;
    if (const auto r = CheckTransaction(c.tx); !r) {
        problems.push_back("CheckTransaction fails: " + std::string(ReasonString(r.error())));
    }
    const auto parsed = script::ParseScriptFlags(c.flags_text);
    if (!parsed) return {"bad flags: " + parsed.error()};
    const ScriptFlags excluded = *parsed;
    const ScriptFlags verify = ~excluded & ALL;
    if (verify != FillFlags(verify)) problems.push_back("bad test flags (inconsistent complement)");

    const PreparedTx tx(c);
    if (tx.missing_prevout()) return {"an input's prevout is not listed"};
    Expect(tx, verify, true, "fails with all flags but the excluded", problems);
    // Removing flags never invalidates a valid transaction.
    for (int bit = 0; bit < FLAG_COUNT; ++bit) {
        const ScriptFlags flag = 1u << bit;
        Expect(tx, TrimFlags(~(excluded | flag) & ALL), true,
               "fails with " + script::FormatScriptFlags(flag) + " also unset", problems);
        const ScriptFlags random = static_cast<ScriptFlags>(rng()) & ALL;
        Expect(tx, TrimFlags(~(excluded | random) & ALL), true, "fails with random flags unset", problems);
    }
    // The exclusions are maximal: re-enabling any one of them makes it fail.
    for (const ScriptFlags fewer : ExcludeIndividualFlags(excluded)) {
        Expect(tx, ~fewer & ALL, false,
               "too many flags excluded (passes without excluding " +
                   script::FormatScriptFlags(excluded & ~fewer) + ")",
               problems);
    }
    return problems;
}

// Returns the problems found (empty when the row passes). BADTX rows are settled by
// CheckTransaction alone, as in Core.
std::vector<std::string> RunInvalidCase(const TxCase& c, std::mt19937& rng) {
    if (const auto r = CheckTransaction(c.tx); !r) {
        if (c.flags_text == "BADTX") return {};
        return {"fails CheckTransaction (" + std::string(ReasonString(r.error())) +
                ") but flags are not BADTX"};
    }
    if (c.flags_text == "BADTX") return {"marked BADTX but passes CheckTransaction"};
    std::vector<std::string> problems;
    const auto parsed = script::ParseScriptFlags(c.flags_text);
    if (!parsed) return {"bad flags: " + parsed.error()};
    const ScriptFlags flags = *parsed;
    if (flags != FillFlags(flags)) problems.push_back("bad test flags (inconsistent set)");

    const PreparedTx tx(c);
    if (tx.missing_prevout()) return {"an input's prevout is not listed"};
    Expect(tx, flags, false, "passes with the listed flags", problems);
    // Adding flags never validates an invalid transaction.
    for (int bit = 0; bit < FLAG_COUNT; ++bit) {
        const ScriptFlags flag = 1u << bit;
        Expect(tx, FillFlags(flags | flag), false,
               "passes with " + script::FormatScriptFlags(flag) + " added", problems);
        const ScriptFlags random = static_cast<ScriptFlags>(rng()) & ALL;
        Expect(tx, FillFlags(flags | random), false, "passes with random flags added", problems);
    }
    // The set is minimal: dropping any one flag makes it pass.
    for (const ScriptFlags fewer : ExcludeIndividualFlags(flags)) {
        Expect(tx, fewer, true,
               "too many flags set (still fails without " + script::FormatScriptFlags(flags & ~fewer) + ")",
               problems);
    }
    return problems;
}

template <typename Runner>
void RunFile(const char* name, size_t expected_cases, Runner run) {
    const json::value doc = test::ReadTestJson(std::string("bitcoin-core/") + name);
    ASSERT_TRUE(doc.is_array());
    const json::array& rows = doc.as_array();
    std::mt19937 rng(20260715);  // fixed: the random flag draws are reproducible
    size_t cases = 0;
    size_t passed = 0;
    for (size_t idx = 0; idx < rows.size(); ++idx) {
        if (!rows[idx].is_array()) {
            ADD_FAILURE() << name << " row " << idx << " is not an array";
            continue;
        }
        const json::array& row = rows[idx].as_array();
        auto parsed = ParseTxRow(row);
        if (!parsed) {
            ++cases;
            ADD_FAILURE() << "bad test row " << name << " " << idx << ": " << parsed.error() << "\n  "
                          << json::serialize(row);
            continue;
        }
        if (!parsed->has_value()) continue;
        ++cases;
        const std::vector<std::string> problems = run(**parsed, rng);
        if (problems.empty()) {
            ++passed;
            continue;
        }
        std::ostringstream msg;
        msg << name << " row " << idx << " (flags " << (*parsed)->flags_text << "): " << json::serialize(row);
        for (const auto& p : problems) msg << "\n  " << p;
        ADD_FAILURE() << msg.str();
    }
    std::cout << "[vectors] " << name << ": " << passed << " cases passed";
    if (passed != cases) std::cout << ", " << cases - passed << " mismatched";
    std::cout << "\n";
    EXPECT_EQ(cases, expected_cases);
    EXPECT_EQ(passed, cases);
}

TEST(TxVectors, CoreTxValidJson) { RunFile("tx_valid.json", TX_VALID_CASES, RunValidCase); }

TEST(TxVectors, CoreTxInvalidJson) { RunFile("tx_invalid.json", TX_INVALID_CASES, RunInvalidCase); }

TEST(TxVectors, FlagNormalization) {
    EXPECT_EQ(TrimFlags(WITNESS | CLEANSTACK), 0u);          // no P2SH: both go
    EXPECT_EQ(TrimFlags(P2SH | CLEANSTACK), P2SH);           // no WITNESS: CLEANSTACK goes
    EXPECT_EQ(TrimFlags(ALL), ALL);
    EXPECT_EQ(FillFlags(CLEANSTACK), CLEANSTACK | WITNESS | P2SH);
    EXPECT_EQ(FillFlags(WITNESS), WITNESS | P2SH);
    EXPECT_EQ(FillFlags(0), 0u);
    // Taking P2SH from {P2SH, WITNESS, CLEANSTACK} leaves nothing consistent but the empty set.
    const auto sets = ExcludeIndividualFlags(P2SH | WITNESS | CLEANSTACK);
    EXPECT_EQ(sets, (std::set<ScriptFlags>{0u, P2SH, P2SH | WITNESS}));
    EXPECT_TRUE(ExcludeIndividualFlags(0).empty());
}

TEST(TxVectors, RowParsingRejectsMalformedRows) {
    auto parse = [](std::string_view text) { return ParseTxRow(json::parse(text).as_array()); };
    Tx sample;
    sample.inputs.resize(1);
    sample.inputs[0].prevout.index = 0;
    sample.outputs.push_back(TxOut{1, {0x51}});
    const std::string tx_hex = util::HexEncode(primitives::SerializeTx(sample));
    // A comment row is not a case.
    const auto comment = parse(R"(["a comment", "more"])");
    ASSERT_TRUE(comment);
    EXPECT_FALSE(comment->has_value());
    EXPECT_FALSE(parse(R"([[["00", 0, "1"]], "zz", "NONE"])"));                  // bad hex
    EXPECT_FALSE(parse(R"([[["00", 0, "1"]], ")" + tx_hex + R"(", "NONE"])"));  // short txid
    EXPECT_FALSE(parse(R"([[[")" + std::string(64, '0') + R"(", 0, "FOO"]], ")" + tx_hex + R"(", "NONE"])"));
    EXPECT_FALSE(parse(R"([[[")" + std::string(64, '0') + R"(", 0, "1", 5, 6]], ")" + tx_hex + R"(", "NONE"])"));
    EXPECT_FALSE(parse(R"([[[")" + std::string(64, '0') + R"(", 0, "1"]], ")" + tx_hex + R"("])"));
    // The well-formed version parses, with index -1 meaning the null index.
    const auto ok = parse(R"([[[")" + std::string(64, '0') + R"(", -1, "1", 7]], ")" + tx_hex + R"(", "P2SH"])");
    ASSERT_TRUE(ok) << ok.error();
    ASSERT_TRUE(ok->has_value());
    const OutPoint null_prevout{};
    ASSERT_EQ((*ok)->prevout_scripts.count(null_prevout), 1u);
    EXPECT_EQ((*ok)->prevout_amounts.at(null_prevout), 7);
}

}  // namespace
}  // namespace tonari::bitcoin::consensus
