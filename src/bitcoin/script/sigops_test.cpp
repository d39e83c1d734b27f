// Static sigop counting: legacy (accurate and not), P2SH redeem scripts, witness programs
// native and wrapped, and the parse-failure behaviour.
#include <gtest/gtest.h>

#include "bitcoin/script/script.h"
#include "bitcoin/script/sigops.h"
#include "test_data.h"

namespace tonari::bitcoin::script {
namespace {

using util::Bytes;

Bytes H(std::string_view hex) {
    return test::ParseHexOrFail(hex);
}

Bytes Key(uint8_t fill) {
    Bytes k(33, fill);
    k[0] = 0x02;
    return k;
}

Bytes Multisig(int m, int n, Opcode check = Opcode::OP_CHECKMULTISIG) {
    ScriptBuilder b;
    b.PushInt(m);
    for (int i = 0; i < n; ++i) b.Push(Key(static_cast<uint8_t>(i)));
    b.PushInt(n).Op(check);
    return b.Take();
}

Bytes P2SH() {
    return H("a914" + std::string(40, '5') + "87");
}

TEST(CountSigOps, Legacy) {
    const Bytes p2pkh = H("76a914" + std::string(40, '1') + "88ac");
    EXPECT_EQ(CountSigOps(p2pkh, false), 1u);
    EXPECT_EQ(CountSigOps(p2pkh, true), 1u);
    EXPECT_EQ(CountSigOps(H("acadacad"), false), 4u);
    EXPECT_EQ(CountSigOps({}, false), 0u);

    const Bytes ms = Multisig(2, 3);
    EXPECT_EQ(CountSigOps(ms, false), 20u);
    EXPECT_EQ(CountSigOps(ms, true), 3u);
    EXPECT_EQ(CountSigOps(Multisig(1, 16, Opcode::OP_CHECKMULTISIGVERIFY), true), 16u);
    // 17 keys: the count is a data push, not OP_N, so even accurate counting charges 20.
    EXPECT_EQ(CountSigOps(Multisig(1, 17), true), 20u);
    EXPECT_EQ(CountSigOps(H("ae"), true), 20u);      // no preceding count
    EXPECT_EQ(CountSigOps(H("00ae"), true), 20u);    // OP_0 is not OP_1..OP_16
    EXPECT_EQ(CountSigOps(H("60afac"), true), 17u);  // 16 + 1
    EXPECT_EQ(CountSigOps(H("60afac"), false), 21u);
}

TEST(CountSigOps, PushedBytesAreData) {
    EXPECT_EQ(CountSigOps(H("02acac"), false), 0u);
    EXPECT_EQ(CountSigOps(H("4c02aeae"), false), 0u);
}

TEST(CountSigOps, StopsAtTruncatedPushKeepingEarlierCounts) {
    EXPECT_EQ(CountSigOps(H("acac4c"), false), 2u);
    EXPECT_EQ(CountSigOps(H("ac4dffffacac"), false), 1u);  // the rest is swallowed by the bad push
    EXPECT_EQ(CountSigOps(H("05acac"), false), 0u);
}

TEST(CountP2SHSigOps, RedeemScriptIsLastPush) {
    const Bytes redeem = Multisig(2, 3);
    const Bytes script_sig = ScriptBuilder().Op(Opcode::OP_0).Push(H("3006")).Push(redeem).Take();
    EXPECT_EQ(CountP2SHSigOps(script_sig, P2SH()), 3u);  // accurate count
    // Only the last push counts.
    const Bytes reordered = ScriptBuilder().Push(redeem).Push(H("ac")).Take();
    EXPECT_EQ(CountP2SHSigOps(reordered, P2SH()), 1u);
    // Last operation OP_N: its pushed "data" is empty.
    EXPECT_EQ(CountP2SHSigOps(ScriptBuilder().Push(redeem).Op(Opcode::OP_1).Take(), P2SH()), 0u);
}

TEST(CountP2SHSigOps, ZeroUnlessP2SHAndPushOnly) {
    const Bytes redeem = Multisig(2, 3);
    const Bytes script_sig = ScriptBuilder().Push(redeem).Take();
    EXPECT_EQ(CountP2SHSigOps(script_sig, H("76a914" + std::string(40, '1') + "88ac")), 0u);
    EXPECT_EQ(CountP2SHSigOps(ScriptBuilder().Op(Opcode::OP_NOP).Push(redeem).Take(), P2SH()), 0u);
    Bytes truncated = script_sig;
    truncated.push_back(0x05);  // a push of 5 bytes with none
    EXPECT_EQ(CountP2SHSigOps(truncated, P2SH()), 0u);
    EXPECT_EQ(CountP2SHSigOps({}, P2SH()), 0u);
}

TEST(CountWitnessSigOps, NativeAndWrapped) {
    const Bytes p2wpkh = H("0014" + std::string(40, '2'));
    const Bytes witness_script = Multisig(2, 3);
    const Bytes p2wsh = H("0020" + std::string(64, '3'));
    const std::vector<Bytes> wsh_witness = {Bytes{}, H("3006"), witness_script};

    EXPECT_EQ(CountWitnessSigOps({}, p2wpkh, {}), 1u);
    EXPECT_EQ(CountWitnessSigOps({}, p2wpkh, {H("3006"), Key(1)}), 1u);
    EXPECT_EQ(CountWitnessSigOps({}, p2wsh, wsh_witness), 3u);
    EXPECT_EQ(CountWitnessSigOps({}, p2wsh, {}), 0u);                   // empty witness
    EXPECT_EQ(CountWitnessSigOps({}, p2wsh, {H("ac"), H("ae")}), 20u);  // last item, accurate

    // P2SH-wrapped: the scriptSig's single push is the witness program.
    EXPECT_EQ(CountWitnessSigOps(ScriptBuilder().Push(p2wpkh).Take(), P2SH(), {}), 1u);
    EXPECT_EQ(CountWitnessSigOps(ScriptBuilder().Push(p2wsh).Take(), P2SH(), wsh_witness), 3u);
    // Wrapped but the scriptSig is not push-only, or the redeem script is no program.
    EXPECT_EQ(CountWitnessSigOps(ScriptBuilder().Op(Opcode::OP_NOP).Push(p2wpkh).Take(), P2SH(), {}), 0u);
    EXPECT_EQ(CountWitnessSigOps(ScriptBuilder().Push(H("76ac")).Take(), P2SH(), {}), 0u);
    // P2SH-wrapped program under a non-P2SH scriptPubKey is ignored.
    EXPECT_EQ(CountWitnessSigOps(ScriptBuilder().Push(p2wpkh).Take(), H("51"), {}), 0u);
}

TEST(CountWitnessSigOps, OtherVersionsAndSizesCountZero) {
    const std::vector<Bytes> witness = {H("acacac")};
    EXPECT_EQ(CountWitnessSigOps({}, H("5120" + std::string(64, '4')), witness), 0u);  // taproot
    EXPECT_EQ(CountWitnessSigOps({}, H("5214" + std::string(40, '4')), witness), 0u);  // v2
    EXPECT_EQ(CountWitnessSigOps({}, H("0015" + std::string(42, '4')), witness), 0u);  // v0, 21 bytes
    EXPECT_EQ(CountWitnessSigOps({}, H("76a914" + std::string(40, '1') + "88ac"), witness), 0u);
}

}  // namespace
}  // namespace tonari::bitcoin::script
