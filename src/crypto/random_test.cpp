// Tests for the OS random source: output changes between calls and fills whole buffers.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "crypto/random.h"
#include "util/bytes.h"

namespace tonari::crypto {
namespace {

TEST(Random, DoesNotRepeat) {
    std::set<util::Uint256> seen;
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(seen.insert(RandomUint256()).second);
    std::set<uint64_t> words;
    for (int i = 0; i < 1000; ++i) words.insert(RandomU64());
    EXPECT_EQ(words.size(), 1000u);  // a collision among 1000 64-bit values: ~2^-44
}

TEST(Random, FillsLargeBuffersCompletely) {
    // Larger than a single getrandom call is guaranteed to return.
    util::Bytes buf(64 * 1024 * 1024 + 13, 0);
    RandomBytes(buf);
    // The last 64 bytes all zero would mean a short read went unnoticed (p = 2^-512).
    EXPECT_FALSE(std::all_of(buf.end() - 64, buf.end(), [](uint8_t b) { return b == 0; }));
    // Byte values should be spread out; a stuck source would fail this.
    size_t counts[256] = {};
    for (size_t i = 0; i < 1 << 20; ++i) ++counts[buf[i]];
    for (size_t c : counts) EXPECT_GT(c, 3000u);  // expected 4096 each

    RandomBytes({});  // empty request is fine
}

}  // namespace
}  // namespace tonari::crypto
