// Tests for `getheaders` / `getblocks`: encoding, the 101-hash locator limit, and errors.
#include <gtest/gtest.h>

#include "bitcoin/wire/locator.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

primitives::BlockHash Hash(uint8_t fill) {
    std::array<uint8_t, 32> b{};
    b.fill(fill);
    return primitives::BlockHash(util::Uint256(b));
}

template <typename Msg>
void CheckMessage(std::string_view command) {
    EXPECT_EQ(Msg::COMMAND, command);
    Msg m;
    EXPECT_EQ(m.version, static_cast<uint32_t>(PROTOCOL_VERSION));
    m.locator = {Hash(1), Hash(2)};
    m.stop = Hash(0xff);
    const util::Bytes raw = m.Encode();
    ASSERT_EQ(raw.size(), 4 + 1 + 3 * 32u);
    EXPECT_EQ(util::HexEncode(util::ByteSpan(raw).first(5)), "8011010002");  // 70016 LE, count 2
    const auto back = Msg::Decode(raw);
    ASSERT_TRUE(back) << command;
    EXPECT_EQ(*back, m);

    m.locator.assign(MAX_LOCATOR_SZ, Hash(7));
    EXPECT_TRUE(Msg::Decode(m.Encode()));
    m.locator.push_back(Hash(8));
    const auto too_many = Msg::Decode(m.Encode());
    ASSERT_FALSE(too_many);
    EXPECT_EQ(too_many.error(), WireError::TooMany);

    // Empty locator, null stop: valid ("start from genesis").
    Msg empty;
    const auto e = Msg::Decode(empty.Encode());
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->locator.empty());
    EXPECT_TRUE(e->stop.IsNull());

    util::Bytes cut = empty.Encode();
    cut.pop_back();  // stop hash short by one byte
    EXPECT_EQ(Msg::Decode(cut).error(), WireError::Truncated);
    EXPECT_EQ(Msg::Decode(util::ByteSpan(cut).first(3)).error(), WireError::Truncated);
    util::Bytes extra = empty.Encode();
    extra.push_back(1);
    EXPECT_EQ(Msg::Decode(extra).error(), WireError::TrailingBytes);
    EXPECT_EQ(Msg::Decode(test::ParseHexOrFail("80110100fd0100")).error(), WireError::Malformed);
}

TEST(Locator, GetHeaders) { CheckMessage<GetHeadersMsg>("getheaders"); }
TEST(Locator, GetBlocks) { CheckMessage<GetBlocksMsg>("getblocks"); }

}  // namespace
}  // namespace tonari::bitcoin::wire
