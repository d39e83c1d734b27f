// Tests for the swarm's status JSON: its fields, and its byte budget against hostile clients.
#include "torrent/peer/swarm_status.h"

#include <gtest/gtest.h>

namespace tonari::torrent::peer {
namespace {

SwarmSnapshot Hostile(size_t peers) {
    SwarmSnapshot s;
    s.stats.pieces_total = 8;
    s.stats.pieces_have = 2;
    s.have = {true, true, false, false, false, false, false, false};
    for (size_t i = 0; i < peers; ++i) {
        PeerView v;
        v.address = "192.0.2." + std::to_string(i % 250) + ":6881";
        v.peer_id_hex = std::string(40, 'a');
        v.client = std::string(64, '\x01');  // control bytes: escaped six-fold, or dropped
        v.uploaded = i;  // the last ones the busiest
        s.peers.push_back(v);
        s.totals.push_back(PeerTotals{.peer_id_hex = std::string(40, 'b'), .address = v.address, .uploaded = 1000 - i});
    }
    return s;
}

TEST(SwarmStatus, GivesTheCountsMapAndLists) {
    SwarmSnapshot s = Hostile(3);
    const util::Json j = SwarmStatusJson(s);
    EXPECT_EQ(j.Find("pieces_have")->GetInt64(), 2);
    EXPECT_EQ(j.Find("map")->GetString(), "ff000000");
    EXPECT_EQ(j.Find("peer_count")->GetInt64(), 3);
    const auto& peers = j.Find("peers")->GetArray();
    ASSERT_EQ(peers.size(), 3u);
    EXPECT_EQ(peers[0].Find("uploaded")->GetInt64(), 2);  // busiest first
    EXPECT_EQ(peers[0].Find("client")->GetString(), "");  // control characters dropped
    EXPECT_EQ(j.Find("traded")->GetArray().size(), 3u);
}

TEST(SwarmStatus, StaysUnderItsBudgetWhateverThePeers) {
    const SwarmSnapshot s = Hostile(2000);
    const util::Json j = SwarmStatusJson(s);
    EXPECT_LE(j.Dump().size(), MAX_STATUS_BYTES);
    EXPECT_EQ(j.Find("peer_count")->GetInt64(), 2000);  // the count covers all
    const auto& peers = j.Find("peers")->GetArray();
    ASSERT_FALSE(peers.empty());
    EXPECT_LE(peers.size(), MAX_STATUS_PEERS);
    EXPECT_EQ(peers[0].Find("uploaded")->GetInt64(), 1999);  // the busiest kept
    // A small budget halves the lists until they fit, down to none.
    const util::Json tight = SwarmStatusJson(s, 1000);
    EXPECT_LE(tight.Find("peers")->GetArray().size(), 2u);
    EXPECT_TRUE(SwarmStatusJson(s, 10).Find("peers")->GetArray().empty());
}

}  // namespace
}  // namespace tonari::torrent::peer
