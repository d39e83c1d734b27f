// The DHT node logic over an in-process network with a simulated clock: a network forms from
// one bootstrap node, searches find their targets, and hostile input changes nothing.
#include <gtest/gtest.h>

#include <map>

#include "tox/dht/dht_node.h"
#include "tox/dht/dht_test_network.h"
#include "util/byte_writer.h"

namespace tonari::tox::dht {
namespace {

using test::TestNet;

PublicKey KeyWithFirstByte(uint8_t b) {
    PublicKey k;
    k.data()[0] = b;
    return k;
}

TEST(ClientList, BucketIndexAndDistanceFollowTheSpec) {
    const PublicKey base = KeyWithFirstByte(0x80);
    EXPECT_EQ(BucketIndex(base, KeyWithFirstByte(0x40)), 0);
    EXPECT_EQ(BucketIndex(base, KeyWithFirstByte(0xc0)), 1);
    PublicKey last = base;
    last.data()[31] ^= 1;
    EXPECT_EQ(BucketIndex(base, last), 255);
    EXPECT_FALSE(BucketIndex(base, base));
    EXPECT_TRUE(Closer(base, KeyWithFirstByte(0x81), KeyWithFirstByte(0x00)));
    EXPECT_FALSE(Closer(base, KeyWithFirstByte(0x00), KeyWithFirstByte(0x81)));
}

TEST(ClientList, KeepsTheClosestSortedAndPrefersOverwritingBadNodes) {
    const PublicKey base = KeyWithFirstByte(0x00);
    ClientList list(base, 3);
    auto node = [](uint8_t b) { return NodeInfo{.tcp = false, .endpoint = {"127.0.0.1", 1}, .public_key = KeyWithFirstByte(b)}; };
    EXPECT_TRUE(list.Add(node(0x40), 0, true));
    EXPECT_TRUE(list.Add(node(0x10), 0, true));
    EXPECT_TRUE(list.Add(node(0x80), 0, true));
    EXPECT_EQ(list.Clients().front().node.public_key, KeyWithFirstByte(0x10));
    EXPECT_EQ(list.Clients().back().node.public_key, KeyWithFirstByte(0x80));
    // Full: a further node does not get in; a closer one takes the furthest place.
    EXPECT_FALSE(list.Add(node(0xf0), 1, true));
    EXPECT_TRUE(list.Add(node(0x20), 1, true));
    EXPECT_FALSE(list.Contains(KeyWithFirstByte(0x80)));
    // Once members have gone silent, anyone may overwrite them.
    const int64_t later = BAD_NODE_TIMEOUT_US + 10;
    EXPECT_TRUE(list.Viable(KeyWithFirstByte(0xf0), later, false));
    EXPECT_TRUE(list.Add(node(0xf0), later, false));
    EXPECT_EQ(list.Clients().size(), 3u);
    list.DropDead(KILL_NODE_TIMEOUT_US + 5);
    EXPECT_EQ(list.Clients().size(), 1u);
    EXPECT_FALSE(list.Add(node(0x00), later, true));  // never the base itself
}

TEST(DhtNode, ThirtyNodesFromOneBootstrapNodeFillTheirCloseLists) {
    TestNet net;
    for (int i = 0; i < 30; ++i) net.Add();
    for (size_t i = 1; i < net.size(); ++i) net[i].Bootstrap(net.Info(0), net.now);
    net.Run(90);
    for (size_t i = 0; i < net.size(); ++i) {
        const auto s = net[i].Stats();
        EXPECT_GE(s.good_close_nodes, 8u) << "node " << i;
        EXPECT_EQ(s.malformed, 0u);
        EXPECT_EQ(s.undecryptable, 0u);
    }
    // Each node knows the nodes closest to it among all 30: the DHT's self-organisation.
    for (size_t i = 0; i < net.size(); ++i) {
        std::vector<PublicKey> others;
        for (size_t j = 0; j < net.size(); ++j) {
            if (j != i) others.push_back(net[j].SelfKey());
        }
        std::sort(others.begin(), others.end(),
                  [&](const PublicKey& a, const PublicKey& b) { return Closer(net[i].SelfKey(), a, b); });
        for (size_t c = 0; c < 2; ++c) EXPECT_TRUE(net[i].InCloseList(others[c])) << "node " << i << " closest " << c;
    }
}

TEST(DhtNode, SearchFindsTheTargetAndDhtRequestsReachItThroughItsNeighbours) {
    TestNet net;
    for (int i = 0; i < 20; ++i) net.Add();
    for (size_t i = 1; i < net.size(); ++i) net[i].Bootstrap(net.Info(0), net.now);
    net.Run(60);
    ASSERT_TRUE(net[3].AddSearch(net[17].SelfKey()));
    net.Run(10);
    auto found = net[3].Found(net[17].SelfKey());
    ASSERT_TRUE(found);
    EXPECT_EQ(found->endpoint, net.Info(17).endpoint);

    util::Bytes got;
    PublicKey from;
    net[17].SetDhtRequestHandler([&](const netcore::PeerEndpoint&, const PublicKey& sender, util::ByteSpan plain, int64_t) {
        from = sender;
        got.assign(plain.begin(), plain.end());
    });
    // A payload the layers above own (a DHT public key packet's kind byte first).
    const util::Bytes payload = {0x9c, 0x00, 1, 2, 3, 4, 5, 6, 7, 8};
    ASSERT_TRUE(net[3].SendDhtRequest(net[17].SelfKey(), payload));
    net.Run(1);
    EXPECT_EQ(got, payload);
    EXPECT_EQ(from, net[3].SelfKey());
    uint64_t forwarded = 0;
    for (size_t i = 0; i < net.size(); ++i) forwarded += net[i].Stats().forwarded;
    EXPECT_GE(forwarded, 1u);
}

TEST(DhtNode, DeadNodesLeaveTheCloseListsAndTheRestCarryOn) {
    TestNet net;
    for (int i = 0; i < 12; ++i) net.Add();
    for (size_t i = 1; i < net.size(); ++i) net[i].Bootstrap(net.Info(0), net.now);
    net.Run(20);
    size_t knowing = 0;
    for (size_t i = 0; i < net.size(); ++i) knowing += net[i].InCloseList(net[5].SelfKey()) ? 1 : 0;
    ASSERT_GE(knowing, 3u);
    const uint64_t before = net.sent;
    net.down.insert(5);
    net.Run(200);
    for (size_t i = 0; i < net.size(); ++i) {
        if (i == 5) continue;
        EXPECT_FALSE(net[i].InCloseList(net[5].SelfKey())) << "node " << i;
        EXPECT_GE(net[i].Stats().good_close_nodes, 6u) << "node " << i;
    }
    // Idle upkeep is cheap: about a packet per node per second, not a storm of retries.
    EXPECT_LT(net.sent - before, 11u * 200 * 2);
}

TEST(DhtNode, ForgedRepliedAndRepliedTwiceResponsesAreIgnored) {
    TestNet net;
    for (int i = 0; i < 3; ++i) net.Add();
    std::vector<TestNet::Datagram> responses;
    net.inspect = [&](const TestNet::Datagram& d) {
        if (!d.data.empty() && d.data[0] == 0x04 && d.to == net.Info(1).endpoint) responses.push_back(d);
    };
    net[1].Bootstrap(net.Info(0), net.now);
    net.Run(1);
    ASSERT_FALSE(responses.empty());
    const auto before = net[1].Stats();
    // A reply replayed: its request id was spent.
    net.Inject(responses[0].from, 1, responses[0].data);
    // A reply sent from an address the request did not go to.
    net.Inject({"127.0.0.9", 9}, 1, responses[0].data);
    // A nodes response from a stranger, sealed correctly but answering nothing.
    const auto stranger = crypto::BoxGenerateKeyPair();
    const auto key = *crypto::BoxSharedKeyOf(stranger.secret_key, net[1].SelfKey());
    wire::NodesResponsePayload fake;
    fake.request_id = 42;
    fake.nodes.push_back(net.Info(2));
    net.Inject({"127.0.0.8", 8}, 1,
               wire::SealDhtPacket(wire::PacketKind::NODES_RESPONSE, stranger.public_key, key, EncodeNodesResponse(fake)));
    net.Run(0.1);
    const auto after = net[1].Stats();
    EXPECT_EQ(after.unsolicited, before.unsolicited + 3);
    EXPECT_FALSE(net[1].InCloseList(stranger.public_key));
}

// Node 0 is played by hand: node 1's request to it is answered with a forged (but correctly
// sealed) response naming nodes of the test's choosing.
struct HandPlayed {
    TestNet net;
    std::vector<TestNet::Datagram> to_zero;
    size_t to_named = 0;

    HandPlayed() {
        for (int i = 0; i < 2; ++i) net.Add();
        net.down.insert(0);
        net.inspect = [this](const TestNet::Datagram& d) {
            if (d.to == net.Info(0).endpoint && !d.data.empty() && d.data[0] == 0x02) to_zero.push_back(d);
            if (d.to.address == "127.0.9.9") ++to_named;
        };
        net[1].Bootstrap(net.Info(0), net.now);
        net.Run(0.01);
    }
    // Answers node 1's first request to node 0 with `nodes`.
    void Answer(const std::vector<NodeInfo>& nodes) {
        const auto shared = *crypto::BoxSharedKeyOf(net.key_pairs[0].secret_key, net[1].SelfKey());
        auto view = *wire::ParseDhtPacket(to_zero.at(0).data);
        auto request = *wire::DecodeNodesRequest(*crypto::BoxOpen(shared, view.nonce, view.sealed));
        util::ByteWriter plain;
        plain.WriteU8(static_cast<uint8_t>(nodes.size()));
        for (const auto& n : nodes) wire::PackNode(n, plain);
        plain.WriteU64LE(request.request_id);
        net.Inject(net.Info(0).endpoint, 1,
                   wire::SealDhtPacket(wire::PacketKind::NODES_RESPONSE, net[0].SelfKey(), shared, plain.data()));
        net.Run(0.01);
    }
};

TEST(DhtNode, ANodesResponseMakesAtMostOneRequestPerNodeNamed) {
    HandPlayed h;
    // Four nodes, each of which would fit the close list and both random searches.
    std::vector<NodeInfo> named;
    for (int i = 0; i < 4; ++i) {
        named.push_back({.tcp = false, .endpoint = {"127.0.9.9", static_cast<uint16_t>(100 + i)},
                         .public_key = crypto::BoxGenerateKeyPair().public_key});
    }
    h.Answer(named);
    EXPECT_TRUE(h.net[1].InCloseList(h.net[0].SelfKey()));
    EXPECT_EQ(h.to_named, MAX_REQUESTS_PER_RESPONSE);
}

TEST(DhtNode, ANodesResponseNamingTcpRelaysIsRefusedWhole) {
    HandPlayed h;
    h.Answer({{.tcp = true, .endpoint = {"127.0.9.9", 443}, .public_key = crypto::BoxGenerateKeyPair().public_key}});
    EXPECT_FALSE(h.net[1].InCloseList(h.net[0].SelfKey()));
    EXPECT_EQ(h.to_named, 0u);
    EXPECT_GE(h.net[1].Stats().malformed, 1u);
}

TEST(DhtNode, GarbageAndFloodsStayBounded) {
    TestNet net;
    for (int i = 0; i < 2; ++i) net.Add();
    net[1].Bootstrap(net.Info(0), net.now);
    net.Run(1);
    // Every packet kind at every interesting length, random bytes, each from its own address:
    // every one is refused and counted, none is answered.
    std::mt19937 rng(7);
    uint16_t port = 20000;
    size_t junk = 0;
    size_t replies_to_junk = 0;
    net.inspect = [&](const TestNet::Datagram& d) { replies_to_junk += d.to.address == "127.0.0.7" ? 1 : 0; };
    for (int kind = 0; kind < 256; kind += 1) {
        for (size_t len : {1u, 2u, 57u, 72u, 73u, 82u, 113u, 200u, 600u}) {
            util::Bytes d(len);
            for (auto& b : d) b = static_cast<uint8_t>(rng());
            d[0] = static_cast<uint8_t>(kind);
            net.Inject({"127.0.0.7", port++}, 0, d);
            ++junk;
        }
    }
    net.Run(0.04);
    auto s = net[0].Stats();
    EXPECT_EQ(s.malformed + s.undecryptable + s.unhandled, junk);
    EXPECT_EQ(replies_to_junk, 0u);
    // One address sending fast is cut off past its burst.
    for (int i = 0; i < 1000; ++i) net.Inject({"127.0.0.6", 6}, 0, util::Bytes{0x00, 1, 2});
    net.Run(0.04);
    EXPECT_EQ(net[0].Stats().rate_limited, 1000 - static_cast<uint64_t>(PACKETS_PER_SOURCE_BURST));
    // A flood of pings from 10,000 fresh keys: answered, but the to-ping queue, the pending
    // requests and the shared-key cache stay within their caps.
    for (int i = 0; i < 10'000; ++i) {
        const auto k = crypto::BoxGenerateKeyPair();
        const auto shared = *crypto::BoxSharedKeyOf(k.secret_key, net[0].SelfKey());
        net.Inject({"127.0.1." + std::to_string(i % 250 + 1), static_cast<uint16_t>(1000 + i)}, 0,
                   wire::SealDhtPacket(wire::PacketKind::PING_REQUEST, k.public_key, shared,
                                       wire::EncodePing({.response = false, .request_id = static_cast<uint64_t>(i)})));
    }
    net.Run(3);
    s = net[0].Stats();
    EXPECT_LE(s.pending_requests, MAX_PENDING_REQUESTS);
    EXPECT_LE(s.close_nodes, 256 * BUCKET_SIZE);
    // The honest peer is still known and answering.
    EXPECT_TRUE(net[0].InCloseList(net[1].SelfKey()));
}

}  // namespace
}  // namespace tonari::tox::dht
