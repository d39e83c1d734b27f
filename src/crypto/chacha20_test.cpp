// Tests for ChaCha20 and ChaCha20-Poly1305: RFC 8439's block function (2.3.2) and AEAD
// (2.8.2) vectors, in-place use, and refusal of a tampered ciphertext, tag or aad.
#include "crypto/chacha20.h"

#include <gtest/gtest.h>

#include <string_view>

#include "test_data.h"
#include "util/hex.h"

namespace tonari::crypto {
namespace {

using test::ParseHexOrFail;
using util::Bytes;
using util::HexEncode;

template <size_t N>
std::array<uint8_t, N> Arr(std::string_view hex) {
    const Bytes b = ParseHexOrFail(hex);
    std::array<uint8_t, N> out{};
    EXPECT_EQ(b.size(), N);
    std::copy_n(b.begin(), std::min(N, b.size()), out.begin());
    return out;
}

constexpr std::string_view AEAD_PLAIN =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
constexpr std::string_view AEAD_SEALED =
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b29"
    "05d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b"
    "61161ae10b594f09e26a7e902ecbd0600691";

TEST(ChaCha20, Rfc8439BlockFunction) {
    const auto key = Arr<32>("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const auto nonce = Arr<12>("000000090000004a00000000");
    std::array<uint8_t, 64> block{};
    ChaCha20Xor(key, nonce, 1, block);
    EXPECT_EQ(HexEncode(block),
              "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
    // The stream continues block after block: block 2 alone equals bytes 64..127 from block 1.
    std::array<uint8_t, 128> two{};
    ChaCha20Xor(key, nonce, 1, two);
    std::array<uint8_t, 64> second{};
    ChaCha20Xor(key, nonce, 2, second);
    EXPECT_TRUE(std::equal(second.begin(), second.end(), two.begin() + 64));
}

TEST(ChaCha20Poly1305, Rfc8439Aead) {
    const auto key = Arr<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    const auto nonce = Arr<12>("070000004041424344454647");
    const Bytes aad = ParseHexOrFail("50515253c0c1c2c3c4c5c6c7");
    const Bytes plain(AEAD_PLAIN.begin(), AEAD_PLAIN.end());
    ChaCha20Poly1305 aead;
    Bytes sealed(plain.size() + POLY1305_TAG_SIZE);
    aead.Seal(key, nonce, aad, plain, sealed);
    EXPECT_EQ(HexEncode(sealed), AEAD_SEALED);

    Bytes opened(plain.size());
    ASSERT_TRUE(aead.Open(key, nonce, aad, sealed, opened));
    EXPECT_EQ(opened, plain);

    // In place both ways, reusing the same object.
    Bytes buffer = plain;
    buffer.resize(plain.size() + POLY1305_TAG_SIZE);
    aead.Seal(key, nonce, aad, util::ByteSpan(buffer.data(), plain.size()), buffer);
    EXPECT_EQ(HexEncode(buffer), AEAD_SEALED);
    ASSERT_TRUE(aead.Open(key, nonce, aad, buffer, std::span(buffer.data(), plain.size())));
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), buffer.begin()));
}

TEST(ChaCha20Poly1305, RefusesTampering) {
    const auto key = Arr<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    const auto nonce = Arr<12>("070000004041424344454647");
    const Bytes aad = ParseHexOrFail("50515253c0c1c2c3c4c5c6c7");
    const Bytes sealed = ParseHexOrFail(AEAD_SEALED);
    ChaCha20Poly1305 aead;
    Bytes plain(sealed.size() - POLY1305_TAG_SIZE);
    for (size_t flip : {size_t{0}, sealed.size() / 2, sealed.size() - 1}) {
        Bytes bad = sealed;
        bad[flip] ^= 0x01;
        EXPECT_FALSE(aead.Open(key, nonce, aad, bad, plain)) << "bit flipped at " << flip;
    }
    Bytes other_aad = aad;
    other_aad[0] ^= 0x80;
    EXPECT_FALSE(aead.Open(key, nonce, other_aad, sealed, plain));
    auto other_nonce = nonce;
    other_nonce[11] ^= 1;
    EXPECT_FALSE(aead.Open(key, other_nonce, aad, sealed, plain));
    // And the untouched packet still opens after the failures.
    EXPECT_TRUE(aead.Open(key, nonce, aad, sealed, plain));
}

}  // namespace
}  // namespace tonari::crypto
