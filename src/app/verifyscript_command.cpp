// `tonari util verifyscript`: request parsing, input verification and the line loop.
#include "app/verifyscript_command.h"

#include <array>
#include <optional>
#include <span>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/script_error.h"
#include "bitcoin/script/script_flags.h"
#include "bitcoin/script/sighash.h"
#include "util/hex.h"
#include "util/result.h"

namespace tonari::app {
namespace {

using util::Fail;
using util::Json;
namespace primitives = bitcoin::primitives;
namespace script = bitcoin::script;

template <typename T>
using Parsed = util::Result<T, std::string>;

// User-chosen text (an unknown key) echoed in an error is cut to this length, so a hostile
// request cannot make every answer line as long as itself.
constexpr size_t MAX_ECHOED_CHARS = 64;

std::string Echo(std::string_view text) {
    if (text.size() <= MAX_ECHOED_CHARS) return std::string(text);
    return std::string(text.substr(0, MAX_ECHOED_CHARS)) + "...";
}

Json ErrorAnswer(std::string message) {
    Json o = Json::MakeObject();
    o.Set("error", std::move(message));
    return o;
}

// Rejects keys outside `allowed`: a misspelt "index" or "flags" must not silently turn into
// "check every input under the default flags".
Parsed<void> CheckKeys(const Json& object, std::span<const std::string_view> allowed,
                       std::string_view where) {
    for (const auto& [key, value] : object.GetObject()) {
        bool known = false;
        for (std::string_view name : allowed) known = known || key == name;
        if (!known) return Fail("unknown field '" + Echo(key) + "' in " + std::string(where));
    }
    return {};
}

// `label` names the field in messages: "'tx'" or "spent_outputs[3].scriptPubKey".
Parsed<util::Bytes> ParseHexField(const Json& object, std::string_view key, std::string_view where,
                                  const std::string& label) {
    const Json* field = object.Find(key);
    if (field == nullptr) return Fail("missing field '" + std::string(key) + "' in " + std::string(where));
    if (!field->IsString()) return Fail(label + " must be a hex string");
    auto bytes = util::HexDecode(field->GetString());
    if (!bytes) return Fail(label + " is not valid hex (odd length or non-hex characters)");
    return std::move(*bytes);
}

Parsed<primitives::TxOut> ParseSpentOutput(const Json& entry, size_t i) {
    const std::string where = "spent_outputs[" + std::to_string(i) + "]";
    if (!entry.IsObject())
        return Fail(where + " must be an object {\"amount\": SATS, \"scriptPubKey\": HEX}");
    static constexpr std::array<std::string_view, 2> KEYS = {"amount", "scriptPubKey"};
    if (auto ok = CheckKeys(entry, KEYS, where); !ok) return Fail(ok.error());

    primitives::TxOut out;
    const Json* amount = entry.Find("amount");
    if (amount == nullptr) return Fail("missing field 'amount' in " + where);
    const std::optional<int64_t> sats = amount->GetInt64();
    if (!amount->IsNumber() || !sats) return Fail(where + ".amount must be an integer number of satoshis");
    if (!primitives::MoneyRange(*sats)) return Fail(where + ".amount is outside 0..2100000000000000");
    out.value = *sats;

    auto script_pubkey = ParseHexField(entry, "scriptPubKey", where, where + ".scriptPubKey");
    if (!script_pubkey) return Fail(script_pubkey.error());
    out.script_pubkey = std::move(*script_pubkey);
    return out;
}

Parsed<script::ScriptFlags> ParseFlagsField(const Json* field) {
    // The consensus rules: "is this spend valid in a block", libbitcoinconsensus's question.
    if (field == nullptr) return script::MANDATORY_SCRIPT_VERIFY_FLAGS;
    if (!field->IsString()) return Fail(std::string("'flags' must be a string such as \"P2SH,WITNESS\""));
    const std::string& text = field->GetString();
    if (text == "MANDATORY") return script::MANDATORY_SCRIPT_VERIFY_FLAGS;
    if (text == "STANDARD") return script::STANDARD_SCRIPT_VERIFY_FLAGS;
    auto flags = script::ParseScriptFlags(text);
    if (!flags) return Fail(Echo(flags.error()));
    // The interpreter, like Bitcoin Core's, treats these combinations as caller bugs: without
    // P2SH it cannot tell a P2SH-wrapped witness program from stray witness data.
    if ((*flags & script::SCRIPT_VERIFY_WITNESS) && !(*flags & script::SCRIPT_VERIFY_P2SH))
        return Fail(std::string("flag WITNESS requires P2SH"));
    if ((*flags & script::SCRIPT_VERIFY_CLEANSTACK) &&
        (*flags & (script::SCRIPT_VERIFY_P2SH | script::SCRIPT_VERIFY_WITNESS)) !=
            (script::SCRIPT_VERIFY_P2SH | script::SCRIPT_VERIFY_WITNESS))
        return Fail(std::string("flag CLEANSTACK requires P2SH and WITNESS"));
    return *flags;
}

struct Request {
    primitives::Tx tx;
    std::vector<primitives::TxOut> spent_outputs;
    std::optional<size_t> index;
    script::ScriptFlags flags = 0;
};

Parsed<Request> ParseRequest(std::string_view text) {
    if (text.size() > MAX_VERIFY_REQUEST_BYTES)
        return Fail("request longer than " + std::to_string(MAX_VERIFY_REQUEST_BYTES) + " bytes");
    auto json = util::ParseJson(text);
    if (!json) {
        return Fail("not JSON: " + json.error().message + " at offset " +
                    std::to_string(json.error().offset));
    }
    if (!json->IsObject()) return Fail(std::string("request must be a JSON object"));
    static constexpr std::array<std::string_view, 4> KEYS = {"tx", "spent_outputs", "index", "flags"};
    if (auto ok = CheckKeys(*json, KEYS, "request"); !ok) return Fail(ok.error());

    Request req;
    auto tx_bytes = ParseHexField(*json, "tx", "request", "'tx'");
    if (!tx_bytes) return Fail(tx_bytes.error());
    auto tx = primitives::DecodeTx(*tx_bytes);
    if (!tx) return Fail("'tx' does not decode: " + std::string(primitives::DecodeErrorMessage(tx.error())));
    req.tx = std::move(*tx);
    if (req.tx.inputs.empty()) return Fail(std::string("'tx' has no inputs"));
    const size_t n_inputs = req.tx.inputs.size();

    const Json* spent = json->Find("spent_outputs");
    if (spent == nullptr) return Fail(std::string("missing field 'spent_outputs' in request"));
    if (!spent->IsArray()) return Fail(std::string("'spent_outputs' must be an array"));
    if (spent->size() != n_inputs) {
        return Fail("'spent_outputs' has " + std::to_string(spent->size()) +
                    " entries but the transaction has " + std::to_string(n_inputs) +
                    " inputs (one per input, in order)");
    }
    req.spent_outputs.reserve(n_inputs);
    for (size_t i = 0; i < n_inputs; ++i) {
        auto out = ParseSpentOutput((*spent)[i], i);
        if (!out) return Fail(out.error());
        req.spent_outputs.push_back(std::move(*out));
    }

    if (const Json* index = json->Find("index"); index != nullptr) {
        const std::optional<int64_t> value = index->GetInt64();
        if (!index->IsNumber() || !value) return Fail(std::string("'index' must be an integer"));
        if (*value < 0 || static_cast<uint64_t>(*value) >= n_inputs) {
            return Fail("'index' " + std::to_string(*value) + " is out of range (the transaction has " +
                        std::to_string(n_inputs) + " inputs)");
        }
        req.index = static_cast<size_t>(*value);
    }

    auto flags = ParseFlagsField(json->Find("flags"));
    if (!flags) return Fail(flags.error());
    req.flags = *flags;
    return req;
}

Json Verify(Request& req) {
    script::PrecomputedTxData txdata;
    // force: the spent outputs are all known, so every sighash form is ready whatever the
    // inputs turn out to be.
    txdata.Init(req.tx, std::move(req.spent_outputs), true);
    const size_t first = req.index.value_or(0);
    const size_t end = req.index ? first + 1 : req.tx.inputs.size();
    for (size_t i = first; i < end; ++i) {
        auto ok = script::VerifyTxInput(req.tx, i, txdata, req.flags);
        if (!ok) {
            Json o = Json::MakeObject();
            o.Set("valid", false);
            o.Set("input", static_cast<uint64_t>(i));
            o.Set("error", std::string(script::ScriptErrorName(ok.error())));
            return o;
        }
    }
    Json o = Json::MakeObject();
    o.Set("valid", true);
    return o;
}

enum class LineStatus { Line, TooLong, End };

// Reads up to '\n' or end of input. Bytes past MAX_VERIFY_REQUEST_BYTES are consumed and
// dropped, so an over-long line costs no more memory than the limit.
LineStatus ReadLine(std::streambuf& in, std::string& line) {
    line.clear();
    bool any = false;
    bool too_long = false;
    while (true) {
        const int c = in.sbumpc();
        if (c == std::char_traits<char>::eof()) {
            if (!any) return LineStatus::End;
            break;
        }
        any = true;
        if (c == '\n') break;
        if (line.size() >= MAX_VERIFY_REQUEST_BYTES) {
            too_long = true;
            continue;
        }
        line.push_back(static_cast<char>(c));
    }
    if (too_long) {
        line.clear();
        return LineStatus::TooLong;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return LineStatus::Line;
}

bool IsBlank(std::string_view s) {
    for (char c : s) {
        if (c != ' ' && c != '\t' && c != '\r') return false;
    }
    return true;
}

}  // namespace

Json VerifyScriptRequest(std::string_view request) {
    auto req = ParseRequest(request);
    if (!req) return ErrorAnswer(req.error());
    return Verify(*req);
}

size_t RunVerifyScript(std::istream& in, std::ostream& out) {
    std::streambuf* buf = in.rdbuf();
    if (buf == nullptr) return 0;
    size_t answered = 0;
    std::string line;
    while (true) {
        const LineStatus status = ReadLine(*buf, line);
        if (status == LineStatus::End) break;
        if (status == LineStatus::TooLong) {
            out << ErrorAnswer("request line longer than " + std::to_string(MAX_VERIFY_REQUEST_BYTES) +
                               " bytes")
                       .Dump()
                << '\n';
        } else if (IsBlank(line)) {
            continue;
        } else {
            out << VerifyScriptRequest(line).Dump() << '\n';
        }
        ++answered;
        if (buf->in_avail() <= 0) out.flush();
    }
    out.flush();
    return answered;
}

}  // namespace tonari::app
