// Base58 / Base58Check: Bitcoin Core's vectors, whitespace and character rules, the output
// bound, checksums, and random round trips.
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "bitcoin/encoding/base58.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::encoding {
namespace {

using util::Bytes;

TEST(Base58, CoreVectors) {
    const auto json = test::ReadTestJson("bitcoin-core/base58_encode_decode.json");
    size_t cases = 0;
    for (const auto& row : json.as_array()) {
        const auto& r = row.as_array();
        ASSERT_EQ(r.size(), 2u);
        const Bytes bytes = test::ParseHexOrFail(r[0].as_string());
        const std::string text(r[1].as_string());
        EXPECT_EQ(EncodeBase58(bytes), text);
        const auto decoded = DecodeBase58(text, 256);
        ASSERT_TRUE(decoded.has_value()) << text;
        EXPECT_EQ(*decoded, bytes) << text;
        // The bound is exact: one byte less must fail (except for the empty string).
        if (!bytes.empty()) {
            const auto tight = DecodeBase58(text, bytes.size() - 1);
            ASSERT_FALSE(tight.has_value()) << text;
            EXPECT_EQ(tight.error(), Base58Error::TooLong);
        }
        ++cases;
    }
    std::cout << "[vectors] base58_encode_decode.json: " << cases << " cases passed\n";
    EXPECT_EQ(cases, 21u);
}

TEST(Base58, WhitespaceLikeCore) {
    // Leading and trailing whitespace is skipped, as Bitcoin Core does...
    for (const char* s : {" \t\n\v\f\r3EFU7m", "3EFU7m \t\n\v\f\r", "  3EFU7m  "}) {
        const auto d = DecodeBase58(s, 64);
        ASSERT_TRUE(d.has_value()) << s;
        EXPECT_EQ(util::HexEncode(*d), "572e4794");
    }
    // ... leading '1's after the whitespace still count as zero bytes ...
    const auto z = DecodeBase58("  11", 64);
    ASSERT_TRUE(z.has_value());
    EXPECT_EQ(*z, Bytes(2, 0));
    // ... but whitespace inside the string is an error, and only whitespace means empty.
    for (const char* s : {"3EF U7m", "3EFU7m x", "1 1", "3EFU7m\t1"}) {
        const auto d = DecodeBase58(s, 64);
        ASSERT_FALSE(d.has_value()) << s;
        EXPECT_EQ(d.error(), Base58Error::InvalidCharacter) << s;
    }
    const auto blank = DecodeBase58("   ", 64);
    ASSERT_TRUE(blank.has_value());
    EXPECT_TRUE(blank->empty());
}

TEST(Base58, RejectsCharactersOutsideTheAlphabet) {
    for (const char* s : {"0", "O", "I", "l", "3EFU7m0", "+", "3EFU7\xc3\xa9", "\x80"}) {
        const auto d = DecodeBase58(s, 64);
        ASSERT_FALSE(d.has_value()) << s;
        EXPECT_EQ(d.error(), Base58Error::InvalidCharacter);
    }
    const std::string with_nul("3EFU7m\0", 7);
    EXPECT_FALSE(DecodeBase58(with_nul, 64).has_value());
    const std::string nul_inside("3EF\0U7m", 7);
    EXPECT_FALSE(DecodeBase58(nul_inside, 64).has_value());
}

TEST(Base58, BoundsWorkOnHostileInput) {
    // A megabyte of digits must fail quickly on the bound, not run an O(n^2) conversion.
    const std::string ones(1 << 20, '1');
    auto d = DecodeBase58(ones, 100);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error(), Base58Error::TooLong);
    const std::string zs(1 << 20, 'z');
    d = DecodeBase58(zs, 100);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error(), Base58Error::TooLong);
    // max_out_len 0 admits only the empty string.
    EXPECT_TRUE(DecodeBase58("", 0).has_value());
    EXPECT_FALSE(DecodeBase58("1", 0).has_value());
    EXPECT_FALSE(DecodeBase58("2", 0).has_value());
    // Exactly at the bound: 0xff..ff (32 bytes) fits in 32.
    const Bytes ff(32, 0xff);
    const std::string enc = EncodeBase58(ff);
    EXPECT_TRUE(DecodeBase58(enc, 32).has_value());
    EXPECT_FALSE(DecodeBase58(enc, 31).has_value());
}

TEST(Base58Check, RoundTripAndChecksum) {
    // A mainnet P2PKH address from key_io_valid.json: version 0 and a HASH160.
    const Bytes payload = *util::HexDecode("00a31c06bd463e3923bc1aadbde48b16976c080717");
    const std::string s = EncodeBase58Check(payload);
    EXPECT_EQ(s, "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo");
    auto d = DecodeBase58Check(s, 21);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, payload);

    // The payload bound excludes the checksum.
    d = DecodeBase58Check(s, 20);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error(), Base58Error::TooLong);

    // Every single-character change breaks the checksum (or the alphabet).
    const std::string alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    size_t mutations = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        std::string m = s;
        m[i] = m[i] == alphabet[5] ? alphabet[6] : alphabet[5];
        EXPECT_FALSE(DecodeBase58Check(m, 64).has_value()) << m;
        ++mutations;
    }
    EXPECT_EQ(mutations, s.size());

    std::string bad = s;
    bad.back() = bad.back() == 'p' ? 'q' : 'p';
    d = DecodeBase58Check(bad, 64);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error(), Base58Error::BadChecksum);

    // Fewer than four bytes cannot hold a checksum.
    d = DecodeBase58Check("1", 64);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error(), Base58Error::TooShort);
    d = DecodeBase58Check("", 64);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error(), Base58Error::TooShort);

    // The empty payload is legal: just the checksum of nothing.
    const std::string empty = EncodeBase58Check({});
    d = DecodeBase58Check(empty, 0);
    ASSERT_TRUE(d.has_value());
    EXPECT_TRUE(d->empty());
}

TEST(Base58, RandomRoundTrips) {
    std::mt19937 rng(12345);
    size_t cases = 0;
    for (size_t len = 0; len < 80; ++len) {
        for (int rep = 0; rep < 8; ++rep) {
            Bytes b(len);
            for (auto& x : b) x = static_cast<uint8_t>(rng());
            // Leading zeros exercise the '1' prefix.
            if (rep % 3 == 0 && len > 2) b[0] = b[1] = 0;
            const std::string s = EncodeBase58(b);
            const auto d = DecodeBase58(s, len);
            ASSERT_TRUE(d.has_value()) << s;
            EXPECT_EQ(*d, b);
            const auto c = DecodeBase58Check(EncodeBase58Check(b), len);
            ASSERT_TRUE(c.has_value());
            EXPECT_EQ(*c, b);
            ++cases;
        }
    }
    EXPECT_EQ(cases, 640u);
}

}  // namespace
}  // namespace tonari::bitcoin::encoding
