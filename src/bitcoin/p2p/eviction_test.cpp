// Inbound eviction: useful peers survive a crowd of fresh connections, the crowded network
// group pays, and a small set of peers is entirely protected.
#include "bitcoin/p2p/eviction.h"

#include <gtest/gtest.h>

namespace tonari::bitcoin::p2p {
namespace {

// `n` plain peers: same group, no ping, nothing relayed, connected one second apart.
std::vector<EvictionCandidate> Plain(size_t n, uint64_t first_id = 1, int64_t first_time = 1'000'000) {
    std::vector<EvictionCandidate> out;
    for (size_t i = 0; i < n; ++i) {
        EvictionCandidate c;
        c.id = first_id + i;
        c.connected_us = first_time + static_cast<int64_t>(i) * 1'000'000;
        c.keyed_netgroup = 7;
        out.push_back(c);
    }
    return out;
}

TEST(Eviction, FewPeersAreAllProtected) {
    EXPECT_FALSE(SelectPeerToEvict({}).has_value());
    // 4 by netgroup + 8 by ping + 4 by tx + 4 by block + half of the rest by uptime.
    EXPECT_FALSE(SelectPeerToEvict(Plain(20)).has_value());
    EXPECT_TRUE(SelectPeerToEvict(Plain(40)).has_value());
}

TEST(Eviction, TheYoungestOfTheCrowdedGroupGoes) {
    auto peers = Plain(60);
    const auto victim = SelectPeerToEvict(peers);
    ASSERT_TRUE(victim.has_value());
    EXPECT_EQ(*victim, 60u);  // the newest connection
    // A larger second group arriving later: after the protections (the oldest peers, mostly
    // of the first group) it is the crowded one, and its newest member goes.
    auto more = Plain(70, 100, 100'000'000);
    for (auto& c : more) c.keyed_netgroup = 9;
    peers.insert(peers.end(), more.begin(), more.end());
    EXPECT_EQ(*SelectPeerToEvict(peers), 169u);
}

TEST(Eviction, UsefulPeersSurviveAFloodOfFreshConnections) {
    // Five honest peers: low ping, relayed blocks and transactions, and connected last, so
    // neither uptime nor the netgroup tie-break (both favour old peers) can be what saves them.
    std::vector<EvictionCandidate> peers;
    for (uint64_t i = 1; i <= 5; ++i) {
        EvictionCandidate c;
        c.id = i;
        c.connected_us = 1'000'000'000 + static_cast<int64_t>(i);
        c.min_ping_us = 1'000;
        c.last_block_us = 5'000'000 + static_cast<int64_t>(i);
        c.last_tx_us = 6'000'000 + static_cast<int64_t>(i);
        c.relays_txs = true;
        c.relevant_services = true;
        c.is_local = true;
        c.keyed_netgroup = 7;
        peers.push_back(c);
    }
    // 110 attackers from the same group, connected later, doing nothing useful.
    auto flood = Plain(110, 1000, 10'000'000);
    peers.insert(peers.end(), flood.begin(), flood.end());
    for (int round = 0; round < 50; ++round) {
        const auto victim = SelectPeerToEvict(peers);
        ASSERT_TRUE(victim.has_value());
        ASSERT_GE(*victim, 1000u) << "an honest peer was chosen";
        std::erase_if(peers, [&](const auto& c) { return c.id == *victim; });
    }
}

TEST(Eviction, EachProtectionAloneSavesANewcomer) {
    // The newest peer of a crowd is the victim, unless one characteristic protects it.
    const auto crowd = Plain(60);
    ASSERT_EQ(*SelectPeerToEvict(crowd), 60u);
    auto ping = crowd;
    ping.back().min_ping_us = 500;
    EXPECT_NE(*SelectPeerToEvict(ping), 60u);
    auto tx = crowd;
    tx.back().last_tx_us = 7;
    EXPECT_NE(*SelectPeerToEvict(tx), 60u);
    auto block = crowd;
    block.back().last_block_us = 7;
    EXPECT_NE(*SelectPeerToEvict(block), 60u);
    // Among the unprotected, a discouraged peer goes first, even an older one.
    auto discouraged = crowd;
    discouraged[45].prefer_evict = true;
    EXPECT_EQ(*SelectPeerToEvict(discouraged), 46u);
}

TEST(Eviction, ALonePeerInItsGroupIsProtected) {
    auto peers = Plain(60);
    EvictionCandidate distinct;
    distinct.id = 500;
    distinct.connected_us = 999'000'000;  // the newest of all
    distinct.keyed_netgroup = UINT64_MAX;  // sorts last: protected for diversity
    peers.push_back(distinct);
    EXPECT_NE(*SelectPeerToEvict(peers), 500u);
}

TEST(Eviction, NetGroups) {
    EXPECT_EQ(NetGroup("1.2.3.4"), NetGroup("1.2.200.100"));
    EXPECT_NE(NetGroup("1.2.3.4"), NetGroup("1.3.3.4"));
    EXPECT_EQ(NetGroup("127.0.0.1"), NetGroup("::1"));
    EXPECT_EQ(NetGroup("2001:db8:1:2::1"), NetGroup("2001:db8:ffff::2"));
    EXPECT_NE(NetGroup("2001:db8::1"), NetGroup("2001:db9::1"));
    EXPECT_NE(NetGroup("not an address"), NetGroup("1.2.3.4"));
}

}  // namespace
}  // namespace tonari::bitcoin::p2p
