// Tests for util: Result, hex, ByteReader bounds and sticky failure, Blob hex order.
#include <gtest/gtest.h>

#include <string>

#include "util/blob.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/hex.h"
#include "util/result.h"
#include "util/strong_id.h"
#include "util/utf8.h"

namespace tonari::util {
namespace {

enum class TestError { Bad };

Result<int, TestError> Half(int x) {
    if (x % 2 != 0) return Fail(TestError::Bad);
    return x / 2;
}

TEST(Result, ValueAndError) {
    auto ok = Half(8);
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, 4);
    auto bad = Half(3);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), TestError::Bad);
    EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, SameValueAndErrorType) {
    Result<std::string, std::string> ok = std::string("v");
    Result<std::string, std::string> bad = Fail(std::string("e"));
    EXPECT_TRUE(ok.has_value());
    EXPECT_EQ(*ok, "v");
    EXPECT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error(), "e");
}

TEST(Result, Void) {
    Result<void, TestError> ok;
    Result<void, TestError> bad = Fail(TestError::Bad);
    EXPECT_TRUE(ok);
    EXPECT_FALSE(bad);
}

TEST(Hex, RoundTripAndStrictness) {
    auto b = HexDecode("00ffA1");
    ASSERT_TRUE(b);
    EXPECT_EQ(*b, (Bytes{0x00, 0xff, 0xa1}));
    EXPECT_EQ(HexEncode(*b), "00ffa1");
    EXPECT_EQ(HexEncodeReversed(*b), "a1ff00");
    EXPECT_FALSE(HexDecode("abc"));
    EXPECT_FALSE(HexDecode("zz"));
    EXPECT_FALSE(HexDecode(" 00"));
    EXPECT_TRUE(HexDecode("").has_value());
    EXPECT_FALSE(IsHex(""));
    EXPECT_TRUE(IsHex("0aF0"));
}

TEST(ByteReader, ReadsLittleEndian) {
    const Bytes data{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
    ByteReader r(data);
    EXPECT_EQ(r.ReadU8(), 0x01);
    EXPECT_EQ(r.ReadU32LE(), 0x05040302u);
    EXPECT_EQ(r.ReadU16LE(), 0x0706);
    EXPECT_EQ(r.remaining(), 2u);
    EXPECT_FALSE(r.failed());
}

TEST(ByteReader, FailureIsSticky) {
    const Bytes data{0x01, 0x02, 0x03};
    ByteReader r(data);
    EXPECT_EQ(r.ReadU32LE(), 0u);
    EXPECT_TRUE(r.failed());
    EXPECT_EQ(r.ReadU8(), 0u);  // even though a byte is left, the reader stays failed
    EXPECT_EQ(r.remaining(), 0u);
    EXPECT_TRUE(r.ReadSpan(1).empty());
}

TEST(ByteReader, CheckCountRejectsAbsurdCounts) {
    const Bytes data(10, 0);
    ByteReader r(data);
    EXPECT_TRUE(r.CheckCount(10, 1));
    EXPECT_FALSE(r.CheckCount(3, 4));
    EXPECT_TRUE(r.failed());
    ByteReader r2(data);
    EXPECT_FALSE(r2.CheckCount(UINT64_MAX, 1));
}

TEST(ByteWriter, MirrorsReader) {
    ByteWriter w;
    w.WriteU8(7);
    w.WriteU32LE(0xdeadbeef);
    w.WriteI64LE(-2);
    w.WriteU16BE(0x1234);
    const Bytes out = w.Take();
    ByteReader r(out);
    EXPECT_EQ(r.ReadU8(), 7);
    EXPECT_EQ(r.ReadU32LE(), 0xdeadbeefu);
    EXPECT_EQ(r.ReadI64LE(), -2);
    EXPECT_EQ(r.ReadU16BE(), 0x1234);
    EXPECT_TRUE(r.empty());
    EXPECT_FALSE(r.failed());
}

TEST(Blob, DisplayOrderIsReversed) {
    auto h = Uint256::FromHex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->data()[0], 0x6f);
    EXPECT_EQ(h->data()[31], 0x00);
    EXPECT_EQ(h->ToHex(), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    EXPECT_FALSE(Uint256::FromHex("00"));
    EXPECT_TRUE(Uint256().IsNull());
}

struct TagA {};
struct TagB {};

TEST(StrongId, DistinctTypesCompare) {
    using IdA = StrongId<TagA, Uint256>;
    static_assert(!std::is_convertible_v<IdA, StrongId<TagB, Uint256>>);
    IdA a, b;
    EXPECT_EQ(a, b);
    EXPECT_TRUE(a.IsNull());
}

}  // namespace
}  // namespace tonari::util

namespace tonari::util {
namespace {

TEST(Utf8, InvalidBytesBecomeReplacementsAndControlsCanBeDropped) {
    EXPECT_EQ(ValidUtf8("héllo ✓ 😀"), "héllo ✓ 😀");
    EXPECT_EQ(ValidUtf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");     // overlong "/"
    EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
    EXPECT_EQ(ValidUtf8("\xE2\x9C"), "\xEF\xBF\xBD\xEF\xBF\xBD");     // cut short
    EXPECT_EQ(ValidUtf8("tab\there"), "tab\there");
    EXPECT_EQ(PrintableText("\x1b[2J\x1b[1;1Hfake\r\nline\x7f"), "[2J[1;1Hfakeline");
    EXPECT_EQ(PrintableText("caf\xC3\xA9 \xC2\x9B" "x"), "café x");  // C1 control dropped
}

}  // namespace
}  // namespace tonari::util
