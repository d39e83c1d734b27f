// Tests for opcodes, GetOp parsing (including every truncation), the script templates and
// ScriptBuilder's encodings.
#include <gtest/gtest.h>

#include <string>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::script {
namespace {

using util::Bytes;
using util::HexEncode;

Bytes H(std::string_view hex) {
    return test::ParseHexOrFail(hex);
}

Bytes Repeat(uint8_t b, size_t n) {
    return Bytes(n, b);
}

TEST(Opcodes, CoreNames) {
    EXPECT_EQ(GetOpName(Opcode::OP_0), "0");
    EXPECT_EQ(GetOpName(Opcode::OP_1NEGATE), "-1");
    EXPECT_EQ(GetOpName(Opcode::OP_1), "1");
    EXPECT_EQ(GetOpName(Opcode::OP_16), "16");
    EXPECT_EQ(GetOpName(Opcode::OP_DUP), "OP_DUP");
    EXPECT_EQ(GetOpName(Opcode::OP_PUSHDATA2), "OP_PUSHDATA2");
    EXPECT_EQ(GetOpName(Opcode::OP_NOP2), "OP_CHECKLOCKTIMEVERIFY");
    EXPECT_EQ(GetOpName(Opcode::OP_NOP3), "OP_CHECKSEQUENCEVERIFY");
    EXPECT_EQ(GetOpName(Opcode::OP_NOP1), "OP_NOP1");
    EXPECT_EQ(GetOpName(Opcode::OP_NOP10), "OP_NOP10");
    EXPECT_EQ(GetOpName(Opcode::OP_CHECKSIGADD), "OP_CHECKSIGADD");
    EXPECT_EQ(GetOpName(Opcode::OP_INVALIDOPCODE), "OP_INVALIDOPCODE");
    EXPECT_EQ(GetOpName(static_cast<Opcode>(0xbb)), "OP_UNKNOWN");
    EXPECT_EQ(GetOpName(static_cast<Opcode>(0x14)), "OP_UNKNOWN");  // direct push byte
    int unknown = 0;
    for (int b = 0; b < 256; ++b) {
        const auto name = GetOpName(static_cast<Opcode>(b));
        EXPECT_FALSE(name.empty());
        if (name == "OP_UNKNOWN") ++unknown;
    }
    EXPECT_EQ(unknown, 75 + 68);  // 0x01..0x4b and 0xbb..0xfe
}

TEST(Opcodes, OpSuccessSet) {
    int count = 0;
    for (int b = 0; b < 256; ++b) count += IsOpSuccess(static_cast<uint8_t>(b));
    // 1 + 1 + 4 + 4 + 2 + 2 + 5 + 68 per BIP342.
    EXPECT_EQ(count, 87);
    for (int b : {80, 98, 126, 129, 131, 134, 137, 138, 141, 142, 149, 153, 187, 254})
        EXPECT_TRUE(IsOpSuccess(b)) << b;
    for (int b : {0, 79, 81, 97, 99, 125, 130, 135, 136, 139, 140, 143, 148, 154, 172, 186, 255})
        EXPECT_FALSE(IsOpSuccess(b)) << b;
}

TEST(Opcodes, SmallIntegers) {
    EXPECT_EQ(DecodeOpN(Opcode::OP_0), 0);
    EXPECT_EQ(DecodeOpN(Opcode::OP_1NEGATE), -1);
    EXPECT_EQ(DecodeOpN(Opcode::OP_1), 1);
    EXPECT_EQ(DecodeOpN(Opcode::OP_16), 16);
    for (int n = 0; n <= 16; ++n) EXPECT_EQ(DecodeOpN(EncodeOpN(n)), n);
    EXPECT_TRUE(IsSmallInteger(Opcode::OP_1));
    EXPECT_TRUE(IsSmallInteger(Opcode::OP_16));
    EXPECT_FALSE(IsSmallInteger(Opcode::OP_0));
    EXPECT_FALSE(IsSmallInteger(Opcode::OP_RESERVED));
    EXPECT_FALSE(IsSmallInteger(Opcode::OP_NOP));
}

TEST(GetOp, ParsesEveryPushForm) {
    const Bytes s =
        H("03010203"
          "4c02abcd"
          "4d0300abcdef"
          "4e01000000ee"
          "00"
          "4e00000000"
          "51"
          "ac");
    size_t pc = 0;
    auto op = GetOp(s, pc);
    ASSERT_TRUE(op);
    EXPECT_EQ(ToByte(op->op), 0x03);
    EXPECT_EQ(HexEncode(op->data), "010203");
    op = GetOp(s, pc);
    ASSERT_TRUE(op);
    EXPECT_EQ(op->op, Opcode::OP_PUSHDATA1);
    EXPECT_EQ(HexEncode(op->data), "abcd");
    op = GetOp(s, pc);
    ASSERT_TRUE(op);
    EXPECT_EQ(op->op, Opcode::OP_PUSHDATA2);
    EXPECT_EQ(HexEncode(op->data), "abcdef");
    op = GetOp(s, pc);
    ASSERT_TRUE(op);
    EXPECT_EQ(op->op, Opcode::OP_PUSHDATA4);
    EXPECT_EQ(HexEncode(op->data), "ee");
    op = GetOp(s, pc);
    ASSERT_TRUE(op);
    EXPECT_EQ(op->op, Opcode::OP_0);
    EXPECT_TRUE(op->data.empty());
    op = GetOp(s, pc);
    ASSERT_TRUE(op);
    EXPECT_EQ(op->op, Opcode::OP_PUSHDATA4);
    EXPECT_TRUE(op->data.empty());
    op = GetOp(s, pc);
    ASSERT_TRUE(op);
    EXPECT_EQ(op->op, Opcode::OP_1);
    EXPECT_TRUE(op->data.empty());
    op = GetOp(s, pc);
    ASSERT_TRUE(op);
    EXPECT_EQ(op->op, Opcode::OP_CHECKSIG);
    EXPECT_EQ(pc, s.size());
    EXPECT_FALSE(GetOp(s, pc));  // at the end
    EXPECT_EQ(pc, s.size());
}

TEST(GetOp, TruncatedPushesFailWithoutMoving) {
    for (const char* hex : {"02ab", "4b", "4c", "4c05abcd", "4d", "4d01", "4d0200ab", "4e", "4e010000",
                            "4effffffffab", "4e00000080ab", "4bab"}) {
        const Bytes s = H(hex);
        size_t pc = 0;
        EXPECT_FALSE(GetOp(s, pc)) << hex;
        EXPECT_EQ(pc, 0u) << hex;
    }
    // A valid op followed by a truncated one: the first parses, the second fails at its offset.
    const Bytes s = H("7602ab");
    size_t pc = 0;
    ASSERT_TRUE(GetOp(s, pc));
    EXPECT_EQ(pc, 1u);
    EXPECT_FALSE(GetOp(s, pc));
    EXPECT_EQ(pc, 1u);
    size_t past_end = 10;
    EXPECT_FALSE(GetOp(s, past_end));
}

TEST(Script, IsPushOnly) {
    EXPECT_TRUE(IsPushOnly({}));
    EXPECT_TRUE(
        IsPushOnly(H("00"
                     "51"
                     "60"
                     "4f"
                     "50"
                     "0201ff"
                     "4c00")));         // OP_RESERVED counts
    EXPECT_FALSE(IsPushOnly(H("61")));  // OP_NOP
    EXPECT_FALSE(IsPushOnly(H("0001ff76")));
    EXPECT_FALSE(IsPushOnly(H("0002ff")));  // truncated push
}

TEST(Script, IsUnspendable) {
    EXPECT_FALSE(IsUnspendable({}));
    EXPECT_TRUE(IsUnspendable(H("6a")));
    EXPECT_TRUE(IsUnspendable(H("6a0401020304")));
    EXPECT_FALSE(IsUnspendable(H("516a")));
    EXPECT_FALSE(IsUnspendable(Repeat(0x51, MAX_SCRIPT_SIZE)));
    EXPECT_TRUE(IsUnspendable(Repeat(0x51, MAX_SCRIPT_SIZE + 1)));
}

TEST(Script, Templates) {
    const Bytes p2sh = H("a914" + std::string(40, '1') + "87");
    EXPECT_TRUE(IsPayToScriptHash(p2sh));
    EXPECT_FALSE(IsPayToScriptHash(H("a94c14" + std::string(40, '1') + "87")));  // PUSHDATA1 form
    EXPECT_FALSE(IsPayToScriptHash(H("a914" + std::string(40, '1') + "88")));
    EXPECT_FALSE(IsPayToScriptHash(H("a914" + std::string(38, '1') + "87")));
    EXPECT_TRUE(IsPayToWitnessScriptHash(H("0020" + std::string(64, 'a'))));
    EXPECT_FALSE(IsPayToWitnessScriptHash(H("0014" + std::string(40, 'a'))));
    EXPECT_TRUE(IsPayToTaproot(H("5120" + std::string(64, 'a'))));
    EXPECT_FALSE(IsPayToTaproot(H("5220" + std::string(64, 'a'))));
    EXPECT_TRUE(IsPayToAnchor(H("51024e73")));
    EXPECT_FALSE(IsPayToAnchor(H("51024e74")));
    EXPECT_FALSE(IsPayToAnchor(H("00024e73")));
}

TEST(Script, WitnessPrograms) {
    // The program is a view into the script, so each script is kept alive while it is read.
    const Bytes v0 = H("0014" + std::string(40, 'a'));
    auto wp = GetWitnessProgram(v0);
    ASSERT_TRUE(wp);
    EXPECT_EQ(wp->version, 0);
    EXPECT_EQ(wp->program.size(), 20u);
    EXPECT_EQ(wp->program.data(), v0.data() + 2);
    const Bytes v1 = H("5120" + std::string(64, 'b'));
    wp = GetWitnessProgram(v1);
    ASSERT_TRUE(wp);
    EXPECT_EQ(wp->version, 1);
    EXPECT_EQ(wp->program.size(), 32u);
    const Bytes v16 = H("6002abcd");  // smallest: 2-byte program, version 16
    wp = GetWitnessProgram(v16);
    ASSERT_TRUE(wp);
    EXPECT_EQ(wp->version, 16);
    EXPECT_EQ(HexEncode(wp->program), "abcd");
    const Bytes longest = H("5128" + std::string(80, 'c'));  // 40-byte program
    wp = GetWitnessProgram(longest);
    ASSERT_TRUE(wp);
    EXPECT_EQ(wp->program.size(), 40u);

    EXPECT_FALSE(IsWitnessProgram(H("0001ff")));                       // 3 bytes: too short
    EXPECT_FALSE(IsWitnessProgram(H("5129" + std::string(82, 'c'))));  // 41-byte program
    EXPECT_FALSE(IsWitnessProgram(H("4f02abcd")));                     // OP_1NEGATE version
    EXPECT_FALSE(IsWitnessProgram(H("5002abcd")));                     // OP_RESERVED version
    EXPECT_FALSE(IsWitnessProgram(H("0102abcd")));                     // push as version
    EXPECT_FALSE(IsWitnessProgram(H("0014" + std::string(38, 'a'))));  // length mismatch
    EXPECT_FALSE(IsWitnessProgram(H("0014" + std::string(42, 'a'))));
    EXPECT_FALSE(IsWitnessProgram(H("004c02abcd")));  // not a direct push
    EXPECT_FALSE(IsWitnessProgram({}));
}

TEST(Script, CheckMinimalPush) {
    EXPECT_TRUE(CheckMinimalPush({}, Opcode::OP_0));
    EXPECT_FALSE(CheckMinimalPush({}, Opcode::OP_PUSHDATA1));
    EXPECT_FALSE(CheckMinimalPush(H("05"), static_cast<Opcode>(1)));  // should be OP_5
    EXPECT_FALSE(CheckMinimalPush(H("81"), static_cast<Opcode>(1)));  // should be OP_1NEGATE
    EXPECT_TRUE(CheckMinimalPush(H("11"), static_cast<Opcode>(1)));   // 17: no OP_N for it
    EXPECT_TRUE(CheckMinimalPush(H("00"), static_cast<Opcode>(1)));
    EXPECT_TRUE(CheckMinimalPush(Repeat(1, 75), static_cast<Opcode>(75)));
    EXPECT_FALSE(CheckMinimalPush(Repeat(1, 75), Opcode::OP_PUSHDATA1));
    EXPECT_TRUE(CheckMinimalPush(Repeat(1, 76), Opcode::OP_PUSHDATA1));
    EXPECT_TRUE(CheckMinimalPush(Repeat(1, 255), Opcode::OP_PUSHDATA1));
    EXPECT_FALSE(CheckMinimalPush(Repeat(1, 255), Opcode::OP_PUSHDATA2));
    EXPECT_TRUE(CheckMinimalPush(Repeat(1, 256), Opcode::OP_PUSHDATA2));
    EXPECT_FALSE(CheckMinimalPush(Repeat(1, 256), Opcode::OP_PUSHDATA4));
    EXPECT_TRUE(CheckMinimalPush(Repeat(1, 65536), Opcode::OP_PUSHDATA4));
}

TEST(ScriptBuilder, Encodings) {
    auto hex_of = [](ScriptBuilder b) { return HexEncode(b.bytes()); };
    EXPECT_EQ(hex_of(ScriptBuilder().PushInt(0)), "00");
    EXPECT_EQ(hex_of(ScriptBuilder().PushInt(-1)), "4f");
    EXPECT_EQ(hex_of(ScriptBuilder().PushInt(1)), "51");
    EXPECT_EQ(hex_of(ScriptBuilder().PushInt(16)), "60");
    EXPECT_EQ(hex_of(ScriptBuilder().PushInt(17)), "0111");
    EXPECT_EQ(hex_of(ScriptBuilder().PushInt(-2)), "0182");
    EXPECT_EQ(hex_of(ScriptBuilder().PushInt(128)), "028000");
    EXPECT_EQ(hex_of(ScriptBuilder().PushInt(1000)), "02e803");
    EXPECT_EQ(hex_of(ScriptBuilder().PushNumData(4)), "0104");
    EXPECT_EQ(hex_of(ScriptBuilder().PushNumData(0)), "00");
    EXPECT_EQ(hex_of(ScriptBuilder().Push(H("05"))), "0105");
    EXPECT_EQ(hex_of(ScriptBuilder().PushMinimal(H("05"))), "55");
    EXPECT_EQ(hex_of(ScriptBuilder().PushMinimal(H("81"))), "4f");
    EXPECT_EQ(hex_of(ScriptBuilder().PushMinimal({})), "00");
    EXPECT_EQ(hex_of(ScriptBuilder().PushMinimal(H("11"))), "0111");
    EXPECT_EQ(hex_of(ScriptBuilder().Push({})), "00");
    EXPECT_EQ(hex_of(ScriptBuilder().Op(Opcode::OP_DUP).Raw(H("abcd"))), "76abcd");

    EXPECT_EQ(ScriptBuilder().Push(Repeat(7, 75)).bytes().size(), 76u);
    const Bytes b76 = ScriptBuilder().Push(Repeat(7, 76)).Take();
    EXPECT_EQ(HexEncode(util::ByteSpan(b76).first(2)), "4c4c");
    const Bytes b256 = ScriptBuilder().Push(Repeat(7, 256)).Take();
    EXPECT_EQ(HexEncode(util::ByteSpan(b256).first(3)), "4d0001");
    const Bytes b65536 = ScriptBuilder().Push(Repeat(7, 65536)).Take();
    EXPECT_EQ(HexEncode(util::ByteSpan(b65536).first(5)), "4e00000100");
    EXPECT_EQ(b65536.size(), 65536u + 5);

    // Every builder push is read back by GetOp as the same data.
    for (size_t n : {0, 1, 75, 76, 255, 256, 520, 65535, 65536}) {
        const Bytes s = ScriptBuilder().Push(Repeat(9, n)).Take();
        size_t pc = 0;
        const auto op = GetOp(s, pc);
        ASSERT_TRUE(op) << n;
        EXPECT_EQ(op->data.size(), n);
        EXPECT_EQ(pc, s.size());
        EXPECT_TRUE(CheckMinimalPush(op->data, op->op) || n == 1) << n;
    }
}

TEST(ScriptBuilder, ReproducesGenesisCoinbaseScriptSig) {
    std::string hex = test::ReadTestFile("blocks/genesis_mainnet.hex");
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    // The block is an 80-byte header, a one-byte transaction count (1), then the coinbase.
    const Bytes block = H(hex);
    ASSERT_GT(block.size(), 81u);
    ASSERT_EQ(block[80], 1);
    util::ByteReader reader(util::ByteSpan(block).subspan(81));
    const auto coinbase = primitives::DecodeTx(reader);
    ASSERT_TRUE(coinbase);
    EXPECT_TRUE(reader.empty());
    ASSERT_TRUE(coinbase->IsCoinbase());
    const Bytes built =
        ScriptBuilder()
            .PushInt(486604799)
            .PushNumData(4)
            .Push(util::AsBytes("The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"))
            .Take();
    EXPECT_EQ(HexEncode(built), HexEncode(coinbase->inputs[0].script_sig));
}

}  // namespace
}  // namespace tonari::bitcoin::script
