// CRC-32C against the standard check value and RFC 3720's examples.
#include "util/crc32c.h"

#include <gtest/gtest.h>

namespace tonari::util {
namespace {

TEST(Crc32c, CheckValues) {
    EXPECT_EQ(Crc32c(AsBytes("123456789")), 0xE3069283u);
    EXPECT_EQ(Crc32c(Bytes(32, 0)), 0x8A9136AAu);     // RFC 3720 B.4: 32 bytes of zeros
    EXPECT_EQ(Crc32c(Bytes(32, 0xff)), 0x62A8AB43u);  // 32 bytes of ones
    EXPECT_EQ(Crc32c({}), 0u);
}

}  // namespace
}  // namespace tonari::util
