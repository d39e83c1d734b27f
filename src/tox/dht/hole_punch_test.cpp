// Hole punching and LAN discovery: the NAT ping format, c-toxcore's port guessing, two friends
// behind NATs in a simulated DHT, and the discovery packet's rules.
#include <gtest/gtest.h>

#include <set>

#include "crypto/random.h"
#include "tox/dht/dht_service.h"
#include "tox/dht/dht_test_network.h"

namespace tonari::tox::dht {
namespace {

using test::TestNet;

TEST(HolePunch, NatPingsRoundTripAndAnythingElseIsRefused) {
    for (bool response : {false, true}) {
        const util::Bytes b = EncodeNatPing({.response = response, .id = 0x0102030405060708});
        ASSERT_EQ(b.size(), NAT_PING_SIZE);
        EXPECT_EQ(b[0], NAT_PING_KIND);
        auto back = DecodeNatPing(b);
        ASSERT_TRUE(back);
        EXPECT_EQ(back->response, response);
        EXPECT_EQ(back->id, 0x0102030405060708u);
    }
    util::Bytes b = EncodeNatPing({.response = false, .id = 1});
    b[1] = 2;  // neither request nor response
    EXPECT_FALSE(DecodeNatPing(b));
    b = EncodeNatPing({.response = false, .id = 1});
    b.push_back(0);
    EXPECT_FALSE(DecodeNatPing(b));
    b.resize(NAT_PING_SIZE - 1);
    EXPECT_FALSE(DecodeNatPing(b));
    b = EncodeNatPing({.response = false, .id = 1});
    b[0] = 0x9c;
    EXPECT_FALSE(DecodeNatPing(b));
}

TEST(HolePunch, TheCommonAddressNeedsEnoughAgreement) {
    const std::vector<netcore::PeerEndpoint> named{
        {"203.0.113.1", 1}, {"198.51.100.7", 2}, {"203.0.113.1", 3}, {"203.0.113.1", 4}, {"198.51.100.7", 5}};
    EXPECT_EQ(CommonAddress(named, 3), "203.0.113.1");
    EXPECT_EQ(CommonAddress(named, 2), "203.0.113.1");  // the first in list order that has enough
    EXPECT_FALSE(CommonAddress(named, 4));
    EXPECT_FALSE(CommonAddress({}, 1));
}

TEST(HolePunch, PortsAreGuessedInCToxcoresOrder) {
    // A cone NAT: every node saw the same port, so only that one is pinged.
    PunchState cone;
    EXPECT_EQ(PunchPorts({33445, 33445, 33445, 33445}, cone), std::vector<uint16_t>{33445});
    EXPECT_EQ(cone.index, 0u);
    // A symmetric NAT: guess i is named port (i/2) mod n moved by +(i/2n) for even i and
    // -(i/2n) for odd i, as c-toxcore's punch_holes computes it.
    PunchState sym;
    const std::vector<uint16_t> named{1345, 1347, 1389, 1395};
    const auto first = PunchPorts(named, sym);
    ASSERT_EQ(first.size(), MAX_PUNCHING_PORTS);
    const std::vector<uint16_t> expected_start{1345, 1345, 1347, 1347, 1389, 1389, 1395, 1395,
                                               1346, 1344, 1348, 1346, 1390, 1388, 1396, 1394};
    EXPECT_EQ(std::vector<uint16_t>(first.begin(), first.begin() + 16), expected_start);
    // The next round goes on where this one stopped: guess 48 is step 6 up from the first port.
    const auto second = PunchPorts(named, sym);
    EXPECT_EQ(second.front(), 1345 + 6);
    // Ports wrap at 65536 rather than overflowing.
    PunchState edge;
    const auto wrapped = PunchPorts({65535, 1}, edge);
    EXPECT_EQ(wrapped[4], 0);      // 65535 + 1
    EXPECT_EQ(wrapped[7], 0);      // 1 - 1
    // After MAX_NORMAL_PUNCHING_TRIES failed rounds a sweep from port 1024 joins in; each sweep
    // starts half a sweep further on.
    PunchState late;
    for (uint32_t i = 0; i <= MAX_NORMAL_PUNCHING_TRIES; ++i) EXPECT_EQ(PunchPorts({5000}, late).size(), 1u);
    const auto swept = PunchPorts({5000}, late);
    ASSERT_EQ(swept.size(), 1 + MAX_PUNCHING_PORTS);
    EXPECT_EQ(swept[1], PUNCH_SWEEP_FIRST_PORT);
    EXPECT_EQ(swept.back(), PUNCH_SWEEP_FIRST_PORT + MAX_PUNCHING_PORTS - 1);
    EXPECT_EQ(PunchPorts({5000}, late)[1], PUNCH_SWEEP_FIRST_PORT + MAX_PUNCHING_PORTS / 2);
}

// Thirty public DHT nodes; friend A behind a symmetric NAT, friend B behind a port-restricted
// cone NAT, each searching for the other. The spec's hard case: B's packets reach A only at
// the one port A's NAT opened toward B, which nobody names; B must guess it.
struct NattedFriends {
    TestNet net;
    size_t a = 0, b = 0;

    explicit NattedFriends(bool punching) {
        for (int i = 0; i < 30; ++i) net.Add("198.51.100." + std::to_string(i + 1));
        a = net.size();
        net.Add("10.0.0.2");
        b = net.size();
        net.Add("192.168.1.2");
        net.BehindNat(a, "203.0.113.10", TestNet::NatKind::SYMMETRIC);
        net.BehindNat(b, "203.0.113.20", TestNet::NatKind::PORT_RESTRICTED_CONE);
        for (size_t i = 1; i < net.size(); ++i) net[i].Bootstrap(net.Info(0), net.now);
        net[a].SetHolePunching(punching);
        net[b].SetHolePunching(punching);
        net.Run(20);
        net[a].AddSearch(net[b].SelfKey());
        net[b].AddSearch(net[a].SelfKey());
    }
    bool BothFound() { return net[a].Found(net[b].SelfKey()) && net[b].Found(net[a].SelfKey()); }
};

TEST(HolePunch, FriendsBehindSymmetricAndConeNatsMeetOnlyByPunching) {
    NattedFriends without(false);
    without.net.Run(120);
    EXPECT_FALSE(without.BothFound());
    // The close nodes do name each friend, so the failure is the NATs', not the DHT's.
    EXPECT_GE(without.net[without.b].ReturnedAddresses(without.net[without.a].SelfKey()).size(), SEARCH_LIST_SIZE / 2);

    NattedFriends with(true);
    double waited = 0;
    while (!with.BothFound() && waited < 120) {
        with.net.Run(1);
        waited += 1;
    }
    EXPECT_TRUE(with.BothFound()) << "after " << waited << " s";
    const auto sa = with.net[with.a].Stats();
    const auto sb = with.net[with.b].Stats();
    // Both sides answered the other's NAT pings; B (seeing A's ports differ) guessed ports.
    EXPECT_GE(sa.nat_pings_answered, 1u);
    EXPECT_GE(sb.nat_pings_answered, 1u);
    EXPECT_GT(sb.punch_pings, 1u);
    // Once found, nothing is left to punch.
    EXPECT_TRUE(with.net[with.a].ReturnedAddresses(with.net[with.b].SelfKey()).empty());
    // And it stays so: each checks the other directly once a minute, long past the 122 s after
    // which an unanswered node would count as lost.
    const uint64_t punched = with.net[with.b].Stats().punch_pings;
    const uint64_t punched_a = with.net[with.a].Stats().punch_pings;
    with.net.Run(300);
    EXPECT_TRUE(with.BothFound());
    EXPECT_EQ(with.net[with.b].Stats().punch_pings, punched);
    EXPECT_EQ(with.net[with.a].Stats().punch_pings, punched_a);
    std::cout << "friends behind NATs found each other after " << waited << " s; B sent " << sb.punch_pings
              << " punching pings, A " << sa.punch_pings << "\n";
}

TEST(HolePunch, NatPingsFromStrangersAreIgnored) {
    TestNet net;
    for (int i = 0; i < 3; ++i) net.Add();
    net[1].Bootstrap(net.Info(0), net.now);
    net[2].Bootstrap(net.Info(0), net.now);
    net.Run(5);
    // Node 2 is nobody's friend: its NAT ping to node 1, handed to node 1 directly, gets no answer.
    size_t answers = 0;
    net.inspect = [&](const TestNet::Datagram& d) {
        if (d.from == net.Info(1).endpoint && !d.data.empty() && d.data[0] == 0x20) ++answers;
    };
    const auto shared = *crypto::BoxSharedKeyOf(net.key_pairs[2].secret_key, net[1].SelfKey());
    const util::Bytes inner = wire::SealDhtPacket(wire::PacketKind::DHT_REQUEST, net[2].SelfKey(), shared,
                                                  EncodeNatPing({.response = false, .id = 9}));
    util::Bytes packet{0x20};
    packet.insert(packet.end(), net[1].SelfKey().span().begin(), net[1].SelfKey().span().end());
    packet.insert(packet.end(), inner.begin() + 1, inner.end());
    const uint64_t unhandled = net[1].Stats().unhandled;
    net.Inject(net.Info(2).endpoint, 1, packet);
    net.Run(1);
    EXPECT_EQ(answers, 0u);
    EXPECT_EQ(net[1].Stats().unhandled, unhandled + 1);
    EXPECT_EQ(net[1].Stats().nat_pings_answered, 0u);
}

TEST(LanDiscovery, BroadcastsGoToTheFirstPortAndTenMoreInTurn) {
    uint16_t next = 0;
    auto ports = LanDiscoveryPorts(next);
    ASSERT_EQ(ports.size(), 1u + LAN_DISCOVERY_PORTS_PER_ROUND);
    EXPECT_EQ(ports.front(), TOX_PORT_RANGE_FIRST);
    EXPECT_EQ(ports[1], TOX_PORT_RANGE_FIRST + 1);
    EXPECT_EQ(ports.back(), TOX_PORT_RANGE_FIRST + 10);
    EXPECT_EQ(LanDiscoveryPorts(next)[1], TOX_PORT_RANGE_FIRST + 11);
    // Every port of the range is reached within ten rounds; then it starts over (c-toxcore,
    // like this, never sends to the range's last port).
    std::set<uint16_t> reached;
    next = 0;
    for (int round = 0; round < 10; ++round) {
        for (uint16_t p : LanDiscoveryPorts(next)) reached.insert(p);
    }
    EXPECT_EQ(reached.size(), static_cast<size_t>(TOX_PORT_RANGE_LAST - TOX_PORT_RANGE_FIRST));
    EXPECT_EQ(LanDiscoveryPorts(next)[1], TOX_PORT_RANGE_FIRST + 1);
}

TEST(LanDiscovery, APacketFromTheLanMakesUsAskItsSenderAndNothingElseDoes) {
    TestNet net;
    net.Add("192.168.1.10");
    net.Add("192.168.1.11");
    net.Add("198.51.100.1");
    net[0].SetLanDiscovery(true);
    net[1].SetLanDiscovery(true);
    net.Run(1);
    // Our own broadcast heard back, a wrong size, and a packet from the internet: nothing sent.
    uint64_t sent = net.sent;
    net.Inject(net.Info(0).endpoint, 0, net[0].LanDiscoveryPacket());
    util::Bytes longer = net[1].LanDiscoveryPacket();
    longer.push_back(0);
    net.Inject(net.Info(1).endpoint, 0, longer);
    net.Inject(net.Info(2).endpoint, 0, net[2].LanDiscoveryPacket());
    net.Run(0.04);
    EXPECT_EQ(net.sent, sent);
    EXPECT_EQ(net[0].Stats().lan_discovered, 0u);
    EXPECT_EQ(net[0].Stats().malformed, 1u);
    // A discovery packet naming a key is not proof of it: node 0 asks, and node 1 enters its
    // close list only by answering.
    net.Inject(net.Info(1).endpoint, 0, net[1].LanDiscoveryPacket());
    net.Run(0.04);
    EXPECT_EQ(net[0].Stats().lan_discovered, 1u);
    EXPECT_TRUE(net[0].InCloseList(net[1].SelfKey()));
    // A forged packet naming a key whose owner is not at that address finds nobody.
    net.down.insert(1);
    const auto stranger = crypto::BoxGenerateKeyPair().public_key;
    util::Bytes forged{0x21};
    forged.insert(forged.end(), stranger.span().begin(), stranger.span().end());
    net.Inject(net.Info(1).endpoint, 0, forged);
    net.Run(6);
    EXPECT_FALSE(net[0].InCloseList(stranger));
    // Off (the default): refused.
    net[0].SetLanDiscovery(false);
    const uint64_t unhandled = net[0].Stats().unhandled;
    net.Inject(net.Info(1).endpoint, 0, net[1].LanDiscoveryPacket());
    net.Run(0.04);
    EXPECT_EQ(net[0].Stats().unhandled, unhandled + 1);
}

}  // namespace
}  // namespace tonari::tox::dht
