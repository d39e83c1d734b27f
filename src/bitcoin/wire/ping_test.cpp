// Tests for `ping` / `pong`: the 8-byte little-endian nonce and wrong payload lengths.
#include <gtest/gtest.h>

#include "bitcoin/wire/ping.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

TEST(Ping, Encoding) {
    EXPECT_EQ(PingMsg::COMMAND, "ping");
    EXPECT_EQ(PongMsg::COMMAND, "pong");
    const PingMsg ping{0x0102030405060708ULL};
    EXPECT_EQ(util::HexEncode(ping.Encode()), "0807060504030201");
    const auto back = PingMsg::Decode(ping.Encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, ping);
    const PongMsg pong{UINT64_MAX};
    const auto pong_back = PongMsg::Decode(pong.Encode());
    ASSERT_TRUE(pong_back);
    EXPECT_EQ(pong_back->nonce, UINT64_MAX);
}

TEST(Ping, WrongLengths) {
    const util::Bytes seven(7, 1), nine(9, 1);
    EXPECT_EQ(PingMsg::Decode(seven).error(), WireError::Truncated);
    EXPECT_EQ(PingMsg::Decode({}).error(), WireError::Truncated);
    EXPECT_EQ(PingMsg::Decode(nine).error(), WireError::TrailingBytes);
    EXPECT_EQ(PongMsg::Decode(seven).error(), WireError::Truncated);
    EXPECT_EQ(PongMsg::Decode(nine).error(), WireError::TrailingBytes);
}

}  // namespace
}  // namespace tonari::bitcoin::wire
