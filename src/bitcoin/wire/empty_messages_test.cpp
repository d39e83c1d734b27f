// Tests for the payload-less messages: empty encoding, commands, and rejection of extra bytes.
#include <gtest/gtest.h>

#include "bitcoin/wire/empty_messages.h"

namespace tonari::bitcoin::wire {
namespace {

template <typename Msg>
void CheckEmptyMessage(std::string_view command) {
    EXPECT_EQ(Msg::COMMAND, command);
    EXPECT_TRUE(Msg{}.Encode().empty());
    const auto ok = Msg::Decode({});
    ASSERT_TRUE(ok) << command;
    EXPECT_EQ(*ok, Msg{});
    const util::Bytes extra = {0};
    const auto bad = Msg::Decode(extra);
    ASSERT_FALSE(bad) << command;
    EXPECT_EQ(bad.error(), WireError::TrailingBytes);
}

TEST(EmptyMessages, AllOfThem) {
    CheckEmptyMessage<VerackMsg>("verack");
    CheckEmptyMessage<SendHeadersMsg>("sendheaders");
    CheckEmptyMessage<GetAddrMsg>("getaddr");
    CheckEmptyMessage<WtxidRelayMsg>("wtxidrelay");
    CheckEmptyMessage<SendAddrV2Msg>("sendaddrv2");
    CheckEmptyMessage<MempoolMsg>("mempool");
}

}  // namespace
}  // namespace tonari::bitcoin::wire
