// Tests for the OpenSSL-backed hashes: FIPS examples for SHA-1/SHA-512, RFC 4231 for HMAC,
// and a BIP39 seed for PBKDF2-HMAC-SHA512.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "crypto/hmac.h"
#include "util/hex.h"

namespace tonari::crypto {
namespace {

using util::AsBytes;
using util::Bytes;
using util::HexEncode;

TEST(Sha1Sha512, KnownAnswers) {
    EXPECT_EQ(HexEncode(Sha1(AsBytes("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(HexEncode(Sha1({})), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(HexEncode(Sha512(AsBytes("abc"))),
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    EXPECT_EQ(HexEncode(Sha512({})),
              "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
              "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    EXPECT_NE(Sha1(AsBytes("abd")), Sha1(AsBytes("abc")));
}

TEST(Hmac, Rfc4231) {
    struct Case {
        Bytes key;
        Bytes data;
        const char* sha256;
        const char* sha512;
    };
    auto bytes = [](std::string_view s) { return Bytes(s.begin(), s.end()); };
    Bytes key25;
    for (uint8_t i = 1; i <= 25; ++i) key25.push_back(i);
    const Case cases[] = {
        {Bytes(20, 0x0b), bytes("Hi There"),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
         "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
         "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
        {bytes("Jefe"), bytes("what do ya want for nothing?"),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
         "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
        {Bytes(20, 0xaa), Bytes(50, 0xdd), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
         "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
         "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
        {key25, Bytes(50, 0xcd), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
         "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
         "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
        // Case 5 (truncated output) does not apply: these functions return full MACs.
        {Bytes(131, 0xaa), bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
         "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
         "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
        {Bytes(131, 0xaa),
         bytes("This is a test using a larger than block-size key and a larger than block-size data. "
               "The key needs to be hashed before being used by the HMAC algorithm."),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
         "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
         "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
    };
    size_t passed = 0;
    for (const Case& c : cases) {
        const bool ok256 = HexEncode(HmacSha256(c.key, c.data)) == c.sha256;
        const bool ok512 = HexEncode(HmacSha512(c.key, c.data)) == c.sha512;
        EXPECT_TRUE(ok256) << passed;
        EXPECT_TRUE(ok512) << passed;
        if (ok256 && ok512) ++passed;
    }
    std::cout << "[vectors] RFC 4231 HMAC-SHA256/512: " << passed << " cases passed\n";
    EXPECT_EQ(passed, 6u);
}

TEST(Hmac, KeyAndDataMatter) {
    const auto base = HmacSha256(AsBytes("key"), AsBytes("data"));
    EXPECT_NE(HmacSha256(AsBytes("kez"), AsBytes("data")), base);
    EXPECT_NE(HmacSha256(AsBytes("key"), AsBytes("datb")), base);
    // Empty key and empty data are legal (BIP32 never uses them, but callers may).
    EXPECT_EQ(HexEncode(HmacSha256({}, {})),
              "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Pbkdf2, Bip39SeedVector) {
    // BIP39 test vector: 12-word all-zero-entropy mnemonic, passphrase "TREZOR".
    std::string mnemonic;
    for (int i = 0; i < 11; ++i) mnemonic += "abandon ";
    mnemonic += "about";
    const auto seed = Pbkdf2HmacSha512(AsBytes(mnemonic), AsBytes("mnemonicTREZOR"), 2048);
    EXPECT_EQ(
        HexEncode(seed),
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141"
        "630c7a3c4ab7c81b2f001698e7463b04");
    // One iteration fewer is a different key.
    EXPECT_NE(Pbkdf2HmacSha512(AsBytes(mnemonic), AsBytes("mnemonicTREZOR"), 2047), seed);
    EXPECT_NE(Pbkdf2HmacSha512(AsBytes(mnemonic), AsBytes("mnemonic"), 2048), seed);
}

}  // namespace
}  // namespace tonari::crypto
