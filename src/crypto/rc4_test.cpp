// RC4 against RFC 6229's keystreams (offsets 0 and 1,024, the discard MSE uses) and the
// classic textbook examples; ModExp against small known powers and a Diffie-Hellman agreement.
#include <gtest/gtest.h>

#include "crypto/mod_exp.h"
#include "crypto/rc4.h"
#include "util/hex.h"

namespace tonari::crypto {
namespace {

using util::AsBytes;
using util::Bytes;
using util::HexDecode;
using util::HexEncode;

Bytes ToBytes(std::string_view s) {
    const auto span = AsBytes(s);
    return Bytes(span.begin(), span.end());
}

TEST(Rc4, Rfc6229Keystream) {
    const Bytes key40 = *HexDecode("0102030405");
    Rc4 rc4(key40);
    Bytes stream(32, 0);
    rc4.Apply(stream);
    EXPECT_EQ(HexEncode(stream), "b2396305f03dc027ccc3524a0a1118a86982944f18fc82d589c403a47a0d0919");
    Rc4 after_discard(key40);
    after_discard.Discard(1024);  // the offset MSE's first byte is taken from
    Bytes at1024_40(16, 0);
    after_discard.Apply(at1024_40);
    EXPECT_EQ(HexEncode(at1024_40), "30abbcc7c20b01609f23ee2d5f6bb7df");

    Rc4 discarded(*HexDecode("0102030405060708090a0b0c0d0e0f10"));
    discarded.Discard(1024);
    Bytes at1024(16, 0);
    discarded.Apply(at1024);
    EXPECT_EQ(HexEncode(at1024), "bdf0324e6083dcc6d3cedd3ca8c53c16");
}

TEST(Rc4, TextbookExamplesAndRoundTrip) {
    Bytes text = ToBytes("Plaintext");
    Rc4(AsBytes("Key")).Apply(text);
    EXPECT_EQ(HexEncode(text), "bbf316e8d940af0ad3");
    Bytes attack = ToBytes("Attack at dawn");
    Rc4(AsBytes("Secret")).Apply(attack);
    EXPECT_EQ(HexEncode(attack), "45a01f645fc35b383552544b9bf5");
    // Applying the same keystream again restores the text, also across split calls.
    Rc4 again(AsBytes("Secret"));
    again.Apply(std::span<uint8_t>(attack).first(5));
    again.Apply(std::span<uint8_t>(attack).subspan(5));
    EXPECT_EQ(std::string(attack.begin(), attack.end()), "Attack at dawn");
}

TEST(ModExp, KnownPowersAndPadding) {
    auto r = ModExp(*HexDecode("01234567"), *HexDecode("abcdef"), *HexDecode("fffffffb"));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(HexEncode(*r), "9cdd3635");
    // Left-padded to the modulus width: 2^3 mod 0x0100000001 = 8.
    auto padded = ModExp(*HexDecode("02"), *HexDecode("03"), *HexDecode("0100000001"));
    ASSERT_TRUE(padded);
    EXPECT_EQ(HexEncode(*padded), "0000000008");
    EXPECT_FALSE(ModExp(*HexDecode("02"), *HexDecode("03"), *HexDecode("10")));
    EXPECT_FALSE(ModExp(*HexDecode("02"), *HexDecode("03"), Bytes{}));
}

TEST(ModExp, DiffieHellmanAgrees) {
    // A 127-bit prime (2^127 - 1) is enough to show both sides reach the same secret.
    const Bytes p = *HexDecode("7fffffffffffffffffffffffffffffff");
    const Bytes g = {2};
    const Bytes a = *HexDecode("1f2e3d4c5b6a7988");
    const Bytes b = *HexDecode("0a1b2c3d4e5f6071");
    const auto ya = ModExp(g, a, p);
    const auto yb = ModExp(g, b, p);
    ASSERT_TRUE(ya && yb);
    const auto sa = ModExp(*yb, a, p);
    const auto sb = ModExp(*ya, b, p);
    ASSERT_TRUE(sa && sb);
    EXPECT_EQ(*sa, *sb);
    EXPECT_NE(*ya, *yb);
}

}  // namespace
}  // namespace tonari::crypto
