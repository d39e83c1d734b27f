// CompactSize: boundaries, canonical-encoding enforcement and the MAX_COMPACT_SIZE limit.
#include <gtest/gtest.h>

#include "bitcoin/encoding/compact_size.h"
#include "util/byte_writer.h"
#include "util/hex.h"

namespace tonari::bitcoin::encoding {
namespace {

util::Bytes Hex(std::string_view h) {
    return util::HexDecode(h).value();
}

std::string Encode(uint64_t v) {
    util::ByteWriter w;
    WriteCompactSize(w, v);
    return util::HexEncode(w.data());
}

TEST(CompactSize, EncodingBoundaries) {
    struct Case {
        uint64_t value;
        const char* hex;
    };
    const Case cases[] = {
        {0, "00"},
        {1, "01"},
        {0xfc, "fc"},
        {0xfd, "fdfd00"},
        {0xfe, "fdfe00"},
        {0xffff, "fdffff"},
        {0x10000, "fe00000100"},
        {0x02000000, "fe00000002"},
        {0xffffffff, "feffffffff"},
        {0x100000000, "ff0000000001000000"},
        {0xffffffffffffffff, "ffffffffffffffffff"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(Encode(c.value), c.hex) << c.value;
        EXPECT_EQ(CompactSizeLength(c.value), std::string_view(c.hex).size() / 2) << c.value;
        const util::Bytes bytes = Hex(c.hex);
        util::ByteReader r(bytes);
        const uint64_t got = ReadCompactSize(r, /*range_check=*/false);
        EXPECT_FALSE(r.failed()) << c.hex;
        EXPECT_EQ(got, c.value);
        EXPECT_TRUE(r.empty());
    }
}

TEST(CompactSize, RangeCheckedReadAcceptsUpToMax) {
    for (uint64_t v : {uint64_t{0}, uint64_t{0xfc}, uint64_t{0xfd}, uint64_t{0xffff}, uint64_t{0x10000},
                       MAX_COMPACT_SIZE}) {
        util::ByteWriter w;
        WriteCompactSize(w, v);
        util::ByteReader r(w.data());
        EXPECT_EQ(ReadCompactSize(r), v);
        EXPECT_FALSE(r.failed()) << v;
    }
}

TEST(CompactSize, RejectsTooLarge) {
    for (uint64_t v :
         {MAX_COMPACT_SIZE + 1, uint64_t{0xffffffff}, uint64_t{0x100000000}, uint64_t{0xffffffffffffffff}}) {
        util::ByteWriter w;
        WriteCompactSize(w, v);
        util::ByteReader r(w.data());
        EXPECT_EQ(ReadCompactSize(r), 0u);
        EXPECT_TRUE(r.failed()) << v;
        // Without the range check the same bytes are fine.
        util::ByteReader r2(w.data());
        EXPECT_EQ(ReadCompactSize(r2, false), v);
        EXPECT_FALSE(r2.failed());
    }
}

TEST(CompactSize, RejectsNonCanonical) {
    // Each value encoded with a longer marker than needed.
    for (const char* hex :
         {"fd0000", "fdfc00", "fe00000000", "feffff0000", "ff0000000000000000", "ffffffffff00000000"}) {
        const util::Bytes bytes = Hex(hex);
        util::ByteReader r(bytes);
        EXPECT_EQ(ReadCompactSize(r, false), 0u) << hex;
        EXPECT_TRUE(r.failed()) << hex;
    }
}

TEST(CompactSize, RejectsTruncated) {
    for (const char* hex : {"", "fd", "fdfd", "fe000001", "ff00000000010000"}) {
        const util::Bytes bytes = Hex(hex);
        util::ByteReader r(bytes);
        EXPECT_EQ(ReadCompactSize(r), 0u) << hex;
        EXPECT_TRUE(r.failed()) << hex;
    }
}

TEST(CompactSize, FailureIsSticky) {
    const util::Bytes bytes = Hex("fd000005");  // non-canonical, then a valid byte
    util::ByteReader r(bytes);
    ReadCompactSize(r);
    ASSERT_TRUE(r.failed());
    EXPECT_EQ(ReadCompactSize(r), 0u);
    EXPECT_TRUE(r.failed());
}

}  // namespace
}  // namespace tonari::bitcoin::encoding
