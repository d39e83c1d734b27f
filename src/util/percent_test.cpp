// Percent-encoding: every byte round-trips; malformed escapes are refused.
#include "util/percent.h"

#include <gtest/gtest.h>

namespace tonari::util {
namespace {

TEST(Percent, EncodingRoundTripsEveryByte) {
    std::string all;
    for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
    const std::string encoded = PercentEncode(all);
    EXPECT_EQ(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%"),
              std::string::npos);
    std::string back;
    ASSERT_TRUE(PercentDecode(encoded, back));
    EXPECT_EQ(back, all);
    EXPECT_FALSE(PercentDecode("%4", back));
    EXPECT_FALSE(PercentDecode("%zz", back));
    ASSERT_TRUE(PercentDecode("a+b%20c", back));
    EXPECT_EQ(back, "a b c");
}

}  // namespace
}  // namespace tonari::util
