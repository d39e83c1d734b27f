// Bech32 / Bech32m strings (BIP173, BIP350 vectors), error reasons, error location and
// ConvertBits.
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "bitcoin/encoding/bech32.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::encoding::bech32 {
namespace {

using util::Bytes;

std::string Lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

// Decodes `s`, expects `encoding`, and checks that re-encoding gives the string back.
void CheckValid(const std::string& s, Encoding encoding) {
    const auto d = Decode(s);
    ASSERT_TRUE(d.has_value()) << s << ": " << ErrorName(d.error().error);
    EXPECT_EQ(d->encoding, encoding) << s;
    EXPECT_EQ(Encode(d->encoding, d->hrp, d->data), Lower(s));
    // No string is valid under both checksums, so the other constant must not verify: change
    // the encoding and the checksum characters must differ.
    const Encoding other = encoding == Encoding::Bech32 ? Encoding::Bech32m : Encoding::Bech32;
    EXPECT_NE(Encode(other, d->hrp, d->data), Lower(s));
}

TEST(Bech32, BipValidStrings) {
    const auto json = test::ReadTestJson("bips/bech32_bech32m_vectors.json").as_object();
    size_t bech32 = 0;
    size_t bech32m = 0;
    for (const auto& v : json.at("bech32_valid").as_array()) {
        CheckValid(std::string(v.as_string()), Encoding::Bech32);
        ++bech32;
    }
    for (const auto& v : json.at("bech32m_valid").as_array()) {
        CheckValid(std::string(v.as_string()), Encoding::Bech32m);
        ++bech32m;
    }
    std::cout << "[vectors] bech32_bech32m_vectors.json bech32_valid: " << bech32
              << " cases passed\n[vectors] bech32_bech32m_vectors.json bech32m_valid: " << bech32m
              << " cases passed\n";
    EXPECT_EQ(bech32, 7u);
    EXPECT_EQ(bech32m, 7u);
}

TEST(Bech32, BipInvalidStrings) {
    const auto json = test::ReadTestJson("bips/bech32_bech32m_vectors.json").as_object();
    size_t cases = 0;
    for (const auto& v : json.at("invalid").as_array()) {
        const auto& o = v.as_object();
        // The exact bytes (some strings carry 0x7f, 0x80 or 0xff) come from "hex".
        const Bytes raw = test::ParseHexOrFail(o.at("hex").as_string());
        const std::string s(raw.begin(), raw.end());
        const std::string reason(o.at("reason").as_string());
        const auto d = Decode(s);
        ASSERT_FALSE(d.has_value()) << s << " (" << reason << ")";
        // The reasons the BIPs give, mapped to ours.
        const Error e = d.error().error;
        if (reason == "HRP character out of range") {
            EXPECT_EQ(e, Error::InvalidCharacter) << s;
        } else if (reason == "overall max length exceeded") {
            EXPECT_EQ(e, Error::TooLong) << s;
        } else if (reason == "No separator character") {
            EXPECT_EQ(e, Error::MissingSeparator) << s;
        } else if (reason == "Empty HRP") {
            EXPECT_EQ(e, Error::EmptyHrp) << s;
        } else if (reason == "Invalid data character") {
            EXPECT_EQ(e, Error::InvalidDataCharacter) << s;
        } else if (reason == "Invalid character in checksum") {
            // A letter outside the alphabet, or a non-ASCII byte (0xff).
            EXPECT_TRUE(e == Error::InvalidDataCharacter || e == Error::InvalidCharacter) << s;
        } else if (reason == "Too short checksum") {
            EXPECT_EQ(e, Error::ChecksumTooShort) << s;
        } else if (reason == "checksum calculated with uppercase form of HRP") {
            EXPECT_TRUE(e == Error::InvalidChecksum || e == Error::InvalidBech32Checksum ||
                        e == Error::InvalidBech32mChecksum)
                << s << ": " << ErrorName(e);
        } else if (reason == "empty HRP") {
            // "10a06t8", "1qzzfhee": the separator is the first '1' ... and the last one too.
            EXPECT_TRUE(e == Error::EmptyHrp || e == Error::ChecksumTooShort) << s;
        } else {
            ADD_FAILURE() << "unmapped reason " << reason;
        }
        ++cases;
    }
    std::cout << "[vectors] bech32_bech32m_vectors.json invalid: " << cases << " cases passed\n";
    EXPECT_EQ(cases, 26u);
}

TEST(Bech32, ErrorsAndPositions) {
    struct Case {
        std::string str;
        Error error;
        std::optional<size_t> position;
    };
    const Case cases[] = {
        {"", Error::MissingSeparator, std::nullopt},
        {"abcdef", Error::MissingSeparator, std::nullopt},
        {"1qqqqqq", Error::EmptyHrp, 0},
        {"a1qqqqq", Error::ChecksumTooShort, 1},
        {"A12uEL5L", Error::MixedCase, 3},
        {"A12UEL5L\x01", Error::InvalidCharacter, 8},
        {"a 12uel5l", Error::InvalidCharacter, 1},
        {"a12ubl5l", Error::InvalidDataCharacter, 4},
    };
    for (size_t i = 0; i < std::size(cases); ++i) {
        const auto d = Decode(cases[i].str);
        ASSERT_FALSE(d.has_value()) << cases[i].str;
        EXPECT_EQ(d.error().error, cases[i].error) << cases[i].str << ": " << ErrorName(d.error().error);
        EXPECT_EQ(d.error().position, cases[i].position) << cases[i].str;
    }
    // Length limit: 90 accepted, 91 rejected, and a caller may raise the limit.
    const std::string long91 = "a1" + std::string(83, 'q') + "qqqqqq";
    ASSERT_EQ(long91.size(), 91u);
    auto d = Decode(long91);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().error, Error::TooLong);
    const std::string valid90 = Encode(Encoding::Bech32m, "a", Bytes(82, 0));
    ASSERT_EQ(valid90.size(), 90u);
    EXPECT_TRUE(Decode(valid90).has_value());
    const std::string valid91 = Encode(Encoding::Bech32m, "a", Bytes(83, 0));
    EXPECT_FALSE(Decode(valid91).has_value());
    EXPECT_TRUE(Decode(valid91, 200).has_value());
    // A megabyte fails on the length check before any other work.
    d = Decode(std::string(1 << 20, 'q'));
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().error, Error::TooLong);

    EXPECT_EQ(ErrorMessage(Error::MixedCase), "Invalid character or mixed case");
    EXPECT_EQ(ErrorMessage(Error::InvalidDataCharacter), "Invalid Base 32 character");
    EXPECT_EQ(ErrorMessage(Error::EmptyHrp), "Invalid separator position");
}

TEST(Bech32, LocatesSingleSubstitution) {
    // Every single-character substitution in the data part of a valid string is detected and
    // located, under the checksum the string really uses.
    std::mt19937 rng(7);
    const std::string charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    size_t checked = 0;
    size_t located = 0;
    for (Encoding enc : {Encoding::Bech32, Encoding::Bech32m}) {
        for (int rep = 0; rep < 4; ++rep) {
            Bytes values(20 + rep * 7);
            for (auto& v : values) v = static_cast<uint8_t>(rng() % 32);
            const std::string s = Encode(enc, "bc", values);
            for (size_t pos = 3; pos < s.size(); ++pos) {
                std::string m = s;
                m[pos] = charset[(charset.find(s[pos]) + 1 + rng() % 31) % 32];
                const auto d = Decode(m);
                ASSERT_FALSE(d.has_value()) << m;
                const Error want =
                    enc == Encoding::Bech32 ? Error::InvalidBech32Checksum : Error::InvalidBech32mChecksum;
                // A substitution can, rarely, also sit one step from the other checksum's
                // codeword; Bech32 is preferred then, as Core does.
                if (d.error().error != want) {
                    EXPECT_EQ(d.error().error, Error::InvalidBech32Checksum) << m;
                } else {
                    EXPECT_EQ(d.error().position, pos) << m;
                    ++located;
                }
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 200u);
    // The ambiguous case is rare; nearly every substitution is pinned down exactly.
    EXPECT_GE(located * 100, checked * 99) << located << " of " << checked;
    std::cout << "[bech32] located " << located << " of " << checked << " single substitutions\n";
    // Two substitutions are not located.
    std::string two = Encode(Encoding::Bech32, "bc", Bytes(30, 3));
    two[5] = two[5] == 'q' ? 'p' : 'q';
    two[9] = two[9] == 'q' ? 'p' : 'q';
    const auto d = Decode(two);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().error, Error::InvalidChecksum);
    EXPECT_EQ(ErrorMessage(d.error().error), "Invalid checksum");
}

TEST(Bech32, UpperCaseAccepted) {
    const auto d = Decode("A12UEL5L");
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->hrp, "a");
    EXPECT_EQ(d->encoding, Encoding::Bech32);
    EXPECT_TRUE(d->data.empty());
}

TEST(ConvertBits, PaddingRules) {
    // 8 -> 5 pads; 5 -> 8 restores exactly.
    const Bytes bytes = *util::HexDecode("751e76e8199196d454941c45d1b3a323f1433bd6");
    const auto five = ConvertBits(bytes, 8, 5, true);
    ASSERT_TRUE(five.has_value());
    EXPECT_EQ(five->size(), 32u);
    const auto back = ConvertBits(*five, 5, 8, false);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, bytes);

    // One byte -> two 5-bit groups with 2 zero bits of padding.
    EXPECT_EQ(*ConvertBits(Bytes{0xff}, 8, 5, true), (Bytes{31, 28}));
    // Non-zero padding bits are rejected when unpadding.
    EXPECT_FALSE(ConvertBits(Bytes{31, 29}, 5, 8, false).has_value());
    EXPECT_EQ(*ConvertBits(Bytes{31, 28}, 5, 8, false), (Bytes{0xff}));
    // Five or more leftover bits are a whole extra group: rejected.
    EXPECT_FALSE(ConvertBits(Bytes{31, 28, 0}, 5, 8, false).has_value());
    // Input values must fit in from_bits.
    EXPECT_FALSE(ConvertBits(Bytes{32}, 5, 8, true).has_value());
    // Bad widths.
    EXPECT_FALSE(ConvertBits(Bytes{1}, 0, 5, true).has_value());
    EXPECT_FALSE(ConvertBits(Bytes{1}, 8, 9, true).has_value());
    // Empty in, empty out.
    EXPECT_TRUE(ConvertBits({}, 8, 5, true)->empty());
    EXPECT_TRUE(ConvertBits({}, 5, 8, false)->empty());

    std::mt19937 rng(99);
    for (size_t len = 0; len < 70; ++len) {
        Bytes b(len);
        for (auto& x : b) x = static_cast<uint8_t>(rng());
        const auto f = ConvertBits(b, 8, 5, true);
        ASSERT_TRUE(f.has_value());
        EXPECT_EQ(f->size(), (len * 8 + 4) / 5);
        EXPECT_EQ(*ConvertBits(*f, 5, 8, false), b);
    }
}

}  // namespace
}  // namespace tonari::bitcoin::encoding::bech32
