// Script asm output compared with what Bitcoin Core's ScriptToAsmStr prints for the same bytes.
#include <gtest/gtest.h>

#include "bitcoin/script/asm.h"
#include "bitcoin/script/script.h"
#include "test_data.h"

namespace tonari::bitcoin::script {
namespace {

std::string Asm(std::string_view hex, bool decode = false) {
    return ScriptToAsm(test::ParseHexOrFail(hex), decode);
}

// A DER signature with SIGHASH_ALL and a compressed key: the scriptSig of input 0 of the BIP143
// native P2WPKH example (a P2PK spend, so just the signature), plus a key for a P2PKH shape.
constexpr const char* DER_SIG =
    "30450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a"
    "99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed";
constexpr const char* PUBKEY = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";

TEST(ScriptAsm, StandardOutputs) {
    EXPECT_EQ(Asm("76a91489abcdefabbaabbaabbaabbaabbaabbaabbaabba88ac"),
              "OP_DUP OP_HASH160 89abcdefabbaabbaabbaabbaabbaabbaabbaabba OP_EQUALVERIFY OP_CHECKSIG");
    EXPECT_EQ(Asm("a914e9c3dd0c07aac76179ebc76a6c78d4d67c6c160a87"),
              "OP_HASH160 e9c3dd0c07aac76179ebc76a6c78d4d67c6c160a OP_EQUAL");
    EXPECT_EQ(Asm("0014751e76e8199196d454941c45d1b3a323f1433bd6"),
              "0 751e76e8199196d454941c45d1b3a323f1433bd6");
    EXPECT_EQ(Asm("51024e73"), "1 29518");  // pay-to-anchor: 2-byte push printed as a number
    EXPECT_EQ(Asm("5221" + std::string(PUBKEY) + "21" + PUBKEY + "52ae"),
              "2 " + std::string(PUBKEY) + " " + PUBKEY + " 2 OP_CHECKMULTISIG");
}

TEST(ScriptAsm, NullData) {
    EXPECT_EQ(Asm("6a"), "OP_RETURN");
    EXPECT_EQ(Asm("6a0568656c6c6f"), "OP_RETURN 68656c6c6f");
    EXPECT_EQ(Asm("6a0474657374"), "OP_RETURN 1953719668");      // 4 bytes: shown as a number
    EXPECT_EQ(Asm("6a4c0568656c6c6f"), "OP_RETURN 68656c6c6f");  // PUSHDATA1 itself not shown
}

TEST(ScriptAsm, Numbers) {
    EXPECT_EQ(Asm("00"), "0");
    EXPECT_EQ(Asm("4f"), "-1");
    EXPECT_EQ(Asm("60"), "16");
    EXPECT_EQ(Asm("0111"), "17");
    EXPECT_EQ(Asm("0181"), "-1");
    EXPECT_EQ(Asm("0180"), "0");        // negative zero, shown as its value
    EXPECT_EQ(Asm("020001"), "256");    // minimal
    EXPECT_EQ(Asm("03000100"), "256");  // non-minimal, same value
    EXPECT_EQ(Asm("04ffffffff"), "-2147483647");
    EXPECT_EQ(Asm("04ffff001d"), "486604799");
    EXPECT_EQ(Asm("050000008000"), "0000008000");  // 5 bytes: hex
    EXPECT_EQ(Asm("4c00"), "0");                   // empty PUSHDATA1
}

TEST(ScriptAsm, OpcodeNames) {
    EXPECT_EQ(Asm("b1b2b0b9"), "OP_CHECKLOCKTIMEVERIFY OP_CHECKSEQUENCEVERIFY OP_NOP1 OP_NOP10");
    EXPECT_EQ(Asm("babbfeff"), "OP_CHECKSIGADD OP_UNKNOWN OP_UNKNOWN OP_INVALIDOPCODE");
    EXPECT_EQ(Asm("50ab6a"), "OP_RESERVED OP_CODESEPARATOR OP_RETURN");
    EXPECT_EQ(Asm(""), "");
}

TEST(ScriptAsm, TruncatedPushEndsWithError) {
    EXPECT_EQ(Asm("4c"), "[error]");
    EXPECT_EQ(Asm("02ab"), "[error]");
    EXPECT_EQ(Asm("7602ab"), "OP_DUP [error]");
    EXPECT_EQ(Asm("76a94d0100"), "OP_DUP OP_HASH160 [error]");
    EXPECT_EQ(Asm("514effffffff00"), "1 [error]");
}

TEST(ScriptAsm, SighashDecoding) {
    const std::string sig_all = std::string(DER_SIG) + "01";
    const std::string script_sig = "48" + sig_all + "21" + PUBKEY;
    EXPECT_EQ(Asm(script_sig, true), std::string(DER_SIG) + "[ALL] " + PUBKEY);
    EXPECT_EQ(Asm(script_sig, false), sig_all + " " + PUBKEY);
    EXPECT_EQ(Asm("48" + std::string(DER_SIG) + "83", true), std::string(DER_SIG) + "[SINGLE|ANYONECANPAY]");
    EXPECT_EQ(Asm("48" + std::string(DER_SIG) + "82", true), std::string(DER_SIG) + "[NONE|ANYONECANPAY]");
    // Undefined hash type: not decoded.
    EXPECT_EQ(Asm("48" + std::string(DER_SIG) + "05", true), std::string(DER_SIG) + "05");
    EXPECT_EQ(Asm("48" + std::string(DER_SIG) + "80", true), std::string(DER_SIG) + "80");
    // Not strict DER (first byte changed): not decoded.
    std::string bad = sig_all;
    bad[1] = '1';
    EXPECT_EQ(Asm("48" + bad, true), bad);
    // Unspendable scripts are never decoded, even when a push looks like a signature.
    EXPECT_EQ(Asm("6a48" + sig_all, true), "OP_RETURN " + sig_all);
}

}  // namespace
}  // namespace tonari::bitcoin::script
