// Script number encoding: minimal encodings, sign handling, size limits and the
// require-minimal rule.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "bitcoin/script/script_num.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::script {
namespace {

using util::HexEncode;

util::Bytes H(std::string_view hex) {
    return test::ParseHexOrFail(hex);
}

TEST(ScriptNum, EncodeKnownValues) {
    const std::pair<int64_t, const char*> cases[] = {
        {0, ""},
        {1, "01"},
        {-1, "81"},
        {16, "10"},
        {127, "7f"},
        {-127, "ff"},
        {128, "8000"},
        {-128, "8080"},
        {255, "ff00"},
        {-255, "ff80"},
        {256, "0001"},
        {32767, "ff7f"},
        {32768, "008000"},
        {2147483647, "ffffff7f"},
        {-2147483647, "ffffffff"},
        {2147483648LL, "0000008000"},
        {-2147483648LL, "0000008080"},
        {std::numeric_limits<int64_t>::max(), "ffffffffffffff7f"},
        {std::numeric_limits<int64_t>::min(), "000000000000008080"},
    };
    for (const auto& [value, hex] : cases) EXPECT_EQ(HexEncode(EncodeScriptNum(value)), hex) << value;
}

TEST(ScriptNum, DecodeKnownValues) {
    EXPECT_EQ(*DecodeScriptNum({}, true), 0);
    EXPECT_EQ(*DecodeScriptNum(H("7f"), true), 127);
    EXPECT_EQ(*DecodeScriptNum(H("8000"), true), 128);
    EXPECT_EQ(*DecodeScriptNum(H("8080"), true), -128);
    EXPECT_EQ(*DecodeScriptNum(H("ff00"), true), 255);
    EXPECT_EQ(*DecodeScriptNum(H("ffffff7f"), true), 2147483647);
    EXPECT_EQ(*DecodeScriptNum(H("ffffffff"), true), -2147483647);
    EXPECT_EQ(*DecodeScriptNum(H("0000008000"), true, LOCKTIME_MAX_NUM_SIZE), 2147483648LL);
    EXPECT_EQ(*DecodeScriptNum(H("ffffffff7f"), true, LOCKTIME_MAX_NUM_SIZE), 549755813887LL);
    EXPECT_EQ(*DecodeScriptNum(H("ffffffffffffff7f"), true, 8), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(*DecodeScriptNum(H("ffffffffffffffff"), true, 8), -std::numeric_limits<int64_t>::max());
}

TEST(ScriptNum, NonMinimalEncodings) {
    // Negative zero and a bare zero byte: 0 when lax, rejected when minimal is required.
    for (const char* hex : {"80", "00", "0000", "0080", "0500", "0580", "ffff7f00", "7f0000"}) {
        const auto lax = DecodeScriptNum(H(hex), false);
        ASSERT_TRUE(lax) << hex;
        const auto strict = DecodeScriptNum(H(hex), true);
        ASSERT_FALSE(strict) << hex;
        EXPECT_EQ(strict.error(), ScriptNumError::NonMinimal) << hex;
        EXPECT_FALSE(IsMinimalScriptNum(H(hex))) << hex;
    }
    EXPECT_EQ(*DecodeScriptNum(H("80"), false), 0);
    EXPECT_EQ(*DecodeScriptNum(H("0080"), false), 0);
    EXPECT_EQ(*DecodeScriptNum(H("0500"), false), 5);
    EXPECT_EQ(*DecodeScriptNum(H("0580"), false), -5);
    // A sign byte that is needed is minimal.
    for (const char* hex : {"", "01", "8000", "8080", "ff00", "ff80"})
        EXPECT_TRUE(IsMinimalScriptNum(H(hex))) << hex;
}

TEST(ScriptNum, SizeLimit) {
    const auto five = DecodeScriptNum(H("0000008000"), false);  // default max 4 bytes
    ASSERT_FALSE(five);
    EXPECT_EQ(five.error(), ScriptNumError::Overflow);
    EXPECT_FALSE(DecodeScriptNum(H("0100000000"), true));
    EXPECT_TRUE(DecodeScriptNum(H("0100000000"), false, 5));
    EXPECT_FALSE(DecodeScriptNum(H("000000000000"), false, 5));
    EXPECT_FALSE(DecodeScriptNum(H("01"), false, 0));
    EXPECT_TRUE(DecodeScriptNum({}, false, 0));
    EXPECT_EQ(ScriptNumErrorMessage(ScriptNumError::Overflow), "script number overflow");
}

TEST(ScriptNum, RoundTrip) {
    int checked = 0;
    for (int64_t base : {int64_t{0}, int64_t{1} << 7, int64_t{1} << 15, int64_t{1} << 23, int64_t{1} << 31,
                         int64_t{1} << 39, int64_t{1} << 47, int64_t{1} << 55}) {
        for (int64_t delta = -3; delta <= 3; ++delta) {
            for (int sign : {1, -1}) {
                const int64_t v = sign * (base + delta);
                const util::Bytes enc = EncodeScriptNum(v);
                ASSERT_LE(enc.size(), 8u);
                EXPECT_TRUE(IsMinimalScriptNum(enc)) << v;
                const auto dec = DecodeScriptNum(enc, true, 8);
                ASSERT_TRUE(dec) << v;
                EXPECT_EQ(*dec, v);
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, 8 * 7 * 2);
}

TEST(ScriptNum, ClampToInt32) {
    EXPECT_EQ(ScriptNumToInt32(5), 5);
    EXPECT_EQ(ScriptNumToInt32(-5), -5);
    EXPECT_EQ(ScriptNumToInt32(int64_t{1} << 40), std::numeric_limits<int32_t>::max());
    EXPECT_EQ(ScriptNumToInt32(-(int64_t{1} << 40)), std::numeric_limits<int32_t>::min());
}

}  // namespace
}  // namespace tonari::bitcoin::script
