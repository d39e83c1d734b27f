// ut_pex (BEP 11) messages, and peers meeting through the exchange in a simulated swarm.
#include "torrent/peer/ut_pex.h"

#include <gtest/gtest.h>

namespace tonari::torrent::peer {
namespace {

TEST(UtPex, RoundTripsBothFamilies) {
    PexMessage m;
    m.added = {{"10.0.0.1", 6881}, {"::1", 51413}};
    m.dropped = {{"192.0.2.9", 80}};
    const util::Bytes bytes = EncodePex(m);
    const std::string text(bytes.begin(), bytes.end());
    EXPECT_NE(text.find("5:added6:"), std::string::npos) << text;   // one IPv4 peer, 6 bytes
    EXPECT_NE(text.find("6:added618:"), std::string::npos) << text; // one IPv6 peer, 18 bytes
    auto back = DecodePex(bytes);
    ASSERT_TRUE(back) << back.error();
    ASSERT_EQ(back->added.size(), 2u);
    EXPECT_EQ(back->added[0].ToString(), "10.0.0.1:6881");
    EXPECT_EQ(back->added[1].ToString(), "[::1]:51413");
    ASSERT_EQ(back->dropped.size(), 1u);
    EXPECT_EQ(back->dropped[0].ToString(), "192.0.2.9:80");
}

TEST(UtPex, FloodsAndJunkAreBounded) {
    std::string many;
    for (int i = 0; i < 300; ++i) many += std::string("\x0a\x00\x00\x01\x1a\xe1", 6);
    const std::string body = "d5:added" + std::to_string(many.size()) + ":" + many + "e";
    auto m = DecodePex(util::AsBytes(body));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->added.size(), MAX_PEX_PEERS);
    EXPECT_FALSE(DecodePex(util::AsBytes(std::string("not bencode"))));
    EXPECT_FALSE(DecodePex(util::AsBytes(std::string(MAX_PEX_MESSAGE + 1, 'x'))));
    auto empty = DecodePex(util::AsBytes(std::string("de")));
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->added.empty());
}

}  // namespace
}  // namespace tonari::torrent::peer
