// Output classification (Core's Solver) on each script type, with the near misses that must
// stay NONSTANDARD.
#include <gtest/gtest.h>

#include "bitcoin/script/script.h"
#include "bitcoin/script/solver.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::script {
namespace {

using util::Bytes;
using util::HexEncode;

Bytes H(std::string_view hex) {
    return test::ParseHexOrFail(hex);
}

Bytes Key(uint8_t fill, bool compressed = true) {
    Bytes k(compressed ? 33 : 65, fill);
    k[0] = compressed ? 0x03 : 0x04;
    return k;
}

TxoutType TypeOf(const Bytes& s) {
    return Solver(s).type;
}

TEST(Solver, Names) {
    EXPECT_EQ(GetTxoutTypeName(TxoutType::NONSTANDARD), "nonstandard");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::PUBKEY), "pubkey");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::PUBKEYHASH), "pubkeyhash");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::SCRIPTHASH), "scripthash");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::MULTISIG), "multisig");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::NULL_DATA), "nulldata");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::WITNESS_V0_KEYHASH), "witness_v0_keyhash");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::WITNESS_V0_SCRIPTHASH), "witness_v0_scripthash");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::WITNESS_V1_TAPROOT), "witness_v1_taproot");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::ANCHOR), "anchor");
    EXPECT_EQ(GetTxoutTypeName(TxoutType::WITNESS_UNKNOWN), "witness_unknown");
}

TEST(Solver, PubKey) {
    for (bool compressed : {true, false}) {
        const Bytes key = Key(0x11, compressed);
        const auto r = Solver(ScriptBuilder().Push(key).Op(Opcode::OP_CHECKSIG).Take());
        EXPECT_EQ(r.type, TxoutType::PUBKEY);
        ASSERT_EQ(r.solutions.size(), 1u);
        EXPECT_EQ(r.solutions[0], key);
    }
    Bytes hybrid = Key(0x11, false);
    hybrid[0] = 0x06;
    EXPECT_EQ(TypeOf(ScriptBuilder().Push(hybrid).Op(Opcode::OP_CHECKSIG).Take()), TxoutType::PUBKEY);
    Bytes bad_header = Key(0x11, true);
    bad_header[0] = 0x04;  // 33 bytes claiming to be uncompressed
    EXPECT_EQ(TypeOf(ScriptBuilder().Push(bad_header).Op(Opcode::OP_CHECKSIG).Take()),
              TxoutType::NONSTANDARD);
    // PUSHDATA1 instead of a direct push, or CHECKSIGVERIFY: not the template.
    const Bytes key = Key(0x11);
    EXPECT_EQ(TypeOf(ScriptBuilder().Raw(H("4c21")).Raw(key).Op(Opcode::OP_CHECKSIG).Take()),
              TxoutType::NONSTANDARD);
    EXPECT_EQ(TypeOf(ScriptBuilder().Push(key).Op(Opcode::OP_CHECKSIGVERIFY).Take()), TxoutType::NONSTANDARD);
}

TEST(Solver, PubKeyHashAndScriptHash) {
    auto r = Solver(H("76a914" + std::string(40, 'a') + "88ac"));
    EXPECT_EQ(r.type, TxoutType::PUBKEYHASH);
    ASSERT_EQ(r.solutions.size(), 1u);
    EXPECT_EQ(HexEncode(r.solutions[0]), std::string(40, 'a'));
    EXPECT_EQ(TypeOf(H("76a914" + std::string(40, 'a') + "87ac")), TxoutType::NONSTANDARD);

    r = Solver(H("a914" + std::string(40, 'b') + "87"));
    EXPECT_EQ(r.type, TxoutType::SCRIPTHASH);
    ASSERT_EQ(r.solutions.size(), 1u);
    EXPECT_EQ(HexEncode(r.solutions[0]), std::string(40, 'b'));
}

TEST(Solver, WitnessPrograms) {
    auto r = Solver(H("0014" + std::string(40, 'c')));
    EXPECT_EQ(r.type, TxoutType::WITNESS_V0_KEYHASH);
    ASSERT_EQ(r.solutions.size(), 1u);
    EXPECT_EQ(r.solutions[0].size(), 20u);

    r = Solver(H("0020" + std::string(64, 'd')));
    EXPECT_EQ(r.type, TxoutType::WITNESS_V0_SCRIPTHASH);
    ASSERT_EQ(r.solutions.size(), 1u);
    EXPECT_EQ(r.solutions[0].size(), 32u);

    r = Solver(H("5120" + std::string(64, 'e')));
    EXPECT_EQ(r.type, TxoutType::WITNESS_V1_TAPROOT);
    ASSERT_EQ(r.solutions.size(), 1u);
    EXPECT_EQ(HexEncode(r.solutions[0]), std::string(64, 'e'));

    r = Solver(H("51024e73"));
    EXPECT_EQ(r.type, TxoutType::ANCHOR);
    EXPECT_TRUE(r.solutions.empty());

    r = Solver(H("5210" + std::string(32, 'f')));
    EXPECT_EQ(r.type, TxoutType::WITNESS_UNKNOWN);
    ASSERT_EQ(r.solutions.size(), 2u);
    EXPECT_EQ(HexEncode(r.solutions[0]), "02");
    EXPECT_EQ(HexEncode(r.solutions[1]), std::string(32, 'f'));

    // v1 with a 20-byte program is not taproot.
    EXPECT_EQ(TypeOf(H("5114" + std::string(40, 'f'))), TxoutType::WITNESS_UNKNOWN);
    // v0 with any other length is nonstandard (and can never be spent).
    r = Solver(H("0015" + std::string(42, 'f')));
    EXPECT_EQ(r.type, TxoutType::NONSTANDARD);
    EXPECT_TRUE(r.solutions.empty());
}

TEST(Solver, NullData) {
    EXPECT_EQ(TypeOf(H("6a")), TxoutType::NULL_DATA);
    EXPECT_EQ(TypeOf(H("6a0568656c6c6f")), TxoutType::NULL_DATA);
    EXPECT_EQ(TypeOf(H("6a0051604f50")), TxoutType::NULL_DATA);  // small ints and OP_RESERVED
    EXPECT_TRUE(Solver(H("6a0568656c6c6f")).solutions.empty());
    EXPECT_EQ(TypeOf(H("6a76")), TxoutType::NONSTANDARD);    // an opcode after OP_RETURN
    EXPECT_EQ(TypeOf(H("6a05ab")), TxoutType::NONSTANDARD);  // truncated push
}

TEST(Solver, Multisig) {
    const Bytes k1 = Key(1), k2 = Key(2, false), k3 = Key(3);
    auto r = Solver(
        ScriptBuilder().PushInt(2).Push(k1).Push(k2).Push(k3).PushInt(3).Op(Opcode::OP_CHECKMULTISIG).Take());
    EXPECT_EQ(r.type, TxoutType::MULTISIG);
    ASSERT_EQ(r.solutions.size(), 5u);
    EXPECT_EQ(r.solutions[0], Bytes{2});
    EXPECT_EQ(r.solutions[1], k1);
    EXPECT_EQ(r.solutions[2], k2);
    EXPECT_EQ(r.solutions[3], k3);
    EXPECT_EQ(r.solutions[4], Bytes{3});

    // 20 keys, with the counts as minimal numeric pushes beyond 16.
    ScriptBuilder big;
    big.PushInt(17);
    for (int i = 0; i < 20; ++i) big.Push(Key(static_cast<uint8_t>(i)));
    big.PushInt(20).Op(Opcode::OP_CHECKMULTISIG);
    r = Solver(big.Take());
    EXPECT_EQ(r.type, TxoutType::MULTISIG);
    ASSERT_EQ(r.solutions.size(), 22u);
    EXPECT_EQ(r.solutions.front(), Bytes{17});
    EXPECT_EQ(r.solutions.back(), Bytes{20});
}

TEST(Solver, MultisigNearMisses) {
    const Bytes k = Key(1);
    auto ms = [&](ScriptBuilder b) { return TypeOf(b.Take()); };
    // m > n, m = 0, n mismatch, missing CHECKMULTISIG, trailing opcode, CHECKMULTISIGVERIFY.
    EXPECT_EQ(ms(ScriptBuilder().PushInt(2).Push(k).PushInt(1).Op(Opcode::OP_CHECKMULTISIG)),
              TxoutType::NONSTANDARD);
    EXPECT_EQ(ms(ScriptBuilder().PushInt(0).Push(k).PushInt(1).Op(Opcode::OP_CHECKMULTISIG)),
              TxoutType::NONSTANDARD);
    EXPECT_EQ(ms(ScriptBuilder().PushInt(1).Push(k).PushInt(2).Op(Opcode::OP_CHECKMULTISIG)),
              TxoutType::NONSTANDARD);
    EXPECT_EQ(ms(ScriptBuilder().PushInt(1).Push(k).PushInt(1)), TxoutType::NONSTANDARD);
    EXPECT_EQ(ms(ScriptBuilder()
                     .PushInt(1)
                     .Push(k)
                     .PushInt(1)
                     .Op(Opcode::OP_CHECKMULTISIG)
                     .Op(Opcode::OP_CHECKMULTISIG)),
              TxoutType::NONSTANDARD);
    EXPECT_EQ(ms(ScriptBuilder().PushInt(1).Push(k).PushInt(1).Op(Opcode::OP_CHECKMULTISIGVERIFY)),
              TxoutType::NONSTANDARD);
    // A count pushed as data where OP_N exists is not minimal.
    EXPECT_EQ(ms(ScriptBuilder().Push(Bytes{1}).Push(k).PushInt(1).Op(Opcode::OP_CHECKMULTISIG)),
              TxoutType::NONSTANDARD);
    // A non-key item among the keys.
    EXPECT_EQ(
        ms(ScriptBuilder().PushInt(1).Push(k).Push(Bytes(20, 1)).PushInt(2).Op(Opcode::OP_CHECKMULTISIG)),
        TxoutType::NONSTANDARD);
    // 21 keys exceed MAX_PUBKEYS_PER_MULTISIG.
    ScriptBuilder too_many;
    too_many.PushInt(1);
    for (int i = 0; i < 21; ++i) too_many.Push(k);
    too_many.PushInt(21).Op(Opcode::OP_CHECKMULTISIG);
    EXPECT_EQ(ms(std::move(too_many)), TxoutType::NONSTANDARD);
    // Truncated push inside.
    EXPECT_EQ(TypeOf(H("5121ffae")), TxoutType::NONSTANDARD);
}

TEST(Solver, Nonstandard) {
    const auto r = Solver(H("76ac"));
    EXPECT_EQ(r.type, TxoutType::NONSTANDARD);
    EXPECT_TRUE(r.solutions.empty());
    EXPECT_EQ(TypeOf({}), TxoutType::NONSTANDARD);
    EXPECT_EQ(TypeOf(H("51")), TxoutType::NONSTANDARD);
}

}  // namespace
}  // namespace tonari::bitcoin::script
