// Tests for `headers`: the per-header zero transaction count, Core's "read and ignore" of that
// count, the 2,000-header limit and errors.
#include <gtest/gtest.h>

#include "bitcoin/wire/headers.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

primitives::BlockHeader Genesis() {
    std::string hex = test::ReadTestFile("blocks/genesis_mainnet.hex");
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    const util::Bytes raw = test::ParseHexOrFail(hex);
    auto h = primitives::DecodeHeader(util::ByteSpan(raw).first(80));
    EXPECT_TRUE(h);
    return h.value_or(primitives::BlockHeader{});
}

TEST(Headers, GenesisEncoding) {
    HeadersMsg m;
    m.headers.push_back(Genesis());
    ASSERT_EQ(m.headers[0].ComputeHash().ToHex(),
              "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    const util::Bytes raw = m.Encode();
    ASSERT_EQ(raw.size(), 1 + 81u);
    EXPECT_EQ(raw[0], 1);
    EXPECT_EQ(raw.back(), 0);  // transaction count
    EXPECT_EQ(util::Bytes(raw.begin() + 1, raw.end() - 1), primitives::SerializeHeader(m.headers[0]));
    const auto back = HeadersMsg::Decode(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, m);
    EXPECT_EQ(HeadersMsg::COMMAND, "headers");
}

TEST(Headers, NonZeroTxCountIgnoredLikeCore) {
    HeadersMsg m;
    m.headers.push_back(Genesis());
    util::Bytes raw = m.Encode();
    raw.back() = 1;  // as if a block with one transaction
    auto back = HeadersMsg::Decode(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, m);
    raw.back() = 0xfd;  // a wider count, canonical
    util::Append(raw, util::Bytes{0x00, 0x10});
    back = HeadersMsg::Decode(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->Encode(), m.Encode());
}

TEST(Headers, TxCountMustBeCanonicalAndInRange) {
    HeadersMsg m;
    m.headers.push_back(Genesis());
    util::Bytes raw = m.Encode();
    raw.pop_back();
    util::Bytes non_canonical = raw;
    util::Append(non_canonical, util::Bytes{0xfd, 0x01, 0x00});
    EXPECT_EQ(HeadersMsg::Decode(non_canonical).error(), WireError::Malformed);
    util::Bytes huge = raw;
    util::Append(huge, util::Bytes{0xfe, 0x00, 0x00, 0x00, 0x10});  // above Core's MAX_SIZE
    EXPECT_EQ(HeadersMsg::Decode(huge).error(), WireError::Malformed);
    EXPECT_EQ(HeadersMsg::Decode(raw).error(), WireError::Truncated);  // count missing
}

TEST(Headers, Limits) {
    HeadersMsg m;
    m.headers.assign(MAX_HEADERS_RESULTS, Genesis());
    const auto back = HeadersMsg::Decode(m.Encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->headers.size(), MAX_HEADERS_RESULTS);
    m.headers.push_back(Genesis());
    EXPECT_EQ(HeadersMsg::Decode(m.Encode()).error(), WireError::TooMany);
    // 2,000 announced, one present.
    util::Bytes short_msg = {0xfd, 0xd0, 0x07};
    util::Append(short_msg, primitives::SerializeHeader(Genesis()));
    short_msg.push_back(0);
    EXPECT_EQ(HeadersMsg::Decode(short_msg).error(), WireError::Truncated);
}

TEST(Headers, EmptyAndErrors) {
    const auto empty = HeadersMsg::Decode(util::Bytes{0});
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->headers.empty());
    EXPECT_EQ(HeadersMsg::Decode({}).error(), WireError::Truncated);
    EXPECT_EQ(HeadersMsg::Decode(util::Bytes{0, 0}).error(), WireError::TrailingBytes);
    HeadersMsg m;
    m.headers.push_back(Genesis());
    const util::Bytes raw = m.Encode();
    for (size_t len = 1; len < raw.size(); ++len) {
        EXPECT_EQ(HeadersMsg::Decode(util::ByteSpan(raw).first(len)).error(), WireError::Truncated) << len;
    }
}

}  // namespace
}  // namespace tonari::bitcoin::wire
