// Tests for ElligatorSwift: every row of BIP324's ellswift_decode and xswiftec_inv vector
// files, and fresh encodings that decode back to the key they encode.
#include "crypto/ellswift.h"

#include <gtest/gtest.h>

#include <iostream>

#include "test_data.h"
#include "util/hex.h"

namespace tonari::crypto {
namespace {

using test::ParseHexOrFail;
using util::HexEncode;

FieldBytes Field32(const std::string& hex) {
    const util::Bytes b = ParseHexOrFail(hex);
    FieldBytes out{};
    EXPECT_EQ(b.size(), out.size());
    std::copy_n(b.begin(), std::min(b.size(), out.size()), out.begin());
    return out;
}

TEST(EllSwift, DecodeVectors) {
    const auto rows = test::ReadTestCsv("bips/bip324_ellswift_decode_test_vectors.csv");
    ASSERT_GT(rows.size(), 1u);
    ASSERT_EQ(rows[0][0], "ellswift");
    size_t passed = 0;
    for (size_t i = 1; i < rows.size(); ++i) {
        SCOPED_TRACE("row " + std::to_string(i) + " " + rows[i][2]);
        const util::Bytes encoding = ParseHexOrFail(rows[i][0]);
        ASSERT_EQ(encoding.size(), ELLSWIFT_SIZE);
        const FieldBytes x = EllSwiftDecode(std::span<const uint8_t, ELLSWIFT_SIZE>(encoding.data(), ELLSWIFT_SIZE));
        EXPECT_EQ(HexEncode(x), rows[i][1]);
        if (HexEncode(x) == rows[i][1]) ++passed;
    }
    std::cout << "[vectors] bip324_ellswift_decode_test_vectors.csv: " << passed << " rows passed\n";
    EXPECT_EQ(passed, 76u);
}

TEST(EllSwift, InverseVectors) {
    const auto rows = test::ReadTestCsv("bips/bip324_xswiftec_inv_test_vectors.csv");
    ASSERT_GT(rows.size(), 1u);
    ASSERT_EQ(rows[0][0], "u");
    size_t passed = 0;
    for (size_t i = 1; i < rows.size(); ++i) {
        const auto& row = rows[i];
        ASSERT_GE(row.size(), 10u);
        const FieldBytes u = Field32(row[0]);
        const FieldBytes x = Field32(row[1]);
        bool row_ok = true;
        for (int which = 0; which < 8; ++which) {
            SCOPED_TRACE("row " + std::to_string(i) + " case " + std::to_string(which));
            const std::string& expected = row[2 + static_cast<size_t>(which)];
            const auto t = XSwiftEcInv(x, u, which);
            if (expected.empty()) {
                EXPECT_FALSE(t) << HexEncode(*t);
                row_ok = row_ok && !t;
                continue;
            }
            ASSERT_TRUE(t);
            EXPECT_EQ(HexEncode(*t), expected);
            row_ok = row_ok && HexEncode(*t) == expected;
            // And the forward map takes (u, t) back to x.
            EllSwiftPubKey encoding{};
            std::copy(u.begin(), u.end(), encoding.begin());
            std::copy(t->begin(), t->end(), encoding.begin() + 32);
            EXPECT_EQ(EllSwiftDecode(encoding), x);
        }
        if (row_ok) ++passed;
    }
    std::cout << "[vectors] bip324_xswiftec_inv_test_vectors.csv: " << passed << " rows passed\n";
    EXPECT_EQ(passed, 32u);
}

TEST(EllSwift, FreshKeysRoundTripAndAgree) {
    const KeyContext ctx;
    for (int i = 0; i < 8; ++i) {
        const EllSwiftKey a = EllSwiftGenerate(ctx);
        const EllSwiftKey b = EllSwiftGenerate(ctx);
        const PubKey pub = a.secret.GetPubKey(ctx).Compressed();
        EXPECT_TRUE(std::equal(pub.bytes().begin() + 1, pub.bytes().end(), EllSwiftDecode(a.encoding).begin()));
        // Two encodings of one key differ (random u), but both decode to it.
        const FieldBytes x = EllSwiftDecode(a.encoding);
        EXPECT_NE(EllSwiftEncode(x), a.encoding);
        EXPECT_EQ(EllSwiftDecode(EllSwiftEncode(x)), x);
        // Both ends of an ECDH reach the same x.
        const auto ab = EllSwiftXOnlyEcdh(ctx, a.secret, b.encoding);
        const auto ba = EllSwiftXOnlyEcdh(ctx, b.secret, a.encoding);
        ASSERT_TRUE(ab && ba);
        EXPECT_EQ(*ab, *ba);
    }
}

}  // namespace
}  // namespace tonari::crypto
