// Raw transaction and address utility RPC methods. Each follows Bitcoin Core's handler of the
// same name (src/rpc/rawtransaction.cpp, rawtransaction_util.cpp, output_script.cpp,
// core_read.cpp): the same decision order, so the same input fails with the same code and text.
#include "bitcoin/node/rpc_rawtx.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "bitcoin/descriptor/infer.h"
#include "bitcoin/encoding/address.h"
#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/node/json_views.h"
#include "bitcoin/node/rpc_util.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/rpc/amount.h"
#include "bitcoin/script/asm.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/solver.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "util/byte_reader.h"
#include "util/hex.h"

namespace tonari::bitcoin::node {
namespace {

using rpc::ParamType;
using rpc::RpcError;
using rpc::RpcErrorCode;
using script::Opcode;
using util::Json;
using Reply = util::Result<Json, RpcError>;

// Core's transaction constants for createrawtransaction.
constexpr int64_t LOCKTIME_MAX = 0xFFFFFFFF;
constexpr uint32_t MAX_BIP125_RBF_SEQUENCE = 0xFFFFFFFD;  // highest sequence that signals BIP125
constexpr uint32_t MAX_SEQUENCE_NONFINAL = 0xFFFFFFFE;    // lets nLockTime bind, no RBF signal
constexpr int64_t DEFAULT_RAWTX_VERSION = 2;
constexpr int64_t TX_MIN_STANDARD_VERSION = 1;
constexpr int64_t TX_MAX_STANDARD_VERSION = 3;  // 3 = TRUC (BIP431)

// Core's MAX_OPCODE, used by CScript::HasValidOps. It predates tapscript and was never raised,
// so OP_CHECKSIGADD (0xba) counts as "not a valid op" for the decoding heuristics below; our
// own script::MAX_OPCODE includes it and must not be used here.
constexpr uint8_t CORE_MAX_OPCODE = script::ToByte(Opcode::OP_NOP10);

constexpr size_t HASH160_SIZE = 20;
constexpr size_t COMPRESSED_PUBKEY_SIZE = 33;

// ---------------------------------------------------------------------------------------------
// JSON value helpers with UniValue's error texts (Core turns UniValue's type_error into
// RPC_TYPE_ERROR, and its other std::runtime_errors into RPC_MISC_ERROR).

RpcError TypeMismatch(const Json& value, Json::Type expected) {
    return RpcFail(RpcErrorCode::TYPE_ERROR,
                   "JSON value of type " + std::string(rpc::JsonTypeName(value.type())) +
                       " is not of expected type " + std::string(rpc::JsonTypeName(expected)));
}

// UniValue::getInt<T>: a number whose text is an integer within [min, max].
util::Result<int64_t, RpcError> GetInteger(const Json& value, int64_t min, int64_t max) {
    if (!value.IsNumber()) return util::Fail(TypeMismatch(value, Json::Type::Number));
    const auto n = value.GetInt64();
    if (!n || *n < min || *n > max)
        return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "JSON integer out of range"));
    return *n;
}

// UniValue::getValStr: a string's text, a number's digits, "1" for true, "" for anything else.
std::string ValueText(const Json& value) {
    if (value.IsString() || value.IsNumber()) return value.GetString();
    if (value.IsBool() && value.GetBool()) return "1";
    return "";
}

// Core's ParseHexV: the empty string is not hex there either.
util::Result<util::Bytes, RpcError> ParseHexArg(const std::string& text, std::string_view name) {
    auto bytes = text.empty() ? std::nullopt : util::HexDecode(text);
    if (!bytes) {
        return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                  std::string(name) + " must be hexadecimal string (not '" + text + "')"));
    }
    return std::move(*bytes);
}

// ---------------------------------------------------------------------------------------------
// Script helpers.

util::Bytes P2shScript(util::ByteSpan redeem_script) {
    const util::Uint160 hash = crypto::Hash160(redeem_script);
    util::Bytes s{script::ToByte(Opcode::OP_HASH160), static_cast<uint8_t>(HASH160_SIZE)};
    util::Append(s, hash.span());
    s.push_back(script::ToByte(Opcode::OP_EQUAL));
    return s;
}

util::Bytes WitnessV0Script(util::ByteSpan program) {
    util::Bytes s{script::ToByte(Opcode::OP_0), static_cast<uint8_t>(program.size())};
    util::Append(s, program);
    return s;
}

// Core's CScript::HasValidOps: every operation parses, pushes stay within the element size
// limit, and no opcode lies above Core's MAX_OPCODE.
bool HasValidOps(util::ByteSpan script) {
    size_t pc = 0;
    while (pc < script.size()) {
        const auto op = script::GetOp(script, pc);
        if (!op || script::ToByte(op->op) > CORE_MAX_OPCODE ||
            op->data.size() > script::MAX_SCRIPT_ELEMENT_SIZE) {
            return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// decoderawtransaction: Core's DecodeHexTx heuristics.

// Core's CheckTxScriptsSanity: whether every script (scriptSigs unless coinbase) is made of
// valid ops and fits MAX_SCRIPT_SIZE. It tells a witness serialization from a legacy one that
// happens to parse both ways.
bool ScriptsLookSane(const primitives::Tx& tx) {
    const auto sane = [](util::ByteSpan s) { return s.size() <= script::MAX_SCRIPT_SIZE && HasValidOps(s); };
    if (!tx.IsCoinbase()) {
        for (const auto& in : tx.inputs) {
            if (!sane(in.script_sig)) return false;
        }
    }
    for (const auto& out : tx.outputs) {
        if (!sane(out.script_pubkey)) return false;
    }
    return true;
}

// The legacy (pre-BIP144) serialization, which has no marker: a zero input count is followed
// by the outputs. With inputs present the two serializations are the same bytes, so the
// shared decoder is used.
std::optional<primitives::Tx> DecodeLegacyTx(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    primitives::Tx tx;
    tx.version = r.ReadU32LE();
    const uint64_t n_inputs = encoding::ReadCompactSize(r);
    if (r.failed()) return std::nullopt;
    if (n_inputs != 0) {
        auto decoded = primitives::DecodeTx(bytes);
        if (!decoded) return std::nullopt;
        return std::move(*decoded);
    }
    const uint64_t n_outputs = encoding::ReadCompactSize(r);
    // 8 value bytes + 1 length byte at least per output: a huge claimed count cannot make us
    // allocate more than the input could hold.
    if (!r.CheckCount(n_outputs, 9)) return std::nullopt;
    tx.outputs.resize(n_outputs);
    for (auto& out : tx.outputs) {
        out.value = r.ReadI64LE();
        const uint64_t len = encoding::ReadCompactSize(r);
        if (!r.CheckCount(len, 1)) return std::nullopt;
        out.script_pubkey = r.ReadBytes(len);
        if (r.failed()) return std::nullopt;
    }
    tx.locktime = r.ReadU32LE();
    if (r.failed() || !r.empty()) return std::nullopt;
    return tx;
}

// Decodes both ways (as allowed) and prefers, in order: a sane extended decoding, a sane
// legacy one, any extended one, any legacy one. Only decodings that consume every byte count.
std::optional<primitives::Tx> DecodeHexTx(const std::string& hex, bool try_no_witness, bool try_witness) {
    if (hex.empty()) return std::nullopt;
    const auto bytes = util::HexDecode(hex);
    if (!bytes) return std::nullopt;
    std::optional<primitives::Tx> extended;
    if (try_witness) {
        if (auto tx = primitives::DecodeTx(*bytes)) extended = std::move(*tx);
    }
    if (extended && ScriptsLookSane(*extended)) return extended;
    std::optional<primitives::Tx> legacy;
    if (try_no_witness) legacy = DecodeLegacyTx(*bytes);
    if (legacy && ScriptsLookSane(*legacy)) return legacy;
    if (extended) return extended;
    return legacy;
}

Reply DecodeRawTransaction(const rpc::Request& req, encoding::Network network) {
    bool try_witness = true;
    bool try_no_witness = true;
    if (req.Has("iswitness")) {
        try_witness = req.Arg("iswitness").GetBool();
        try_no_witness = !try_witness;
    }
    const auto tx = DecodeHexTx(req.Arg("hexstring").GetString(), try_no_witness, try_witness);
    if (!tx) return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, "TX decode failed"));
    return TxToJson(*tx, network);
}

// ---------------------------------------------------------------------------------------------
// decodescript

// Core's rules for offering a P2SH wrapping: not for types that are already an output of
// their own kind (P2SH, witness programs other than v0, anchors, OP_RETURN), and not for
// scripts that could never run (bad ops, unspendable, tapscript-only opcodes).
bool CanWrapInP2sh(util::ByteSpan script, script::TxoutType type) {
    using script::TxoutType;
    switch (type) {
        case TxoutType::MULTISIG:
        case TxoutType::NONSTANDARD:
        case TxoutType::PUBKEY:
        case TxoutType::PUBKEYHASH:
        case TxoutType::WITNESS_V0_KEYHASH:
        case TxoutType::WITNESS_V0_SCRIPTHASH:
            break;
        case TxoutType::NULL_DATA:
        case TxoutType::SCRIPTHASH:
        case TxoutType::WITNESS_UNKNOWN:
        case TxoutType::WITNESS_V1_TAPROOT:
        case TxoutType::ANCHOR:
            return false;
    }
    if (!HasValidOps(script) || script::IsUnspendable(script)) return false;
    size_t pc = 0;
    while (pc < script.size()) {
        const auto op = script::GetOp(script, pc);
        if (!op) return false;  // cannot happen after HasValidOps
        const uint8_t byte = script::ToByte(op->op);
        if (op->op == Opcode::OP_CHECKSIGADD || script::IsOpSuccess(byte)) return false;
    }
    return true;
}

// Core's rules for offering a segwit v0 wrapping: never for P2SH or witness programs, and not
// when a key is uncompressed (segwit v0 CHECKSIG rejects those under policy).
bool CanWrapInSegwit(const script::SolverResult& solved) {
    using script::TxoutType;
    switch (solved.type) {
        case TxoutType::MULTISIG:
        case TxoutType::PUBKEY:
            for (const auto& solution : solved.solutions) {
                // Multisig's m and n are the one-byte entries; every other entry is a key.
                if (solution.size() != 1 && solution.size() != COMPRESSED_PUBKEY_SIZE) return false;
            }
            return true;
        case TxoutType::NONSTANDARD:
        case TxoutType::PUBKEYHASH:
            return true;
        case TxoutType::NULL_DATA:
        case TxoutType::SCRIPTHASH:
        case TxoutType::WITNESS_UNKNOWN:
        case TxoutType::WITNESS_V0_KEYHASH:
        case TxoutType::WITNESS_V0_SCRIPTHASH:
        case TxoutType::WITNESS_V1_TAPROOT:
        case TxoutType::ANCHOR:
            return false;
    }
    return false;
}

Reply DecodeScript(const rpc::Request& req, encoding::Network network) {
    const std::string& hex = req.Arg("hexstring").GetString();
    util::Bytes script;
    if (!hex.empty()) {  // an empty script is a valid script
        auto bytes = ParseHexArg(hex, "argument");
        if (!bytes) return util::Fail(bytes.error());
        script = std::move(*bytes);
    }
    const script::SolverResult solved = script::Solver(script);

    // Core's fields, in its order: asm, desc, address, type.
    Json r = Json::MakeObject();
    r.Set("asm", script::ScriptToAsm(script, false));
    r.Set("desc", descriptor::InferDescriptor(script, network));
    if (solved.type != script::TxoutType::PUBKEY) {
        if (auto address = encoding::EncodeAddress(script, network)) r.Set("address", *address);
    }
    r.Set("type", std::string(script::GetTxoutTypeName(solved.type)));

    if (!CanWrapInP2sh(script, solved.type)) return r;
    if (auto p2sh = encoding::EncodeAddress(P2shScript(script), network)) r.Set("p2sh", *p2sh);
    if (!CanWrapInSegwit(solved)) return r;

    util::Bytes segwit_script;
    if (solved.type == script::TxoutType::PUBKEY) {
        segwit_script = WitnessV0Script(crypto::Hash160(solved.solutions[0]).span());
    } else if (solved.type == script::TxoutType::PUBKEYHASH) {
        segwit_script = WitnessV0Script(solved.solutions[0]);
    } else {
        const auto digest = crypto::Sha256Hash(script);
        segwit_script = WitnessV0Script(digest);
    }
    // {asm, desc, hex, address, type}, then the P2SH-wrapped address. The witness script is
    // known here, so a P2WSH of a bare key or multisig infers as wsh(...).
    Json segwit = ScriptPubKeyToJson(segwit_script, network);
    if (segwit_script.size() == 34) segwit.Set("desc", descriptor::InferDescriptor(segwit_script, network, script));
    if (auto p2sh_segwit = encoding::EncodeAddress(P2shScript(segwit_script), network)) {
        segwit.Set("p2sh-segwit", *p2sh_segwit);
    }
    r.Set("segwit", std::move(segwit));
    return r;
}

// ---------------------------------------------------------------------------------------------
// createrawtransaction: Core's ConstructTransaction.

util::Result<void, RpcError> AddInputs(primitives::Tx& tx, const Json& inputs, std::optional<bool> rbf) {
    for (const Json& input : inputs.GetArray()) {
        if (!input.IsObject()) return util::Fail(TypeMismatch(input, Json::Type::Object));

        const Json* txid_value = input.Find("txid");
        const Json null_value;
        if (txid_value == nullptr) txid_value = &null_value;
        if (!txid_value->IsString()) return util::Fail(TypeMismatch(*txid_value, Json::Type::String));
        auto txid = ParseTxid(*txid_value, "txid");
        if (!txid) return util::Fail(txid.error());

        const Json* vout_value = input.Find("vout");
        if (vout_value == nullptr || !vout_value->IsNumber()) {
            return util::Fail(
                RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, missing vout key"));
        }
        // Core reads vout as an int: anything beyond int32 is "out of range" before the sign check.
        auto vout = GetInteger(*vout_value, INT32_MIN, INT32_MAX);
        if (!vout) return util::Fail(vout.error());
        if (*vout < 0) {
            return util::Fail(
                RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, vout cannot be negative"));
        }

        uint32_t sequence = primitives::TxIn::SEQUENCE_FINAL;
        if (rbf.value_or(true)) {
            sequence = MAX_BIP125_RBF_SEQUENCE;
        } else if (tx.locktime != 0) {
            sequence = MAX_SEQUENCE_NONFINAL;
        }
        // Core ignores a "sequence" that is not a number.
        if (const Json* seq_value = input.Find("sequence"); seq_value != nullptr && seq_value->IsNumber()) {
            auto seq = GetInteger(*seq_value, INT64_MIN, INT64_MAX);
            if (!seq) return util::Fail(seq.error());
            if (*seq < 0 || *seq > int64_t{primitives::TxIn::SEQUENCE_FINAL}) {
                return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                          "Invalid parameter, sequence number is out of range"));
            }
            sequence = static_cast<uint32_t>(*seq);
        }

        primitives::TxIn in;
        in.prevout = primitives::OutPoint{*txid, static_cast<uint32_t>(*vout)};
        in.sequence = sequence;
        tx.inputs.push_back(std::move(in));
    }
    return {};
}

// Core's NormalizeOutputs: an object of key-value pairs, or an array of one-pair objects
// flattened into one list (keeping repeats, which ParseOutputs then rejects).
util::Result<Json::Object, RpcError> NormalizeOutputs(const Json& outputs) {
    if (outputs.IsNull()) {
        return util::Fail(
            RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, output argument must be non-null"));
    }
    if (outputs.IsObject()) return outputs.GetObject();
    if (!outputs.IsArray()) return util::Fail(TypeMismatch(outputs, Json::Type::Array));
    Json::Object pairs;
    for (const Json& output : outputs.GetArray()) {
        if (!output.IsObject()) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                      "Invalid parameter, key-value pair not an object as expected"));
        }
        if (output.size() != 1) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                      "Invalid parameter, key-value pair must contain exactly one key"));
        }
        pairs.push_back(output.GetObject()[0]);
    }
    return pairs;
}

util::Result<void, RpcError> AddOutputs(primitives::Tx& tx, const Json& outputs_param,
                                        encoding::Network network) {
    auto pairs = NormalizeOutputs(outputs_param);
    if (!pairs) return util::Fail(pairs.error());
    std::set<util::Bytes> destinations;
    bool has_data = false;
    for (const auto& [key, value] : *pairs) {
        if (key == "data") {
            if (has_data) {
                return util::Fail(
                    RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, duplicate key: data"));
            }
            has_data = true;
            auto data = ParseHexArg(ValueText(value), "Data");
            if (!data) return util::Fail(data.error());
            util::Bytes script{script::ToByte(Opcode::OP_RETURN)};
            script::AppendPush(script, *data);
            tx.outputs.push_back(primitives::TxOut{0, std::move(script)});
            continue;
        }
        // Core parses the amount before it checks the address, so a bad amount wins.
        auto script = encoding::DecodeAddress(key, network);
        auto amount = rpc::AmountFromValue(value);
        if (!amount) return util::Fail(amount.error());
        if (!script) {
            return util::Fail(
                RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Invalid Bitcoin address: " + key));
        }
        if (!destinations.insert(*script).second) {
            return util::Fail(
                RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, duplicated address: " + key));
        }
        tx.outputs.push_back(primitives::TxOut{*amount, std::move(*script)});
    }
    return {};
}

Reply CreateRawTransaction(const rpc::Request& req, encoding::Network network) {
    auto version = GetInteger(req.Arg("version"), 0, UINT32_MAX);
    if (!version) return util::Fail(version.error());

    primitives::Tx tx;
    auto locktime = GetInteger(req.Arg("locktime"), INT64_MIN, INT64_MAX);
    if (!locktime) return util::Fail(locktime.error());
    if (*locktime < 0 || *locktime > LOCKTIME_MAX) {
        return util::Fail(
            RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, locktime out of range"));
    }
    tx.locktime = static_cast<uint32_t>(*locktime);

    if (*version < TX_MIN_STANDARD_VERSION || *version > TX_MAX_STANDARD_VERSION) {
        return util::Fail(
            RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, version out of range(" +
                                                         std::to_string(TX_MIN_STANDARD_VERSION) + "~" +
                                                         std::to_string(TX_MAX_STANDARD_VERSION) + ")"));
    }
    tx.version = static_cast<uint32_t>(*version);

    // Only an explicit replaceable=true is checked against explicit sequence numbers; left out,
    // it just picks the default sequence.
    std::optional<bool> rbf;
    if (req.Has("replaceable")) rbf = req.Arg("replaceable").GetBool();

    if (auto added = AddInputs(tx, req.Arg("inputs"), rbf); !added) return util::Fail(added.error());
    if (auto added = AddOutputs(tx, req.Arg("outputs"), network); !added) return util::Fail(added.error());

    if (rbf.value_or(false) && !tx.inputs.empty()) {
        bool signals = false;
        for (const auto& in : tx.inputs) signals = signals || in.sequence <= MAX_BIP125_RBF_SEQUENCE;
        if (!signals) {
            return util::Fail(
                RpcFail(RpcErrorCode::INVALID_PARAMETER,
                        "Invalid parameter combination: Sequence number(s) contradict replaceable option"));
        }
    }
    return Json(util::HexEncode(primitives::SerializeTx(tx)));
}

// ---------------------------------------------------------------------------------------------
// validateaddress

// Indices of likely typos. Core fills these only for strings it tried as bech32 (its
// LocateErrors); we know at most the one position our decoder located, except for an
// over-long string, where Core lists every index past the limit.
Json ErrorLocations(const encoding::AddressError& error, std::string_view text) {
    Json locations = Json::MakeArray();
    if (!error.position) return locations;
    if (error.code == encoding::AddressErrorCode::Bech32Format && error.message == "Bech32 string too long") {
        for (size_t i = *error.position; i < text.size(); ++i) locations.PushBack(static_cast<uint64_t>(i));
        return locations;
    }
    locations.PushBack(static_cast<uint64_t>(*error.position));
    return locations;
}

Reply ValidateAddress(const rpc::Request& req, encoding::Network network) {
    const std::string& text = req.Arg("address").GetString();
    Json r = Json::MakeObject();
    auto script = encoding::DecodeAddress(text, network);
    if (!script) {
        r.Set("isvalid", false);
        r.Set("error_locations", ErrorLocations(script.error(), text));
        r.Set("error", script.error().message);
        return r;
    }
    r.Set("isvalid", true);
    // The canonical spelling (bech32 in lower case), as Core re-encodes the destination.
    r.Set("address", encoding::EncodeAddress(*script, network).value_or(text));
    r.Set("scriptPubKey", util::HexEncode(*script));

    const encoding::AddressInfo info = encoding::DescribeScript(*script);
    const auto set_witness = [&] {
        r.Set("witness_version", static_cast<int64_t>(info.witness_version));
        r.Set("witness_program", util::HexEncode(info.witness_program));
    };
    // Core's DescribeAddressVisitor: which fields appear depends on the destination type.
    switch (info.type) {
        case encoding::AddressType::P2PKH:
        case encoding::AddressType::P2SH:
        case encoding::AddressType::P2WPKH:
        case encoding::AddressType::P2WSH:
        case encoding::AddressType::P2TR:
            r.Set("isscript", info.is_script);
            r.Set("iswitness", info.is_witness);
            if (info.is_witness) set_witness();
            break;
        case encoding::AddressType::P2A:  // Core gives no witness_version/program for anchors
            r.Set("isscript", true);
            r.Set("iswitness", true);
            break;
        case encoding::AddressType::WitnessUnknown:  // and no isscript for unknown versions
            r.Set("iswitness", true);
            set_witness();
            break;
        case encoding::AddressType::None:
            break;
    }
    return r;
}

}  // namespace

util::Result<void, std::string> RegisterRawTxRpcs(rpc::MethodTable& table, NodeContext& node) {
    Registrar registrar(table);
    auto add = [&registrar](rpc::Method m) { registrar.Add(std::move(m)); };
    add({.name = "decoderawtransaction",
         .category = "Rawtransactions",
         .description = "Return a JSON object representing the serialized, hex-encoded transaction.",
         .params = {{.name = "hexstring", .type = ParamType::HEX, .help = "The transaction hex string"},
                    {.name = "iswitness",
                     .type = ParamType::BOOL,
                     .required = false,
                     .default_hint = "depends on heuristic tests",
                     .help = "Whether the transaction hex is a serialized witness transaction.\n"
                             "If iswitness is not present, heuristic tests will be used in decoding.\n"
                             "If true, only witness deserialization will be tried.\n"
                             "If false, only non-witness deserialization will be tried.\n"
                             "This boolean should reflect whether the transaction has inputs\n"
                             "(e.g. fully valid, or on-chain transactions), if known by the caller."}},
         .result_help = "{txid, hash, version, size, vsize, weight, locktime, vin: [...], vout: [...]}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return DecodeRawTransaction(req, node.Network()); }});
    add({.name = "decodescript",
         .category = "Rawtransactions",
         .description = "Decode a hex-encoded script.",
         .params = {{.name = "hexstring", .type = ParamType::HEX, .help = "the hex-encoded script"}},
         .result_help = "{asm, address?, type, p2sh?, segwit?: {asm, hex, type, address?, p2sh-segwit}}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return DecodeScript(req, node.Network()); }});
    add({.name = "createrawtransaction",
         .category = "Rawtransactions",
         .description = "Create a transaction spending the given inputs and creating new outputs.\n"
                        "Outputs can be addresses or data.\n"
                        "Returns hex-encoded raw transaction.\n"
                        "Note that the transaction's inputs are not signed, and\n"
                        "it is not stored in the wallet or transmitted to the network.",
         .params = {{.name = "inputs",
                     .type = ParamType::ARRAY,
                     .help = "The inputs",
                     .oneline = "[{\"txid\":\"hex\",\"vout\":n,\"sequence\":n},...]"},
                    // Core skips the type check here: an object of pairs is accepted too.
                    {.name = "outputs",
                     .type = ParamType::ANY,
                     .help =
                         "The outputs specified as key-value pairs.\n"
                         "Each key may only appear once, i.e. there can only be one 'data' output, and no "
                         "address may be duplicated.\n"
                         "At least one output of either type must be specified.\n"
                         "For compatibility reasons, a dictionary, which holds the key-value pairs directly, "
                         "is also accepted as second parameter.",
                     .oneline = "[{\"address\":amount,...},{\"data\":\"hex\"},...]",
                     .type_text = "json array"},
                    {.name = "locktime",
                     .type = ParamType::NUMBER,
                     .required = false,
                     .default_value = Json(0),
                     .help = "Raw locktime. Non-0 value also locktime-activates inputs"},
                    {.name = "replaceable",
                     .type = ParamType::BOOL,
                     .required = false,
                     .default_value = Json(true),
                     .help = "Marks this transaction as BIP125-replaceable.\n"
                             "Allows this transaction to be replaced by a transaction with higher fees. If "
                             "provided, it is an error if explicit sequence numbers are incompatible."},
                    {.name = "version",
                     .type = ParamType::NUMBER,
                     .required = false,
                     .default_value = Json(DEFAULT_RAWTX_VERSION),
                     .help = "Transaction version"}},
         .result_help = "\"hex\"    (string) hex string of the transaction",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return CreateRawTransaction(req, node.Network()); }});
    add({.name = "validateaddress",
         .category = "Util",
         .description = "Return information about the given bitcoin address.",
         .params = {{.name = "address",
                     .type = ParamType::STRING,
                     .help = "The bitcoin address to validate"}},
         .result_help = "{isvalid, address?, scriptPubKey?, isscript?, iswitness?, witness_version?, "
                        "witness_program?, error?, error_locations?}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return ValidateAddress(req, node.Network()); }});
    return registrar.Finish();
}

}  // namespace tonari::bitcoin::node
