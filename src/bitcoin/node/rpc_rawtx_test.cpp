// decoderawtransaction, decodescript, createrawtransaction and validateaddress, called through
// a real method table as a client would: results checked field by field against values worked
// out independently (Python hashlib/base58/bech32 for the hashes and addresses, BIP143 and
// Core's key_io vectors), and every error path checked for Core's code and text.
#include "bitcoin/node/rpc_rawtx.h"

#include <gtest/gtest.h>

#include <cctype>
#include <iostream>
#include <string>
#include <string_view>

#include "bitcoin/rpc/method_table.h"
#include "test_data.h"
#include "util/json.h"

namespace tonari::bitcoin::node {
namespace {

using encoding::Network;
using rpc::RpcErrorCode;
using util::Json;

// A node context (no storage: these methods only need the network) with the four methods.
class Harness {
public:
    explicit Harness(Network network) : m_node(network, 0) {
        const auto registered = RegisterRawTxRpcs(m_table, m_node);
        EXPECT_TRUE(registered) << (registered ? "" : registered.error());
    }

    util::Result<Json, rpc::RpcError> Call(std::string_view method, std::string_view params) {
        auto parsed = util::ParseJson(params);
        EXPECT_TRUE(parsed) << "bad test JSON: " << params;
        if (!parsed) return util::Fail(rpc::RpcError{RpcErrorCode::PARSE_ERROR, "bad test JSON"});
        return m_table.Execute(method, *parsed, m_context);
    }

    // The result of a call that must succeed (null, with a test failure, otherwise).
    Json Ok(std::string_view method, std::string_view params) {
        auto r = Call(method, params);
        EXPECT_TRUE(r) << method << " " << params << " -> " << (r ? "" : r.error().message);
        return r ? *r : Json();
    }

    void ExpectError(std::string_view method, std::string_view params, RpcErrorCode code,
                     std::string_view message) {
        auto r = Call(method, params);
        ASSERT_FALSE(r) << method << " " << params << " unexpectedly gave " << r->Dump();
        EXPECT_EQ(r.error().code, code) << method << " " << params << ": " << r.error().message;
        EXPECT_EQ(r.error().message, message) << method << " " << params;
    }

    rpc::MethodTable& table() { return m_table; }
    NodeContext& node() { return m_node; }

private:
    NodeContext m_node;
    rpc::MethodTable m_table;
    rpc::CallContext m_context;
};

// A field's text ("<missing>" when absent), for compact expectations.
std::string Field(const Json& object, std::string_view key) {
    const Json* v = object.Find(key);
    if (v == nullptr) return "<missing>";
    if (v->IsString() || v->IsNumber()) return v->GetString();
    return v->Dump();
}

// A member, or (with a test failure) a shared null when it is absent, so a missing field
// fails the test instead of crashing it.
const Json& Member(const Json& object, std::string_view key) {
    static const Json null_json;
    const Json* v = object.Find(key);
    if (v == nullptr) {
        ADD_FAILURE() << "missing field " << key << " in " << object.Dump();
        return null_json;
    }
    return *v;
}

// An array element, or (with a test failure) a shared null when out of range.
const Json& At(const Json& array, size_t i) {
    static const Json null_json;
    if (!array.IsArray() || i >= array.size()) {
        ADD_FAILURE() << "no element " << i << " in " << array.Dump();
        return null_json;
    }
    return array[i];
}

// ---------------------------------------------------------------------------------------------
// Registration

TEST(RawTxRpc, RegistersFourMethodsOnceOnly) {
    Harness h(Network::Regtest);
    for (const char* name :
         {"decoderawtransaction", "decodescript", "createrawtransaction", "validateaddress"}) {
        EXPECT_NE(h.table().Find(name), nullptr) << name;
    }
    const auto again = RegisterRawTxRpcs(h.table(), h.node());
    EXPECT_FALSE(again);  // duplicate names are refused
    EXPECT_NE(h.table().Help("createrawtransaction").find("replaceable"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// decoderawtransaction

struct ExpectedTx {
    const char* name;
    const char* txid;
    const char* hash;
    int size;
    int vsize;
    int weight;
};

// Worked out with Python: txid = dSHA256 of the serialization without marker/flag/witness,
// hash = dSHA256 of the full bytes, weight = 3 * stripped + total, vsize = ceil(weight / 4).
constexpr ExpectedTx BIP143_EXPECTED[] = {
    {"Native P2WPKH", "e8151a2af31c368a35053ddd4bdb285a8595c769a3ad83e0fa02314a602d4609",
     "c36c38370907df2324d9ce9d149d191192f338b37665a82e78e76a12c909b762", 343, 261, 1042},
    {"P2SH-P2WPKH", "ef48d9d0f595052e0f8cdcf825f7a5e50b6a388a81f206f3f4846e5ecd7a0c23",
     "680f483b2bf6c5dcbf111e69e885ba248a41a5e92070cfb0afec3cfc49a9fabb", 251, 170, 677},
};

TEST(RawTxRpc, DecodesBip143SegwitTransactions) {
    Harness h(Network::Regtest);
    const auto json = test::ReadTestJson("bips/bip143_p2wpkh_examples.json");
    int cases = 0;
    for (const auto& example : json.at("examples").as_array()) {
        const std::string name(example.at("name").as_string());
        const std::string signed_hex(example.at("signed_tx").as_string());
        const std::string unsigned_hex(example.at("unsigned_tx").as_string());
        const ExpectedTx* expected = nullptr;
        for (const auto& e : BIP143_EXPECTED) {
            if (name == e.name) expected = &e;
        }
        ASSERT_NE(expected, nullptr) << name;

        const Json tx = h.Ok("decoderawtransaction", "[\"" + signed_hex + "\"]");
        EXPECT_EQ(Field(tx, "txid"), expected->txid) << name;
        EXPECT_EQ(Field(tx, "hash"), expected->hash) << name;
        EXPECT_EQ(Field(tx, "version"), "1") << name;
        EXPECT_EQ(Field(tx, "size"), std::to_string(expected->size)) << name;
        EXPECT_EQ(Field(tx, "vsize"), std::to_string(expected->vsize)) << name;
        EXPECT_EQ(Field(tx, "weight"), std::to_string(expected->weight)) << name;
        // Core's field order.
        std::string keys;
        for (const auto& [key, value] : tx.GetObject()) keys += key + ",";
        EXPECT_EQ(keys, "txid,hash,version,size,vsize,weight,locktime,vin,vout,") << name;

        // The same transaction without its witness: same txid, hash == txid, and forcing the
        // witness reading still works because it has inputs.
        const Json stripped = h.Ok("decoderawtransaction", "[\"" + unsigned_hex + "\", true]");
        EXPECT_EQ(Field(stripped, "hash"), Field(stripped, "txid")) << name;
        // Forbidding the witness reading on the witness serialization fails, as in Core.
        h.ExpectError("decoderawtransaction", "[\"" + signed_hex + "\", false]",
                      RpcErrorCode::DESERIALIZATION_ERROR, "TX decode failed");
        ++cases;
    }
    std::cout << "[vectors] bip143_p2wpkh_examples.json: " << cases << " cases passed\n";
    EXPECT_EQ(cases, 2);
}

TEST(RawTxRpc, DecodeShowsInputsWitnessesAndOutputs) {
    Harness h(Network::Regtest);
    const auto json = test::ReadTestJson("bips/bip143_p2wpkh_examples.json");
    const std::string hex(json.at("examples").at(0).at("signed_tx").as_string());
    const Json tx = h.Ok("decoderawtransaction", "[\"" + hex + "\"]");
    EXPECT_EQ(Field(tx, "locktime"), "17");
    const Json& vin = Member(tx, "vin");
    ASSERT_EQ(vin.size(), 2u);
    EXPECT_EQ(Field(vin[0], "txid"), "9f96ade4b41d5433f4eda31e1738ec2b36f6e7d1420d94a6af99801a88f7f7ff");
    EXPECT_EQ(Field(vin[0], "vout"), "0");
    // A legacy signature in the scriptSig shows its sighash type, as Core's asm does.
    const std::string sig_asm = Field(Member(vin[0], "scriptSig"), "asm");
    EXPECT_EQ(sig_asm.substr(sig_asm.size() - 5), "[ALL]");
    EXPECT_EQ(vin[0].Find("txinwitness"), nullptr);
    EXPECT_EQ(Field(vin[0], "sequence"), "4294967278");
    const Json& witness = Member(vin[1], "txinwitness");
    ASSERT_EQ(witness.size(), 2u);
    EXPECT_EQ(witness[1].GetString(), "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357");
    EXPECT_EQ(Field(vin[1], "sequence"), "4294967295");

    const Json& vout = Member(tx, "vout");
    ASSERT_EQ(vout.size(), 2u);
    EXPECT_EQ(Field(vout[0], "value"), "1.12340000");
    EXPECT_EQ(Field(vout[1], "value"), "2.23450000");
    EXPECT_EQ(Field(vout[1], "n"), "1");
    const Json& spk = Member(vout[0], "scriptPubKey");
    EXPECT_EQ(Field(spk, "hex"), "76a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac");
    EXPECT_EQ(Field(spk, "address"), "msQzKJatdWdw4rpy8sbv8puHoncseekYCf");  // regtest P2PKH
    EXPECT_EQ(Field(spk, "type"), "pubkeyhash");
}

TEST(RawTxRpc, DecodeRejectsWhatDoesNotDecode) {
    Harness h(Network::Regtest);
    const auto fail = [&](const std::string& params) {
        h.ExpectError("decoderawtransaction", params, RpcErrorCode::DESERIALIZATION_ERROR,
                      "TX decode failed");
    };
    fail("[\"\"]");                                                // empty is not hex (Core's IsHex)
    fail("[\"zz\"]");                                              // not hex
    fail("[\"abc\"]");                                             // odd length
    fail("[\"0200000001\"]");                                      // truncated
    fail("[\"0200000000010000000000000000036a01000000000000\"]");  // a trailing byte
    // Segwit marker with no witness data anywhere: superfluous witness, and the legacy reading
    // leaves bytes over.
    fail(
        "[\"020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff00ffffffff0"
        "000"
        "00000000\"]");
    const auto wrong_type = h.Call("decoderawtransaction", "[5]");
    ASSERT_FALSE(wrong_type);
    EXPECT_EQ(wrong_type.error().code, RpcErrorCode::TYPE_ERROR);
}

// A transaction with no inputs and one output reads as a broken segwit one (the 0x00 input
// count followed by 0x01 looks like the marker and flag); Core's heuristic falls back to the
// legacy reading.
TEST(RawTxRpc, DecodeFallsBackToLegacyForInputlessTransactions) {
    Harness h(Network::Regtest);
    const std::string hex = "0200000000010000000000000000036a010000000000";
    const Json tx = h.Ok("decoderawtransaction", "[\"" + hex + "\"]");
    EXPECT_EQ(Field(tx, "vin"), "[]");
    ASSERT_EQ(Member(tx, "vout").size(), 1u);
    EXPECT_EQ(Field(Member(At(Member(tx, "vout"), 0), "scriptPubKey"), "type"), "nulldata");
    EXPECT_EQ(Field(tx, "size"), "22");
    // Forcing the witness reading fails, forcing the legacy one works.
    h.ExpectError("decoderawtransaction", "[\"" + hex + "\", true]", RpcErrorCode::DESERIALIZATION_ERROR,
                  "TX decode failed");
    EXPECT_EQ(Field(h.Ok("decoderawtransaction", "[\"" + hex + "\", false]"), "txid"), Field(tx, "txid"));
}

// ---------------------------------------------------------------------------------------------
// createrawtransaction

constexpr const char* TXID = "e8151a2af31c368a35053ddd4bdb285a8595c769a3ad83e0fa02314a602d4609";
constexpr const char* P2WPKH_ADDR = "bcrt1qr583w2swedy2acd7rung055k8t3n7udpkrxugj";  // regtest
constexpr const char* P2PKH_ADDR = "miAby844kZiD9aRnxUUiDAoEfLu7FygGRv";             // same key

std::string Inputs(const std::string& extra = "") {
    return std::string("[{\"txid\":\"") + TXID + "\",\"vout\":1" + extra + "}]";
}

TEST(RawTxRpc, CreateMatchesHandBuiltSerialization) {
    Harness h(Network::Regtest);
    // version 2, one input (txid reversed, vout 1, empty scriptSig, sequence 0xfffffffd since
    // replaceable defaults to true), one 0.1 BTC P2WPKH output, locktime 0.
    const Json hex =
        h.Ok("createrawtransaction", "[" + Inputs() + ",[{\"" + std::string(P2WPKH_ADDR) + "\":0.1}]]");
    EXPECT_EQ(
        hex.GetString(),
        "020000000109462d604a3102fae083ada369c795855a28db4bdd3d05358a361cf32a1a15e80100000000fdffffff01809698"
        "00000000001600141d0f172a0ecb48aee1be1f2687d2963ae33f71a100000000");
    // Outputs as a plain object (Core's compatibility form) give the same bytes.
    EXPECT_EQ(
        h.Ok("createrawtransaction", "[" + Inputs() + ",{\"" + std::string(P2WPKH_ADDR) + "\":\"0.1\"}]"),
        hex);
    // A data-only, input-less transaction.
    EXPECT_EQ(h.Ok("createrawtransaction", "[[],[{\"data\":\"00\"}]]").GetString(),
              "0200000000010000000000000000036a010000000000");
}

TEST(RawTxRpc, CreateRoundTripsThroughDecode) {
    Harness h(Network::Regtest);
    const std::string params = std::string("[[{\"txid\":\"") + TXID + "\",\"vout\":1},{\"txid\":\"" +
                               std::string(64, 'a') + "\",\"vout\":7,\"sequence\":5}]," + "[{\"" +
                               P2WPKH_ADDR + "\":0.5},{\"" + P2PKH_ADDR +
                               "\":\"1.25\"},{\"data\":\"deadbeef\"}],1000,false,3]";
    const Json hex = h.Ok("createrawtransaction", params);
    ASSERT_TRUE(hex.IsString());
    const Json tx = h.Ok("decoderawtransaction", "[\"" + hex.GetString() + "\"]");
    EXPECT_EQ(Field(tx, "version"), "3");
    EXPECT_EQ(Field(tx, "locktime"), "1000");
    EXPECT_EQ(Field(tx, "hash"), Field(tx, "txid"));
    const Json& vin = Member(tx, "vin");
    ASSERT_EQ(vin.size(), 2u);
    EXPECT_EQ(Field(vin[0], "txid"), TXID);
    EXPECT_EQ(Field(vin[0], "vout"), "1");
    EXPECT_EQ(Field(vin[0], "sequence"), "4294967294");  // not replaceable, locktime set
    EXPECT_EQ(Field(Member(vin[0], "scriptSig"), "hex"), "");
    EXPECT_EQ(Field(vin[1], "txid"), std::string(64, 'a'));
    EXPECT_EQ(Field(vin[1], "vout"), "7");
    EXPECT_EQ(Field(vin[1], "sequence"), "5");
    const Json& vout = Member(tx, "vout");
    ASSERT_EQ(vout.size(), 3u);
    EXPECT_EQ(Field(vout[0], "value"), "0.50000000");
    EXPECT_EQ(Field(Member(vout[0], "scriptPubKey"), "address"), P2WPKH_ADDR);
    EXPECT_EQ(Field(vout[1], "value"), "1.25000000");
    EXPECT_EQ(Field(Member(vout[1], "scriptPubKey"), "hex"),
              "76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac");
    EXPECT_EQ(Field(vout[2], "value"), "0.00000000");
    EXPECT_EQ(Field(Member(vout[2], "scriptPubKey"), "hex"), "6a04deadbeef");
    EXPECT_EQ(Field(Member(vout[2], "scriptPubKey"), "type"), "nulldata");
}

TEST(RawTxRpc, CreateDefaultSequenceFollowsReplaceableAndLocktime) {
    Harness h(Network::Regtest);
    const std::string out = std::string(",[{\"") + P2WPKH_ADDR + "\":1}]";
    const auto sequence_of = [&](const std::string& params) {
        const Json hex = h.Ok("createrawtransaction", "[" + params + "]");
        const Json tx = h.Ok("decoderawtransaction", "[\"" + hex.GetString() + "\"]");
        return Field(At(Member(tx, "vin"), 0), "sequence");
    };
    EXPECT_EQ(sequence_of(Inputs() + out), "4294967293");  // replaceable by default
    EXPECT_EQ(sequence_of(Inputs() + out + ",0,true"), "4294967293");
    EXPECT_EQ(sequence_of(Inputs() + out + ",0,false"), "4294967295");  // final
    EXPECT_EQ(sequence_of(Inputs() + out + ",5,false"), "4294967294");  // lets the locktime bind
    // An explicit final sequence with replaceable left out is allowed ...
    EXPECT_EQ(sequence_of(Inputs(",\"sequence\":4294967295") + out), "4294967295");
    // ... but contradicts an explicit replaceable=true.
    h.ExpectError("createrawtransaction", "[" + Inputs(",\"sequence\":4294967295") + out + ",0,true]",
                  RpcErrorCode::INVALID_PARAMETER,
                  "Invalid parameter combination: Sequence number(s) contradict replaceable option");
    // One signalling input is enough.
    EXPECT_TRUE(h.Call("createrawtransaction", std::string("[[{\"txid\":\"") + TXID +
                                                   "\",\"vout\":0,\"sequence\":4294967295},{\"txid\":\"" +
                                                   TXID + "\",\"vout\":2}]" + out + ",0,true]"));
    // A sequence that is not a number is ignored, as Core does.
    EXPECT_EQ(sequence_of(Inputs(",\"sequence\":\"7\"") + out), "4294967293");
}

TEST(RawTxRpc, CreateRejectsBadInputs) {
    Harness h(Network::Regtest);
    const std::string out = std::string(",[{\"") + P2WPKH_ADDR + "\":1}]";
    const std::string txid = std::string("\"txid\":\"") + TXID + "\"";
    const auto fail = [&](const std::string& inputs, RpcErrorCode code, std::string_view message) {
        h.ExpectError("createrawtransaction", "[" + inputs + out + "]", code, message);
    };
    fail("[{" + txid + "}]", RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, missing vout key");
    fail("[{" + txid + ",\"vout\":\"1\"}]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, missing vout key");
    fail("[{" + txid + ",\"vout\":-1}]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, vout cannot be negative");
    fail("[{" + txid + ",\"vout\":1.5}]", RpcErrorCode::MISC_ERROR, "JSON integer out of range");
    fail("[{" + txid + ",\"vout\":4294967296}]", RpcErrorCode::MISC_ERROR, "JSON integer out of range");
    fail("[{" + txid + ",\"vout\":0,\"sequence\":-1}]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, sequence number is out of range");
    fail("[{" + txid + ",\"vout\":0,\"sequence\":4294967296}]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, sequence number is out of range");
    fail("[{\"vout\":0}]", RpcErrorCode::TYPE_ERROR,
         "JSON value of type null is not of expected type string");
    fail("[{\"txid\":5,\"vout\":0}]", RpcErrorCode::TYPE_ERROR,
         "JSON value of type number is not of expected type string");
    fail("[{\"txid\":\"abcd\",\"vout\":0}]", RpcErrorCode::INVALID_PARAMETER,
         "txid must be of length 64 (not 4, for 'abcd')");
    fail("[{\"txid\":\"" + std::string(64, 'g') + "\",\"vout\":0}]", RpcErrorCode::INVALID_PARAMETER,
         "txid must be hexadecimal string (not '" + std::string(64, 'g') + "')");
    fail("[5]", RpcErrorCode::TYPE_ERROR, "JSON value of type number is not of expected type object");
    // inputs must be an array (the table's type check).
    const auto not_array = h.Call("createrawtransaction", "[{}" + out + "]");
    ASSERT_FALSE(not_array);
    EXPECT_EQ(not_array.error().code, RpcErrorCode::TYPE_ERROR);
}

TEST(RawTxRpc, CreateRejectsBadOutputs) {
    Harness h(Network::Regtest);
    const auto fail = [&](const std::string& outputs, RpcErrorCode code, std::string_view message) {
        h.ExpectError("createrawtransaction", "[" + Inputs() + "," + outputs + "]", code, message);
    };
    const std::string addr = std::string("\"") + P2WPKH_ADDR + "\"";
    fail("[{\"notanaddress\":1}]", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
         "Invalid Bitcoin address: notanaddress");
    // A mainnet address on regtest.
    fail("{\"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\":1}", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
         "Invalid Bitcoin address: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    fail("[{" + addr + ":1},{" + addr + ":2}]", RpcErrorCode::INVALID_PARAMETER,
         std::string("Invalid parameter, duplicated address: ") + P2WPKH_ADDR);
    // The same destination spelled in upper case is still a duplicate.
    std::string upper = P2WPKH_ADDR;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    fail("[{" + addr + ":1},{\"" + upper + "\":2}]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, duplicated address: " + upper);
    fail("[{\"data\":\"00\"},{\"data\":\"01\"}]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, duplicate key: data");
    fail("[{\"data\":\"zz\"}]", RpcErrorCode::INVALID_PARAMETER,
         "Data must be hexadecimal string (not 'zz')");
    fail("[{\"data\":\"\"}]", RpcErrorCode::INVALID_PARAMETER, "Data must be hexadecimal string (not '')");
    fail("[{" + addr + ":1,\"data\":\"00\"}]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, key-value pair must contain exactly one key");
    fail("[{}]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, key-value pair must contain exactly one key");
    fail("[5]", RpcErrorCode::INVALID_PARAMETER,
         "Invalid parameter, key-value pair not an object as expected");
    fail("null", RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, output argument must be non-null");
    fail("\"x\"", RpcErrorCode::TYPE_ERROR, "JSON value of type string is not of expected type array");
    // Amounts, as Core's AmountFromValue.
    fail("[{" + addr + ":-1}]", RpcErrorCode::TYPE_ERROR, "Amount out of range");
    fail("[{" + addr + ":21000001}]", RpcErrorCode::TYPE_ERROR, "Amount out of range");
    fail("[{" + addr + ":\"abc\"}]", RpcErrorCode::TYPE_ERROR, "Invalid amount");
    fail("[{" + addr + ":0.000000001}]", RpcErrorCode::TYPE_ERROR, "Invalid amount");
    fail("[{" + addr + ":true}]", RpcErrorCode::TYPE_ERROR, "Amount is not a number or string");
    // Core parses the amount before it looks at the address.
    fail("[{\"notanaddress\":-1}]", RpcErrorCode::TYPE_ERROR, "Amount out of range");
}

TEST(RawTxRpc, CreateRejectsBadLocktimeAndVersion) {
    Harness h(Network::Regtest);
    const std::string base = "[" + Inputs() + ",[{\"" + std::string(P2WPKH_ADDR) + "\":1}]";
    h.ExpectError("createrawtransaction", base + ",-1]", RpcErrorCode::INVALID_PARAMETER,
                  "Invalid parameter, locktime out of range");
    h.ExpectError("createrawtransaction", base + ",4294967296]", RpcErrorCode::INVALID_PARAMETER,
                  "Invalid parameter, locktime out of range");
    h.ExpectError("createrawtransaction", base + ",1.5]", RpcErrorCode::MISC_ERROR,
                  "JSON integer out of range");
    EXPECT_TRUE(h.Call("createrawtransaction", base + ",4294967295]"));
    h.ExpectError("createrawtransaction", base + ",0,true,4]", RpcErrorCode::INVALID_PARAMETER,
                  "Invalid parameter, version out of range(1~3)");
    h.ExpectError("createrawtransaction", base + ",0,true,0]", RpcErrorCode::INVALID_PARAMETER,
                  "Invalid parameter, version out of range(1~3)");
    h.ExpectError("createrawtransaction", base + ",0,true,-1]", RpcErrorCode::MISC_ERROR,
                  "JSON integer out of range");
    // Named parameters reach the same checks.
    h.ExpectError("createrawtransaction",
                  std::string("{\"inputs\":[],\"outputs\":[{\"data\":\"00\"}],\"locktime\":-5}"),
                  RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, locktime out of range");
    // Too few parameters: Core answers with the help text.
    const auto missing = h.Call("createrawtransaction", "[[]]");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, RpcErrorCode::MISC_ERROR);
}

// ---------------------------------------------------------------------------------------------
// decodescript (expected addresses worked out with Python for regtest: P2PKH 0x6f, P2SH 0xc4,
// bech32 "bcrt").

constexpr const char* KEY1 = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";
constexpr const char* KEY2 = "03c9f4836b9a4f77fc0d81f7bcb01b7f1b35916864b9476c241ce9fc198bd25432";
constexpr const char* UNCOMPRESSED =
    "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b4"
    "48a68554199c47d08ffb10d4b8";

TEST(RawTxRpc, DecodeScriptP2pkh) {
    Harness h(Network::Regtest);
    const Json r = h.Ok("decodescript", "[\"76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac\"]");
    EXPECT_EQ(
        r.Dump(),
        "{\"asm\":\"OP_DUP OP_HASH160 1d0f172a0ecb48aee1be1f2687d2963ae33f71a1 OP_EQUALVERIFY OP_CHECKSIG\","
        "\"desc\":\"addr(miAby844kZiD9aRnxUUiDAoEfLu7FygGRv)#8ufuspqa\","
        "\"address\":\"miAby844kZiD9aRnxUUiDAoEfLu7FygGRv\",\"type\":\"pubkeyhash\","
        "\"p2sh\":\"2NCnK93q8f577HMrzV9YxBwc2FxkRGYuQ3h\","
        "\"segwit\":{\"asm\":\"0 1d0f172a0ecb48aee1be1f2687d2963ae33f71a1\","
        "\"desc\":\"addr(bcrt1qr583w2swedy2acd7rung055k8t3n7udpkrxugj)#32jnc03m\","
        "\"hex\":\"00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1\","
        "\"address\":\"bcrt1qr583w2swedy2acd7rung055k8t3n7udpkrxugj\",\"type\":\"witness_v0_keyhash\","
        "\"p2sh-segwit\":\"2NAYRm5tM4keE7qGmp8Pq3MzFXQnYJJc8sk\"}}");
}

TEST(RawTxRpc, DecodeScriptP2wpkhIsWrappedInP2shOnly) {
    Harness h(Network::Regtest);
    const Json r = h.Ok("decodescript", "[\"00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1\"]");
    EXPECT_EQ(r.Dump(),
              "{\"asm\":\"0 1d0f172a0ecb48aee1be1f2687d2963ae33f71a1\","
              "\"desc\":\"addr(bcrt1qr583w2swedy2acd7rung055k8t3n7udpkrxugj)#32jnc03m\","
              "\"address\":\"bcrt1qr583w2swedy2acd7rung055k8t3n7udpkrxugj\",\"type\":\"witness_v0_keyhash\","
              "\"p2sh\":\"2NAYRm5tM4keE7qGmp8Pq3MzFXQnYJJc8sk\"}");
}

TEST(RawTxRpc, DecodeScriptMultisig) {
    Harness h(Network::Regtest);
    const std::string ms = std::string("5121") + KEY1 + "21" + KEY2 + "52ae";
    const Json r = h.Ok("decodescript", "[\"" + ms + "\"]");
    EXPECT_EQ(Field(r, "asm"), std::string("1 ") + KEY1 + " " + KEY2 + " 2 OP_CHECKMULTISIG");
    EXPECT_EQ(Field(r, "type"), "multisig");
    EXPECT_EQ(Field(r, "address"), "<missing>");
    EXPECT_EQ(Field(r, "p2sh"), "2NGXdAs7tf7B7dr15d4tXifapixB2iQ8KC9");
    const Json& segwit = Member(r, "segwit");
    EXPECT_EQ(Field(segwit, "hex"), "00207f8c870b1e8d91afe7a8c08ea5ce3a0bc8e15293aa7444fa40eecb79fa176efa");
    EXPECT_EQ(Field(segwit, "type"), "witness_v0_scripthash");
    EXPECT_EQ(Field(segwit, "address"), "bcrt1q07xgwzc73kg6leagcz82tn36p0ywz55n4f6yf7jqam9hn7shdmaq48qqr5");
    EXPECT_EQ(Field(segwit, "p2sh-segwit"), "2MtFmkPnmQrexhT1fntezb6fNpFvhVP4zqB");
    // The witness script is known to decodescript, so the P2WSH infers as wsh(multi(...)).
    EXPECT_EQ(Field(r, "desc"), std::string("multi(1,") + KEY1 + "," + KEY2 + ")#06dpncg5");
    EXPECT_EQ(Field(segwit, "desc"), std::string("wsh(multi(1,") + KEY1 + "," + KEY2 + "))#jljagxkq");

    // An uncompressed key: P2SH is offered, segwit is not.
    const std::string msu = std::string("5121") + KEY1 + "41" + UNCOMPRESSED + "52ae";
    const Json u = h.Ok("decodescript", "[\"" + msu + "\"]");
    EXPECT_EQ(Field(u, "type"), "multisig");
    EXPECT_EQ(Field(u, "p2sh"), "2MvuEexs8koFPFN6qxqwzMfGqTD78VmKCN1");
    EXPECT_EQ(u.Find("segwit"), nullptr);
}

TEST(RawTxRpc, DecodeScriptPubkeyWrapsAsP2wpkh) {
    Harness h(Network::Regtest);
    const Json r = h.Ok("decodescript", std::string("[\"21") + KEY1 + "ac\"]");
    EXPECT_EQ(Field(r, "type"), "pubkey");
    EXPECT_EQ(Field(r, "address"), "<missing>");  // Core gives bare P2PK no address
    EXPECT_EQ(Field(r, "p2sh"), "2N8aiodHXNLyXJe1gA3GUbg9vavnQWYHC7h");
    EXPECT_EQ(Field(Member(r, "segwit"), "address"), "bcrt1qr583w2swedy2acd7rung055k8t3n7udpkrxugj");
    EXPECT_EQ(Field(Member(r, "segwit"), "type"), "witness_v0_keyhash");
    // An uncompressed P2PK cannot move to segwit.
    const Json u = h.Ok("decodescript", std::string("[\"41") + UNCOMPRESSED + "ac\"]");
    EXPECT_EQ(Field(u, "type"), "pubkey");
    EXPECT_NE(u.Find("p2sh"), nullptr);
    EXPECT_EQ(u.Find("segwit"), nullptr);
}

TEST(RawTxRpc, DecodeScriptOutputsThatMustNotBeWrapped) {
    Harness h(Network::Regtest);
    const Json ret = h.Ok("decodescript", "[\"6a0568656c6c6f\"]");
    EXPECT_EQ(ret.Dump(), "{\"asm\":\"OP_RETURN 68656c6c6f\",\"desc\":\"raw(6a0568656c6c6f)#yktqjuxu\",\"type\":\"nulldata\"}");
    const Json p2sh = h.Ok("decodescript", "[\"a914ff64e66f30c1377aeefb6bd5f3f8a6327bab65f687\"]");
    EXPECT_EQ(p2sh.Dump(),
              "{\"asm\":\"OP_HASH160 ff64e66f30c1377aeefb6bd5f3f8a6327bab65f6 OP_EQUAL\","
              "\"desc\":\"addr(2NGXdAs7tf7B7dr15d4tXifapixB2iQ8KC9)#acrcwrwa\","
              "\"address\":\"2NGXdAs7tf7B7dr15d4tXifapixB2iQ8KC9\",\"type\":\"scripthash\"}");
    const Json tr =
        h.Ok("decodescript", "[\"512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798\"]");
    EXPECT_EQ(Field(tr, "type"), "witness_v1_taproot");
    EXPECT_EQ(Field(tr, "address"), "bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6");
    EXPECT_EQ(tr.Find("p2sh"), nullptr);
    EXPECT_EQ(Field(tr, "desc"), "rawtr(79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798)#xsjqcczm");
    const Json anchor = h.Ok("decodescript", "[\"51024e73\"]");
    EXPECT_EQ(Field(anchor, "type"), "anchor");
    EXPECT_EQ(Field(anchor, "address"), "bcrt1pfeesnyr2tx");
    EXPECT_EQ(anchor.Find("p2sh"), nullptr);
    // Tapscript-only opcodes (OP_CAT is an OP_SUCCESS) and undecodable scripts are not wrapped.
    const Json cat = h.Ok("decodescript", "[\"51517e\"]");
    EXPECT_EQ(Field(cat, "type"), "nonstandard");
    EXPECT_EQ(cat.Find("p2sh"), nullptr);
    // Opcodes above Core's MAX_OPCODE (OP_NOP10): OP_CHECKSIGADD and the undefined 0xff.
    EXPECT_EQ(h.Ok("decodescript", "[\"51ba\"]").Find("p2sh"), nullptr);
    EXPECT_EQ(h.Ok("decodescript", "[\"51ff\"]").Find("p2sh"), nullptr);
    EXPECT_NE(h.Ok("decodescript", "[\"51b9\"]").Find("p2sh"), nullptr);  // OP_NOP10 itself is fine
    const Json truncated = h.Ok("decodescript", "[\"4c05aa\"]");
    EXPECT_EQ(Field(truncated, "asm"), "[error]");
    EXPECT_EQ(truncated.Find("p2sh"), nullptr);
}

TEST(RawTxRpc, DecodeScriptNonstandardAndEmpty) {
    Harness h(Network::Regtest);
    const Json one = h.Ok("decodescript", "[\"51\"]");
    EXPECT_EQ(Field(one, "asm"), "1");
    EXPECT_EQ(Field(one, "type"), "nonstandard");
    EXPECT_EQ(Field(one, "p2sh"), "2ND8PB9RrfCaAcjfjP1Y6nAgFd9zWHYX4DN");
    EXPECT_EQ(Field(Member(one, "segwit"), "address"),
              "bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85");
    EXPECT_EQ(Field(Member(one, "segwit"), "p2sh-segwit"), "2N3i4C56DiqfpdcAJsAdZd2xYpCQMRAroye");
    // The empty script is valid input (Core special-cases it).
    const Json empty = h.Ok("decodescript", "[\"\"]");
    EXPECT_EQ(Field(empty, "asm"), "");
    EXPECT_EQ(Field(empty, "p2sh"), "2N9hLwkSqr1cPQAPxbrGVUjxyjD11G2e1he");
    EXPECT_EQ(Field(Member(empty, "segwit"), "hex"),
              "0020e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RawTxRpc, DecodeScriptRejectsBadHex) {
    Harness h(Network::Regtest);
    h.ExpectError("decodescript", "[\"zz\"]", RpcErrorCode::INVALID_PARAMETER,
                  "argument must be hexadecimal string (not 'zz')");
    h.ExpectError("decodescript", "[\"abc\"]", RpcErrorCode::INVALID_PARAMETER,
                  "argument must be hexadecimal string (not 'abc')");
    const auto wrong_type = h.Call("decodescript", "[51]");
    ASSERT_FALSE(wrong_type);
    EXPECT_EQ(wrong_type.error().code, RpcErrorCode::TYPE_ERROR);
}

// ---------------------------------------------------------------------------------------------
// validateaddress

Network NetworkOf(std::string_view chain) {
    if (chain == "main") return Network::Main;
    if (chain == "testnet4") return Network::Testnet4;
    if (chain == "signet") return Network::Signet;
    EXPECT_EQ(chain, "regtest");
    return Network::Regtest;
}

// What Core's DescribeAddressVisitor reports, derived from the scriptPubKey bytes.
void ExpectDescription(const Json& r, const std::string& spk) {
    const auto has = [&](std::string_view key) { return r.Find(key) != nullptr; };
    if (spk.starts_with("76a914")) {
        EXPECT_EQ(Field(r, "isscript"), "false");
        EXPECT_EQ(Field(r, "iswitness"), "false");
        EXPECT_FALSE(has("witness_version"));
        return;
    }
    if (spk.starts_with("a914")) {
        EXPECT_EQ(Field(r, "isscript"), "true");
        EXPECT_EQ(Field(r, "iswitness"), "false");
        EXPECT_FALSE(has("witness_program"));
        return;
    }
    const int op = std::stoi(spk.substr(0, 2), nullptr, 16);
    const int version = op == 0 ? 0 : op - 0x50;
    const std::string program = spk.substr(4);
    EXPECT_EQ(Field(r, "iswitness"), "true");
    EXPECT_EQ(Field(r, "witness_version"), std::to_string(version));
    EXPECT_EQ(Field(r, "witness_program"), program);
    if (version == 0) {
        EXPECT_EQ(Field(r, "isscript"), program.size() == 64 ? "true" : "false");
    } else if (version == 1 && program.size() == 64) {
        EXPECT_EQ(Field(r, "isscript"), "true");  // taproot
    } else {
        EXPECT_FALSE(has("isscript"));  // unknown witness versions carry no isscript
    }
}

TEST(RawTxRpc, ValidateAddressKeyIoValidVectors) {
    Harness main(Network::Main);
    Harness testnet4(Network::Testnet4);
    Harness signet(Network::Signet);
    Harness regtest(Network::Regtest);
    const auto harness = [&](Network n) -> Harness& {
        switch (n) {
            case Network::Main:
                return main;
            case Network::Testnet4:
                return testnet4;
            case Network::Signet:
                return signet;
            default:
                return regtest;
        }
    };
    const auto json = test::ReadTestJson("bitcoin-core/key_io_valid.json");
    int addresses = 0;
    for (const auto& row : json.as_array()) {
        const auto& meta = row.at(2).as_object();
        if (meta.at("isPrivkey").as_bool()) continue;
        const std::string address(row.at(0).as_string());
        const std::string spk(row.at(1).as_string());
        const Network network = NetworkOf(meta.at("chain").as_string());
        const Json r = harness(network).Ok("validateaddress", "[\"" + address + "\"]");
        EXPECT_EQ(Field(r, "isvalid"), "true") << address;
        EXPECT_EQ(Field(r, "address"), address);
        EXPECT_EQ(Field(r, "scriptPubKey"), spk) << address;
        ExpectDescription(r, spk);
        EXPECT_EQ(r.Find("error"), nullptr);
        ++addresses;
    }
    std::cout << "[vectors] key_io_valid.json: " << addresses << " addresses passed validateaddress\n";
    EXPECT_EQ(addresses, 54);
}

TEST(RawTxRpc, ValidateAddressKeyIoInvalidVectors) {
    const Network networks[] = {Network::Main, Network::Testnet4, Network::Signet, Network::Regtest};
    const auto json = test::ReadTestJson("bitcoin-core/key_io_invalid.json");
    int cases = 0;
    for (const Network network : networks) {
        Harness h(network);
        for (const auto& row : json.as_array()) {
            const std::string text(row.at(0).as_string());
            // Build the params as JSON text safely: these strings hold only printable ASCII
            // without quotes or backslashes.
            const Json r = h.Ok("validateaddress", "[\"" + text + "\"]");
            EXPECT_EQ(Field(r, "isvalid"), "false") << text;
            EXPECT_NE(Field(r, "error"), "") << text;
            ASSERT_NE(r.Find("error_locations"), nullptr) << text;
            EXPECT_TRUE(r.Find("error_locations")->IsArray());
            EXPECT_EQ(r.Find("scriptPubKey"), nullptr);
            ++cases;
        }
    }
    std::cout << "[vectors] key_io_invalid.json: " << cases << " cases passed validateaddress (4 networks)\n";
    EXPECT_EQ(cases, 70 * 4);
}

TEST(RawTxRpc, ValidateAddressFieldsAndOrder) {
    Harness h(Network::Regtest);
    EXPECT_EQ(h.Ok("validateaddress", std::string("[\"") + P2WPKH_ADDR + "\"]").Dump(),
              std::string("{\"isvalid\":true,\"address\":\"") + P2WPKH_ADDR +
                  "\",\"scriptPubKey\":\"00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1\",\"isscript\":false,"
                  "\"iswitness\":true,\"witness_version\":0,"
                  "\"witness_program\":\"1d0f172a0ecb48aee1be1f2687d2963ae33f71a1\"}");
    EXPECT_EQ(
        h.Ok("validateaddress", std::string("[\"") + P2PKH_ADDR + "\"]").Dump(),
        std::string("{\"isvalid\":true,\"address\":\"") + P2PKH_ADDR +
            "\",\"scriptPubKey\":\"76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac\",\"isscript\":false,"
            "\"iswitness\":false}");
    // Upper-case bech32 is valid and reported in its canonical lower-case form.
    std::string upper = P2WPKH_ADDR;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(Field(h.Ok("validateaddress", "[\"" + upper + "\"]"), "address"), P2WPKH_ADDR);
    // Pay-to-anchor: Core reports isscript and iswitness only.
    EXPECT_EQ(h.Ok("validateaddress", "[\"bcrt1pfeesnyr2tx\"]").Dump(),
              "{\"isvalid\":true,\"address\":\"bcrt1pfeesnyr2tx\",\"scriptPubKey\":\"51024e73\","
              "\"isscript\":true,\"iswitness\":true}");
    Harness main(Network::Main);
    EXPECT_EQ(Field(main.Ok("validateaddress", "[\"bc1pfeessrawgf\"]"), "scriptPubKey"), "51024e73");
}

TEST(RawTxRpc, ValidateAddressErrors) {
    Harness h(Network::Regtest);
    const auto expect_invalid = [&](const std::string& text, std::string_view error,
                                    std::string_view locations) {
        const Json r = h.Ok("validateaddress", "[\"" + text + "\"]");
        EXPECT_EQ(Field(r, "isvalid"), "false") << text;
        EXPECT_EQ(Field(r, "error"), error) << text;
        EXPECT_EQ(Field(r, "error_locations"), locations) << text;
        // Core's order for an invalid address.
        std::string keys;
        for (const auto& [key, value] : r.GetObject()) keys += key + ",";
        EXPECT_EQ(keys, "isvalid,error_locations,error,") << text;
    };
    expect_invalid("notanaddress0OIl", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", "[]");
    // The last character of a valid base58 address changed.
    expect_invalid("miAby844kZiD9aRnxUUiDAoEfLu7FygGRw",
                   "Invalid checksum or length of Base58 address (P2PKH or P2SH)", "[]");
    // A mainnet Base58 address has a good checksum but another network's prefix.
    expect_invalid("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", "Invalid or unsupported Base58-encoded address.",
                   "[]");
    // One substituted character in a bech32 address: located.
    expect_invalid("bcrt1qr583w2swedy2acd7rung055k8t3n7udpkrxugq", "Invalid Bech32 checksum", "[43]");
    // Witness v1 with a Bech32 (not Bech32m) checksum (BIP350).
    expect_invalid("bcrt1pqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqwdvuev",
                   "Version 1+ witness address must use Bech32m checksum", "[]");
    // Over-long: every index past the 90-character limit is a likely error, as Core lists them.
    const std::string long_text = "bcrt1" + std::string(90, 'q');
    std::string tail = "[";
    for (size_t i = 90; i < long_text.size(); ++i) tail += (i > 90 ? "," : "") + std::to_string(i);
    tail += "]";
    expect_invalid(long_text, "Bech32 string too long", tail);
    const auto wrong_type = h.Call("validateaddress", "[1]");
    ASSERT_FALSE(wrong_type);
    EXPECT_EQ(wrong_type.error().code, RpcErrorCode::TYPE_ERROR);
}

}  // namespace
}  // namespace tonari::bitcoin::node
