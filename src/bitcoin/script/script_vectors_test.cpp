// The interpreter against Bitcoin Core's published script vectors, checked the way Core's
// src/test/script_tests.cpp (script_json_test / DoTest) checks them:
//   - every row of script_tests.json is spent from a one-output crediting transaction by a
//     one-input spending transaction built exactly as Core's BuildCreditingTransaction /
//     BuildSpendingTransaction do, and VerifyScript's error name must equal the row's;
//   - CLEANSTACK rows also get P2SH and WITNESS, as DoTest adds them;
//   - as DoTest does, 256 random flag sets are tried per row: a passing row must still pass
//     with flags removed, a failing row must still fail with flags added (invalid flag
//     combinations skipped). The draws come from a fixed seed, so a failure reproduces.
// Plus the BIP341 wallet vectors' fully signed transaction, every input of which must verify.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/script_text.h"
#include "bitcoin/script/sighash.h"
#include "crypto/keys.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::script {
namespace {

namespace json = boost::json;
using primitives::Amount;
using primitives::Tx;
using primitives::TxIn;
using primitives::TxOut;
using util::Bytes;

// Rows in script_tests.json that are test cases (not one-string comments), per PROVENANCE.md.
constexpr size_t SCRIPT_TESTS_CASES = 1222;
// DoTest's number of random flag sets per row.
constexpr int RANDOM_FLAG_TRIALS = 256;

// ---- Core's test transactions ----

Tx BuildCreditingTransaction(const Bytes& script_pubkey, Amount value) {
    Tx tx;
    tx.version = 1;
    tx.locktime = 0;
    TxIn in;  // null prevout, as a coinbase
    in.script_sig = {0x00, 0x00};  // CScript() << CScriptNum(0) << CScriptNum(0)
    in.sequence = TxIn::SEQUENCE_FINAL;
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{value, script_pubkey});
    return tx;
}

Tx BuildSpendingTransaction(const Bytes& script_sig, const std::vector<Bytes>& witness, const Tx& credit) {
    Tx tx;
    tx.version = 1;
    tx.locktime = 0;
    TxIn in;
    in.prevout.txid = primitives::ComputeTxid(credit);
    in.prevout.index = 0;
    in.script_sig = script_sig;
    in.witness = witness;
    in.sequence = TxIn::SEQUENCE_FINAL;
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{credit.outputs[0].value, {}});
    return tx;
}

// ---- Tapscript placeholders ----

// The single-leaf tree the #CONTROLBLOCK# / #TAPROOTOUTPUT# placeholders stand for: the leaf
// is the witness item before #CONTROLBLOCK#, version 0xc0; the internal key is the x-only
// key of private key 1 (Core's key0).
struct SingleLeafTaproot {
    Bytes control_block;
    Bytes script_pubkey;
};

crypto::XOnlyPubKey InternalKey() {
    static const crypto::XOnlyPubKey key = [] {
        Bytes one(32, 0);
        one[31] = 1;
        const crypto::KeyContext ctx;
        return crypto::PrivKey::FromBytes(one)->GetPubKey(ctx).XOnly();
    }();
    return key;
}

std::optional<SingleLeafTaproot> MakeSingleLeafTaproot(util::ByteSpan leaf_script) {
    constexpr uint8_t LEAF_VERSION = 0xc0;
    const crypto::XOnlyPubKey internal = InternalKey();
    // With one leaf, the Merkle root is the leaf hash itself.
    const util::Uint256 root = ComputeTapleafHash(LEAF_VERSION, leaf_script);
    const auto tweaked = internal.CreateTapTweak(&root);
    if (!tweaked) return std::nullopt;
    SingleLeafTaproot out;
    out.control_block.push_back(static_cast<uint8_t>(LEAF_VERSION | (tweaked->second ? 1 : 0)));
    util::Append(out.control_block, internal.bytes());
    out.script_pubkey = {0x51, 0x20};
    util::Append(out.script_pubkey, tweaked->first.bytes());
    return out;
}

// ---- Rows ----

struct ScriptCase {
    std::vector<Bytes> witness;
    Amount amount = 0;
    Bytes script_sig;
    Bytes script_pubkey;
    ScriptFlags flags = 0;
    std::string expected;  // error name, "OK" for success
};

// Amounts are written in BTC (1e-08); Core's AmountFromValue rounds to whole satoshis.
std::optional<Amount> ParseAmount(const json::value& v) {
    if (!v.is_number()) return std::nullopt;
    const double btc = v.to_number<double>();
    const auto sats = static_cast<Amount>(std::llround(btc * static_cast<double>(primitives::COIN)));
    if (!primitives::MoneyRange(sats)) return std::nullopt;
    return sats;
}

util::Result<Bytes, std::string> ParseText(const json::value& v) {
    if (!v.is_string()) return util::Fail(std::string("not a string"));
    return ParseScriptText(std::string_view(v.as_string()));
}

// nullopt for a comment row; an error string for a malformed row.
util::Result<std::optional<ScriptCase>, std::string> ParseScriptRow(const json::array& row) {
    ScriptCase c;
    size_t pos = 0;
    std::optional<SingleLeafTaproot> taproot;
    if (!row.empty() && row[0].is_array()) {
        const json::array& wit = row[0].as_array();
        if (wit.empty()) return util::Fail(std::string("empty witness array"));
        for (size_t i = 0; i + 1 < wit.size(); ++i) {
            if (!wit[i].is_string()) return util::Fail(std::string("witness item is not a string"));
            const std::string_view item(wit[i].as_string());
            constexpr std::string_view SCRIPT_FLAG = "#SCRIPT#";
            if (item.starts_with(SCRIPT_FLAG)) {
                auto script = ParseScriptText(item.substr(SCRIPT_FLAG.size()));
                if (!script) return util::Fail("bad #SCRIPT#: " + script.error());
                c.witness.push_back(std::move(*script));
            } else if (item == "#CONTROLBLOCK#") {
                if (c.witness.empty()) return util::Fail(std::string("#CONTROLBLOCK# with no leaf before it"));
                taproot = MakeSingleLeafTaproot(c.witness.back());
                if (!taproot) return util::Fail(std::string("taproot tweak failed"));
                c.witness.push_back(taproot->control_block);
            } else {
                auto bytes = util::HexDecode(item);
                if (!bytes) return util::Fail("witness item is not hex: " + std::string(item));
                c.witness.push_back(std::move(*bytes));
            }
        }
        const auto amount = ParseAmount(wit.back());
        if (!amount) return util::Fail(std::string("bad amount"));
        c.amount = *amount;
        ++pos;
    }
    if (row.size() < pos + 4) {
        if (row.size() == 1) return std::optional<ScriptCase>{};
        return util::Fail(std::string("too few fields"));
    }
    auto sig = ParseText(row[pos]);
    if (!sig) return util::Fail("scriptSig: " + sig.error());
    c.script_sig = std::move(*sig);
    if (row[pos + 1].is_string() && row[pos + 1].as_string() == "0x51 0x20 #TAPROOTOUTPUT#") {
        if (!taproot) return util::Fail(std::string("#TAPROOTOUTPUT# without #CONTROLBLOCK#"));
        c.script_pubkey = taproot->script_pubkey;
    } else {
        auto spk = ParseText(row[pos + 1]);
        if (!spk) return util::Fail("scriptPubKey: " + spk.error());
        c.script_pubkey = std::move(*spk);
    }
    if (!row[pos + 2].is_string() || !row[pos + 3].is_string()) return util::Fail(std::string("flags/error not strings"));
    const auto flags = ParseScriptFlags(std::string_view(row[pos + 2].as_string()));
    if (!flags) return util::Fail(flags.error());
    c.flags = *flags;
    c.expected = std::string(row[pos + 3].as_string());
    if (c.expected != "OK" && !ParseScriptErrorName(c.expected)) {
        return util::Fail("unknown script error name " + c.expected);
    }
    return std::optional<ScriptCase>{std::move(c)};
}

// ---- Core's DoTest ----

struct Outcome {
    bool ok = false;
    std::string name;  // "OK" or the error name
};

struct Spend {
    Tx credit;
    Tx spend;
    PrecomputedTxData txdata;
};

Outcome Verify(const ScriptCase& c, const Spend& s, ScriptFlags flags) {
    const TransactionSignatureChecker checker(s.spend, 0, s.credit.outputs[0].value, s.txdata);
    const auto r = VerifyScript(c.script_sig, c.script_pubkey, c.witness, flags, checker);
    if (r) return {true, "OK"};
    return {false, std::string(ScriptErrorName(r.error()))};
}

bool IsValidFlagCombination(ScriptFlags flags) {
    if ((flags & SCRIPT_VERIFY_CLEANSTACK) &&
        (~flags & (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS)) != 0)
        return false;
    if ((flags & SCRIPT_VERIFY_WITNESS) && !(flags & SCRIPT_VERIFY_P2SH)) return false;
    return true;
}

// Returns the problems found (empty when the row passes).
std::vector<std::string> RunScriptCase(const ScriptCase& c, std::mt19937& rng) {
    std::vector<std::string> problems;
    ScriptFlags flags = c.flags;
    if (flags & SCRIPT_VERIFY_CLEANSTACK) flags |= SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS;

    Spend s;
    s.credit = BuildCreditingTransaction(c.script_pubkey, c.amount);
    s.spend = BuildSpendingTransaction(c.script_sig, c.witness, s.credit);
    s.txdata.Init(s.spend, {s.credit.outputs[0]});

    const bool expect_ok = c.expected == "OK";
    const Outcome main = Verify(c, s, flags);
    if (main.name != c.expected) {
        problems.push_back("expected " + c.expected + ", got " + main.name + " (flags " +
                           FormatScriptFlags(flags) + ")");
    }
    for (int i = 0; i < RANDOM_FLAG_TRIALS; ++i) {
        const ScriptFlags extra = static_cast<ScriptFlags>(rng()) & SCRIPT_VERIFY_ALL_KNOWN;
        const ScriptFlags combined = expect_ok ? (flags & ~extra) : (flags | extra);
        if (!IsValidFlagCombination(combined)) continue;
        const Outcome o = Verify(c, s, combined);
        if (o.ok != expect_ok) {
            problems.push_back(std::string(expect_ok ? "fails after removing flags" : "passes after adding flags") +
                               ": flags " + FormatScriptFlags(combined) + " gave " + o.name);
            break;  // one example per row is enough to debug with
        }
    }
    return problems;
}

TEST(ScriptVectors, CoreScriptTestsJson) {
    const json::value doc = test::ReadTestJson("bitcoin-core/script_tests.json");
    ASSERT_TRUE(doc.is_array());
    const json::array& rows = doc.as_array();
    std::mt19937 rng(20260715);  // fixed: the random flag draws are reproducible
    size_t cases = 0;
    size_t passed = 0;
    size_t mismatches = 0;
    for (size_t idx = 0; idx < rows.size(); ++idx) {
        if (!rows[idx].is_array()) {
            ADD_FAILURE() << "row " << idx << " is not an array";
            continue;
        }
        const json::array& row = rows[idx].as_array();
        auto parsed = ParseScriptRow(row);
        if (!parsed) {
            ADD_FAILURE() << "bad test row " << idx << ": " << parsed.error() << "\n  " << json::serialize(row);
            ++cases;
            continue;
        }
        if (!parsed->has_value()) continue;  // comment
        ++cases;
        const std::vector<std::string> problems = RunScriptCase(**parsed, rng);
        if (problems.empty()) {
            ++passed;
            continue;
        }
        ++mismatches;
        std::ostringstream msg;
        msg << "script_tests.json row " << idx << ": " << json::serialize(row);
        for (const auto& p : problems) msg << "\n  " << p;
        ADD_FAILURE() << msg.str();
    }
    std::cout << "[vectors] script_tests.json: " << passed << " cases passed";
    if (mismatches != 0) std::cout << ", " << mismatches << " mismatched";
    std::cout << "\n";
    EXPECT_EQ(cases, SCRIPT_TESTS_CASES);
    EXPECT_EQ(passed, cases);
}

TEST(ScriptVectors, TapscriptPlaceholderExpansion) {
    // Core's key0 is private key 1, so the internal key is the generator's x coordinate.
    EXPECT_EQ(util::HexEncode(InternalKey().bytes()),
              "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    const auto leaf = ParseScriptText("1");
    ASSERT_TRUE(leaf);
    const auto t = MakeSingleLeafTaproot(*leaf);
    ASSERT_TRUE(t);
    ASSERT_EQ(t->control_block.size(), 33u);
    EXPECT_EQ(t->control_block[0] & 0xfe, 0xc0);
    ASSERT_EQ(t->script_pubkey.size(), 34u);
    EXPECT_TRUE(IsPayToTaproot(t->script_pubkey));
    // The expansion must commit to the leaf: a spend of that output with OP_1 as the leaf
    // passes, and one revealing a different leaf (with that leaf's own control block) fails.
    const auto other = MakeSingleLeafTaproot(Bytes{0x52});
    ASSERT_TRUE(other);
    EXPECT_NE(other->script_pubkey, t->script_pubkey);
    ScriptCase good;
    good.script_pubkey = t->script_pubkey;
    good.witness = {*leaf, t->control_block};
    good.amount = 1;
    ScriptCase bad = good;
    bad.witness = {Bytes{0x52}, other->control_block};
    const ScriptFlags flags = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT;
    for (auto* c : {&good, &bad}) {
        Spend s;
        s.credit = BuildCreditingTransaction(c->script_pubkey, c->amount);
        s.spend = BuildSpendingTransaction(c->script_sig, c->witness, s.credit);
        s.txdata.Init(s.spend, {s.credit.outputs[0]});
        const Outcome o = Verify(*c, s, flags);
        if (c == &good) {
            EXPECT_TRUE(o.ok) << o.name;
        } else {
            EXPECT_EQ(o.name, "WITNESS_PROGRAM_MISMATCH");
        }
    }
}

// ---- BIP341 wallet vectors: the fully signed key-path transaction ----

struct SignedTaprootTx {
    Tx tx;
    std::vector<TxOut> spent;
};

std::optional<SignedTaprootTx> LoadBip341SignedTx() {
    const json::value doc = test::ReadTestJson("bitcoin-core/bip341_wallet_vectors.json");
    if (!doc.is_object()) return std::nullopt;
    const json::array& vectors = doc.at("keyPathSpending").as_array();
    if (vectors.size() != 1) return std::nullopt;
    const json::object& v = vectors[0].as_object();
    auto tx = primitives::DecodeTx(
        test::ParseHexOrFail(std::string_view(v.at("auxiliary").at("fullySignedTx").as_string())));
    if (!tx) return std::nullopt;
    SignedTaprootTx out{std::move(*tx), {}};
    for (const json::value& u : v.at("given").at("utxosSpent").as_array()) {
        out.spent.push_back(TxOut{u.at("amountSats").as_int64(),
                                  test::ParseHexOrFail(std::string_view(u.at("scriptPubKey").as_string()))});
    }
    return out;
}

constexpr ScriptFlags BIP341_TX_FLAGS = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT;

TEST(ScriptVectors, Bip341FullySignedTxVerifies) {
    const auto loaded = LoadBip341SignedTx();
    ASSERT_TRUE(loaded);
    const Tx& tx = loaded->tx;
    ASSERT_EQ(loaded->spent.size(), tx.inputs.size());
    PrecomputedTxData txdata;
    txdata.Init(tx, loaded->spent);
    size_t passed = 0;
    for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const auto r = VerifyTxInput(tx, i, txdata, BIP341_TX_FLAGS);
        EXPECT_TRUE(r) << "bip341 fullySignedTx input " << i << ": "
                       << (r ? "OK" : ScriptErrorName(r.error()));
        if (r) ++passed;
    }
    std::cout << "[vectors] bip341_wallet_vectors.json fullySignedTx: " << passed << " inputs verified\n";
    EXPECT_EQ(passed, 9u);  // 7 taproot key-path inputs, one P2PKH, one P2WPKH
}

TEST(ScriptVectors, Bip341FullySignedTxRejectsTampering) {
    const auto loaded = LoadBip341SignedTx();
    ASSERT_TRUE(loaded);
    // Input 0 is a taproot key-path spend with a 65-byte signature (SIGHASH_SINGLE).
    ASSERT_EQ(loaded->tx.inputs[0].witness.size(), 1u);
    {
        Tx tx = loaded->tx;
        tx.inputs[0].witness[0][10] ^= 0x01;  // damage R
        PrecomputedTxData txdata;
        txdata.Init(tx, loaded->spent);
        const auto r = VerifyTxInput(tx, 0, txdata, BIP341_TX_FLAGS);
        ASSERT_FALSE(r);
        EXPECT_EQ(ScriptErrorName(r.error()), "SCHNORR_SIG");
    }
    {
        // BIP341 signs every spent amount: changing another input's amount breaks input 0.
        std::vector<TxOut> spent = loaded->spent;
        spent[1].value += 1;
        PrecomputedTxData txdata;
        txdata.Init(loaded->tx, spent);
        const auto r = VerifyTxInput(loaded->tx, 0, txdata, BIP341_TX_FLAGS);
        ASSERT_FALSE(r);
        EXPECT_EQ(ScriptErrorName(r.error()), "SCHNORR_SIG");
    }
}

}  // namespace
}  // namespace tonari::bitcoin::script
