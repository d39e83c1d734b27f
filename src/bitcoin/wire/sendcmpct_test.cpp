// Tests for `sendcmpct`: fixed layout, Core's bool reading, wrong lengths.
#include <gtest/gtest.h>

#include "bitcoin/wire/sendcmpct.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

TEST(SendCmpct, Encoding) {
    EXPECT_EQ(SendCmpctMsg::COMMAND, "sendcmpct");
    EXPECT_EQ(util::HexEncode(SendCmpctMsg{}.Encode()), "000200000000000000");
    const SendCmpctMsg hb{true, 2};
    EXPECT_EQ(util::HexEncode(hb.Encode()), "010200000000000000");
    const auto back = SendCmpctMsg::Decode(hb.Encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, hb);
    // Non-zero announce byte reads as true (Core's bool); version 1 still decodes.
    const auto odd = SendCmpctMsg::Decode(util::Bytes{7, 1, 0, 0, 0, 0, 0, 0, 0});
    ASSERT_TRUE(odd);
    EXPECT_TRUE(odd->announce);
    EXPECT_EQ(odd->version, 1u);
}

TEST(SendCmpct, WrongLengths) {
    EXPECT_EQ(SendCmpctMsg::Decode(util::Bytes(8, 0)).error(), WireError::Truncated);
    EXPECT_EQ(SendCmpctMsg::Decode({}).error(), WireError::Truncated);
    EXPECT_EQ(SendCmpctMsg::Decode(util::Bytes(10, 0)).error(), WireError::TrailingBytes);
}

}  // namespace
}  // namespace tonari::bitcoin::wire
