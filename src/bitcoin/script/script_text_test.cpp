// Script text parsing: Bitcoin Core's own ParseScript cases, the number, hex and quote rules
// token by token, and the inputs that must be rejected.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script_text.h"
#include "util/hex.h"

namespace tonari::bitcoin::script {
namespace {

std::string ParseHex(std::string_view text) {
    const auto r = ParseScriptText(text);
    EXPECT_TRUE(r) << "'" << text << "': " << (r ? "" : r.error());
    return r ? util::HexEncode(*r) : "<error>";
}

std::string ErrorOf(std::string_view text) {
    const auto r = ParseScriptText(text);
    EXPECT_FALSE(r) << "'" << text << "' parsed as " << (r ? util::HexEncode(*r) : "");
    return r ? "" : r.error();
}

TEST(ScriptText, CoreParseScriptTable) {
    // The pairs Bitcoin Core's script_parse_tests checks, parsed one by one and all together.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", ""},          {"0", "00"},       {"1", "51"},         {"2", "52"},
        {"3", "53"},       {"4", "54"},       {"5", "55"},         {"6", "56"},
        {"7", "57"},       {"8", "58"},       {"9", "59"},         {"10", "5a"},
        {"11", "5b"},      {"12", "5c"},      {"13", "5d"},        {"14", "5e"},
        {"15", "5f"},      {"16", "60"},      {"17", "0111"},      {"-9", "0189"},
        {"0x17", "17"},    {"'17'", "023137"}, {"ELSE", "67"},     {"NOP10", "b9"},
        {"CHECKSIGADD", "ba"}, {"OP_15", "5f"}, {"TRUE", "51"},    {"FALSE", "00"},
        {"OP_0", "00"},
    };
    std::string all_in;
    std::string all_out;
    for (const auto& [in, out] : cases) {
        EXPECT_EQ(ParseHex(in), out) << in;
        all_in += " " + in + " ";
        all_out += out;
    }
    EXPECT_EQ(ParseHex(all_in), all_out);
}

TEST(ScriptText, Numbers) {
    EXPECT_EQ(ParseHex("-1"), "4f");  // OP_1NEGATE, not a push
    EXPECT_EQ(ParseHex("-0"), "00");
    EXPECT_EQ(ParseHex("007"), "57");  // leading zeros are still decimal
    EXPECT_EQ(ParseHex("0000000000000000000000000017"), "0111");
    EXPECT_EQ(ParseHex("-2"), "0182");
    EXPECT_EQ(ParseHex("127"), "017f");
    EXPECT_EQ(ParseHex("128"), "028000");  // sign bit needs an extra byte
    EXPECT_EQ(ParseHex("-128"), "028080");
    EXPECT_EQ(ParseHex("255"), "02ff00");
    EXPECT_EQ(ParseHex("256"), "020001");
    EXPECT_EQ(ParseHex("2147483647"), "04ffffff7f");
    EXPECT_EQ(ParseHex("2147483648"), "050000008000");
    EXPECT_EQ(ParseHex("4294967295"), "05ffffffff00");  // the largest accepted magnitude
    EXPECT_EQ(ParseHex("-4294967295"), "05ffffffff80");
}

TEST(ScriptText, NumbersOutOfRange) {
    for (const char* text : {"4294967296", "-4294967296", "11111111111", "11111111111111111111",
                             "99999999999999999999999999999999999999999"}) {
        const std::string err = ErrorOf(text);
        EXPECT_NE(err.find(text), std::string::npos) << err;
        EXPECT_NE(err.find("range"), std::string::npos) << err;
    }
    // Out of range anywhere in the script fails the whole script.
    EXPECT_FALSE(ParseScriptText("1 2 4294967296 ADD"));
}

TEST(ScriptText, RawHexIsInsertedNotPushed) {
    EXPECT_EQ(ParseHex("0x4c 0x01 0x07"), "4c0107");
    EXPECT_EQ(ParseHex("0xABcd"), "abcd");
    EXPECT_EQ(ParseHex("0x51 0x20 0x" + std::string(64, 'a')), "5120" + std::string(64, 'a'));
    EXPECT_EQ(ParseHex("0x00"), "00");
}

TEST(ScriptText, RawHexErrors) {
    EXPECT_NE(ErrorOf("0x").find("'0x'"), std::string::npos);         // no digits
    EXPECT_NE(ErrorOf("0x1").find("'0x1'"), std::string::npos);       // odd length
    EXPECT_NE(ErrorOf("0xzz").find("'0xzz'"), std::string::npos);     // not hex
    EXPECT_NE(ErrorOf("0X17").find("'0X17'"), std::string::npos);     // prefix is lower-case only
    EXPECT_NE(ErrorOf("0x12 0x1 2").find("'0x1'"), std::string::npos);
}

TEST(ScriptText, QuotedStrings) {
    EXPECT_EQ(ParseHex("'a'"), "0161");     // a one-byte push, never OP_N
    EXPECT_EQ(ParseHex("''"), "00");        // empty push is OP_0
    EXPECT_EQ(ParseHex("'Az'"), "02417a");
    EXPECT_EQ(ParseHex("'it's'"), "0469742773");  // only the outer quotes delimit
    // 76 bytes need OP_PUSHDATA1.
    std::string hex76;
    for (int i = 0; i < 76; ++i) hex76 += "62";
    EXPECT_EQ(ParseHex("'" + std::string(76, 'b') + "'"), "4c4c" + hex76);
    // No whitespace inside quotes: the halves are separate, unterminated tokens.
    EXPECT_NE(ErrorOf("'a b'").find("'a"), std::string::npos);
    EXPECT_NE(ErrorOf("'").find("'''"), std::string::npos);
}

TEST(ScriptText, OpcodeNames) {
    EXPECT_EQ(ParseHex("DUP HASH160 OP_EQUALVERIFY OP_CHECKSIG"), "76a988ac");
    EXPECT_EQ(ParseHex("RESERVED OP_RESERVED"), "5050");
    EXPECT_EQ(ParseHex("CHECKLOCKTIMEVERIFY OP_CHECKSEQUENCEVERIFY"), "b1b2");
    EXPECT_EQ(ParseHex("OP_TRUE OP_FALSE OP_1NEGATE OP_1 OP_16"), "51004f5160");
    EXPECT_EQ(ParseHex("0NOTEQUAL 2DUP 1ADD"), "926e8b");
    // Every named non-push opcode parses by its name and without the prefix.
    for (unsigned b = ToByte(Opcode::OP_NOP); b <= ToByte(MAX_OPCODE); ++b) {
        const auto op = static_cast<Opcode>(b);
        const std::string name(GetOpName(op));
        if (name == "OP_UNKNOWN") continue;
        const std::string hex = util::HexEncode(util::Bytes{static_cast<uint8_t>(b)});
        EXPECT_EQ(ParseHex(name), hex) << name;
        EXPECT_EQ(ParseHex(name.substr(3)), hex) << name;
    }
}

TEST(ScriptText, UnknownTokens) {
    for (const char* token : {"OP_DOESNOTEXIST", "NOP2", "OP_NOP3",  // Core names them CLTV/CSV
                              "PUSHDATA1", "OP_PUSHDATA2",           // pushes need raw hex
                              "OP_UNKNOWN", "OP_INVALIDOPCODE", "dup", "OP_17", "1NEGATE",
                              "-", "--1", "1-", "+1", "1.5", "#TAPROOTOUTPUT#", "\x01"}) {
        const std::string err = ErrorOf(token);
        EXPECT_NE(err.find(std::string("'") + token + "'"), std::string::npos) << token << ": " << err;
    }
    // The first bad token is the one named.
    EXPECT_NE(ErrorOf("1 ADD FOO BAR").find("'FOO'"), std::string::npos);
}

TEST(ScriptText, Whitespace) {
    EXPECT_EQ(ParseHex("1\t2\n3   ADD\t\t\n"), "51525393");
    EXPECT_EQ(ParseHex(" \n\t "), "");
    // Only space, tab and newline separate tokens, as in Core.
    EXPECT_FALSE(ParseScriptText("1\r2"));
    EXPECT_FALSE(ParseScriptText("1\v2"));
    EXPECT_FALSE(ParseScriptText("ADD\r"));
}

}  // namespace
}  // namespace tonari::bitcoin::script
