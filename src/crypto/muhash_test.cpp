// MuHash3072 against Bitcoin Core's published values (src/test/crypto_tests.cpp muhash_tests,
// src/test/fuzz/muhash.cpp's empty-set hash, test_framework's muhash unit test).
#include "crypto/muhash.h"

#include <gtest/gtest.h>

#include "util/hex.h"

namespace tonari::crypto {
namespace {

// Core's FromInt(i): the set holding the one 32-byte element {i, 0, ..., 0}.
util::Bytes Element(uint8_t i) {
    util::Bytes e(32, 0);
    e[0] = i;
    return e;
}

MuHash3072 FromInt(uint8_t i) {
    MuHash3072 h;
    h.Insert(Element(i));
    return h;
}

// Core prints the digest as a uint256: bytes reversed.
std::string Display(const util::Uint256& digest) { return digest.ToHex(); }

TEST(MuHash, EmptySetMatchesCore) {
    EXPECT_EQ(Display(MuHash3072().Finalize()), "dd5ad2a105c2d29495f577245c357409002329b9f4d6182c0af3dc2f462555c8");
}

TEST(MuHash, InsertAndRemoveMatchCore) {
    MuHash3072 acc = FromInt(0);
    acc *= FromInt(1);
    acc /= FromInt(2);
    EXPECT_EQ(Display(acc.Finalize()), "10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863");

    MuHash3072 acc2 = FromInt(0);
    acc2.Insert(Element(1));
    acc2.Remove(Element(2));
    EXPECT_EQ(acc2.Finalize(), acc.Finalize());
}

TEST(MuHash, OrderDoesNotMatter) {
    MuHash3072 a;
    MuHash3072 b;
    for (uint8_t i = 0; i < 8; ++i) a.Insert(Element(i));
    for (uint8_t i = 8; i-- > 0;) b.Insert(Element(i));
    EXPECT_EQ(a.Finalize(), b.Finalize());
    // Adding and removing the same elements gives the empty set back.
    for (uint8_t i = 0; i < 8; ++i) a.Remove(Element(i));
    EXPECT_EQ(a.Finalize(), MuHash3072().Finalize());
}

TEST(MuHash, SerializationMatchesCore) {
    MuHash3072 h = FromInt(1);
    h *= FromInt(2);
    const std::string hex = util::HexEncode(h.Serialize());
    ASSERT_EQ(hex.size(), 2 * 768u);
    // Core's ser_exp: the numerator FromInt(1) * FromInt(2) mod p, little-endian ...
    const std::string numerator =
        "1fa093295ea30a6a3acdc7b3f770fa538eff537528e990e2910e40bbcfd7f6696b1256901929094694b56316de342f59"
        "3303dd12ac43e06dce1be1ff8301c845beb15468fff0ef002dbf80c29f26e6452bccc91b5cb9437ad410d2a67ea84788"
        "7fa3c6a6553309946880fe20db2c73fe0641adbd4e86edfee0d9f8cd0ee1230898873dc13ed8ddcaf045c80faa082774"
        "279007a2253f8922ee3ef361d378a6af3ddaf180b190ac97e556888c36b3d1fb1c85aab9ccd46e3deaeb7b7cf5db067a"
        "7e9ff86b658cf3acd6662bbcce37232daa753c48b794356c020090c831a8304416e2aa7ad633c0ddb2f11be1be316a81"
        "be7f7e472071c042cb68faef549c221ebff209273638b741aba5a81675c45a5fa92fea4ca821d7a324cb1e1a2ccd3b76"
        "c4228ec8066dad2a5df6e1bd0de45c7dd5de8070bdb46db6c554cf9aefc9b7b2bbf9f75b1864d9f95005314593905c01"
        "09b71f703d49944ae94477b51dac10a816bb6d1c700bafabc8bd86fac8df24be519a2f2836b16392e18036cb13e48c5c";
    EXPECT_EQ(hex.substr(0, 768), numerator);
    // ... and the denominator 1.
    EXPECT_EQ(hex.substr(768), "01" + std::string(766, '0'));
    const util::Bytes serialized = h.Serialize();
    EXPECT_EQ(MuHash3072::Deserialize(std::span<const uint8_t, 768>(serialized.data(), 768)).Finalize(), h.Finalize());
}

TEST(MuHash, OverflowingNumeratorMatchesCore) {
    util::Bytes bytes(768, 0);
    std::fill(bytes.begin(), bytes.begin() + 384, 0xff);
    bytes[384] = 1;
    // Core prints this one with HexStr: digest byte order.
    EXPECT_EQ(util::HexEncode(MuHash3072::Deserialize(std::span<const uint8_t, 768>(bytes.data(), 768)).Finalize().span()),
              "3a31e6903aff0de9f62f9a9f7f8b861de76ce2cda09822b90014319ae5dc2271");
}

}  // namespace
}  // namespace tonari::crypto
