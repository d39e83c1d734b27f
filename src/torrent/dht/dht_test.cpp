// The DHT's parts and a network of them in simulated time: BEP 42's published vectors, KRPC
// round trips and BEP 5's example packets, routing-table admission and replacement, token
// rotation, peer-store bounds, and 40 nodes bootstrapping from one router, announcing and
// finding each other's peers through lookups; then the defences: a query flood from one
// source, a forged-source amplification attempt, a bad token, forged answers.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>

#include "torrent/dht/dht_node.h"
#include "torrent/dht/krpc.h"
#include "torrent/dht/node_id.h"
#include "torrent/dht/peer_store.h"
#include "torrent/dht/routing_table.h"
#include "torrent/dht/token_keeper.h"
#include "util/hex.h"

namespace tonari::torrent::dht {
namespace {

using netcore::PeerEndpoint;

RandomSource Seeded(uint32_t seed) {
    auto engine = std::make_shared<std::mt19937>(seed);
    return [engine](std::span<uint8_t> out) {
        for (auto& b : out) b = static_cast<uint8_t>((*engine)());
    };
}

NodeId IdFrom(uint8_t first, uint8_t fill = 0) {
    NodeId id{};
    id.fill(fill);
    id[0] = first;
    return id;
}

TEST(NodeId, Bep42Vectors) {
    struct Vector {
        const char* ip;
        uint8_t rand;
        const char* prefix;
    };
    const Vector vectors[] = {{"124.31.75.21", 1, "5fbfb8"},
                              {"21.75.31.124", 86, "5a3ce8"},
                              {"65.23.51.170", 22, "a5d430"},
                              {"84.124.73.14", 65, "1b0320"},
                              {"43.213.53.83", 90, "e56f68"}};
    for (const auto& v : vectors) {
        const NodeId id = NodeIdForAddress(v.ip, v.rand, Seeded(1));
        NodeId masked = id;
        masked[2] &= 0xf8;  // only the top 5 bits of the third byte come from the CRC
        EXPECT_EQ(util::HexEncode(util::ByteSpan(masked.data(), 3)), v.prefix) << v.ip;
        EXPECT_EQ(id[19], v.rand);
        EXPECT_TRUE(NodeIdMatchesAddress(id, v.ip));
        NodeId wrong = id;
        wrong[0] ^= 0x01;
        EXPECT_FALSE(NodeIdMatchesAddress(wrong, v.ip));
    }
    // Local addresses are exempt.
    EXPECT_TRUE(NodeIdMatchesAddress(IdFrom(0x12), "127.0.0.1"));
    EXPECT_TRUE(NodeIdMatchesAddress(IdFrom(0x12), "192.168.1.9"));
    EXPECT_TRUE(NodeIdMatchesAddress(IdFrom(0x12), "::1"));
    EXPECT_FALSE(NodeIdMatchesAddress(IdFrom(0x12), "8.8.8.8"));
}

TEST(NodeId, DistanceAndBuckets) {
    const NodeId target = IdFrom(0x00);
    EXPECT_TRUE(Closer(target, IdFrom(0x01), IdFrom(0x02)));
    EXPECT_FALSE(Closer(target, IdFrom(0x02), IdFrom(0x02)));
    EXPECT_EQ(CommonPrefixBits(IdFrom(0x80), IdFrom(0x00)), 0);
    EXPECT_EQ(CommonPrefixBits(IdFrom(0x01), IdFrom(0x00)), 7);
    EXPECT_EQ(CommonPrefixBits(target, target), 160);
    const auto random = Seeded(3);
    for (int bits : {0, 5, 8, 77, 159}) {
        EXPECT_EQ(CommonPrefixBits(RandomIdInBucket(target, bits, random), target), bits);
    }
}

TEST(Krpc, Bep5ExamplesDecode) {
    auto ping = DecodeMessage(util::AsBytes("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"));
    ASSERT_TRUE(ping) << ping.error();
    const auto& q = std::get<Query>(*ping);
    EXPECT_EQ(q.method, Method::Ping);
    EXPECT_EQ(q.transaction, "aa");
    auto announce = DecodeMessage(util::AsBytes(
        "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:"
        "aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"));
    ASSERT_TRUE(announce) << announce.error();
    const auto& a = std::get<Query>(*announce);
    EXPECT_EQ(a.method, Method::AnnouncePeer);
    EXPECT_TRUE(a.implied_port);
    EXPECT_EQ(a.port, 6881);
    EXPECT_EQ(a.token, "aoeusnth");
    auto values = DecodeMessage(util::AsBytes(
        "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"));
    ASSERT_TRUE(values) << values.error();
    const auto& r = std::get<Response>(*values);
    ASSERT_EQ(r.values.size(), 2u);
    EXPECT_EQ(r.values[0].address, "97.120.106.101");
    EXPECT_EQ(r.values[0].port, 0x2e75);
    auto error = DecodeMessage(util::AsBytes("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
    ASSERT_TRUE(error);
    EXPECT_EQ(std::get<ErrorMessage>(*error).code, 201);
    for (const char* bad : {"", "de", "d1:t2:aa1:y1:qe", "d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", "i5e",
                            "d1:ad2:id20:abcdefghij0123456789e1:q9:find_node1:t2:aa1:y1:qe"}) {
        EXPECT_FALSE(DecodeMessage(util::AsBytes(bad))) << bad;
    }
}

TEST(Krpc, RoundTrips) {
    Response r;
    r.transaction = "xy";
    r.id = IdFrom(7);
    r.nodes = {{IdFrom(1), {"10.0.0.1", 1000}}, {IdFrom(2), {"::1", 2000}}};
    r.values = {{"10.0.0.9", 6881}, {"2001:db8::5", 51413}};
    r.token = "tok";
    auto decoded = DecodeMessage(util::AsBytes(EncodeResponse(r, PeerEndpoint{"10.1.2.3", 4444})));
    ASSERT_TRUE(decoded) << decoded.error();
    const auto& back = std::get<Response>(*decoded);
    EXPECT_EQ(back.nodes, r.nodes);
    EXPECT_EQ(back.values, r.values);
    EXPECT_EQ(back.token, r.token);
    ASSERT_TRUE(back.external);
    EXPECT_EQ(back.external->address, "10.1.2.3");
    Query q;
    q.transaction = "q1";
    q.method = Method::AnnouncePeer;
    q.id = IdFrom(9);
    q.info_hash = IdFrom(3);
    q.port = 6881;
    q.token = "t";
    q.seed = true;
    auto dq = DecodeMessage(util::AsBytes(EncodeQuery(q)));
    ASSERT_TRUE(dq);
    EXPECT_EQ(std::get<Query>(*dq).info_hash, q.info_hash);
    EXPECT_TRUE(std::get<Query>(*dq).seed);
}

TEST(RoutingTable, BucketsFillReplaceAndRefuseBadIds) {
    RoutingTable table(IdFrom(0x00));
    // Twelve nodes in the far bucket (first bit differs): K stay, the rest wait.
    for (uint8_t i = 0; i < 12; ++i) {
        const bool in = table.Heard({IdFrom(0x80, i), {"10.0.0.1", static_cast<uint16_t>(1000 + i)}}, true, 1);
        EXPECT_EQ(in, i < K);
    }
    EXPECT_EQ(table.Size(), K);
    // A node failing twice is replaced from the cache.
    table.Failed({"10.0.0.1", 1000});
    table.Failed({"10.0.0.1", 1000});
    EXPECT_EQ(table.Size(), K);
    const auto all = table.All();
    EXPECT_TRUE(std::none_of(all.begin(), all.end(), [](const NodeInfo& n) { return n.endpoint.port == 1000; }));
    // A public address needs a BEP 42 id, and one node per IP.
    RoutingTable fresh(IdFrom(0x00));
    EXPECT_FALSE(fresh.Heard({IdFrom(0x40), {"8.8.8.8", 1}}, true, 1));
    const NodeId good = NodeIdForAddress("8.8.8.8", 5, Seeded(2));
    EXPECT_TRUE(fresh.Heard({good, {"8.8.8.8", 1}}, true, 1));
    EXPECT_FALSE(fresh.Heard({NodeIdForAddress("8.8.8.8", 6, Seeded(3)), {"8.8.8.8", 2}}, true, 1));
    EXPECT_EQ(fresh.Size(), 1u);
    // Closest orders by XOR distance.
    const auto closest = table.Closest(IdFrom(0x80, 3), 3);
    ASSERT_EQ(closest.size(), 3u);
    EXPECT_EQ(closest[0].id, IdFrom(0x80, 3));
}

TEST(TokenKeeper, RotatesAndAcceptsThePrevious) {
    TokenKeeper keeper(Seeded(4));
    const std::string token = keeper.Make("10.0.0.1", 0);
    EXPECT_EQ(token.size(), TOKEN_SIZE);
    EXPECT_TRUE(keeper.Check(token, "10.0.0.1", 1));
    EXPECT_FALSE(keeper.Check(token, "10.0.0.2", 1));
    EXPECT_TRUE(keeper.Check(token, "10.0.0.1", TOKEN_ROTATION_US + 1));
    EXPECT_FALSE(keeper.Check(token, "10.0.0.1", 2 * TOKEN_ROTATION_US + 2));
}

TEST(PeerStore, BoundsAndExpiry) {
    PeerStore store;
    const NodeId hash = IdFrom(1);
    for (uint32_t i = 0; i < MAX_PEERS_PER_TORRENT + 10; ++i) {
        store.Add(hash, {"10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), 1}, false, 0);
    }
    EXPECT_EQ(store.PeerCount(), MAX_PEERS_PER_TORRENT);
    EXPECT_EQ(store.Get(hash, false, 50, Seeded(1)).size(), 50u);
    EXPECT_TRUE(store.Get(hash, true, 50, Seeded(1)).empty());
    for (uint32_t i = 0; i < MAX_STORED_TORRENTS + 5; ++i) {
        NodeId h{};
        h[0] = static_cast<uint8_t>(i >> 8);
        h[1] = static_cast<uint8_t>(i);
        h[2] = 0x77;
        store.Add(h, {"10.9.9.9", 1}, false, 10);
    }
    EXPECT_EQ(store.TorrentCount(), MAX_STORED_TORRENTS);
    store.Expire(PEER_TTL_US + 20);
    EXPECT_EQ(store.TorrentCount(), 0u);
    EXPECT_EQ(store.PeerCount(), 0u);
    // A public IP holds one entry per swarm however many ports it announces.
    for (uint16_t port = 1; port <= 20; ++port) store.Add(hash, {"8.8.8.8", port}, false, 0);
    const auto one = store.Get(hash, false, 50, Seeded(1));
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].port, 20);
}

// Nodes on a simulated network: every datagram is queued and delivered in order, time moves
// in 100 ms ticks.
class SimNet {
public:
    DhtNode& Add(const PeerEndpoint& at, uint32_t seed) {
        auto random = Seeded(seed);
        NodeId id{};
        random(id);
        auto node = std::make_unique<DhtNode>(
            id, [this, at](const PeerEndpoint& to, std::string data) { queue.push_back({at, to, std::move(data)}); },
            random);
        DhtNode& ref = *node;
        nodes[at.ToString()] = std::move(node);
        return ref;
    }
    void Deliver() {
        while (!queue.empty()) {
            auto [from, to, data] = std::move(queue.front());
            queue.pop_front();
            ++delivered;
            if (auto it = nodes.find(to.ToString()); it != nodes.end()) {
                it->second->OnPacket(from, util::AsBytes(data), now);
            } else {
                outside.push_back({from, to, data});
            }
        }
    }
    void Run(int64_t duration_us) {
        const int64_t end = now + duration_us;
        while (now < end) {
            Deliver();
            now += 100'000;
            for (auto& [k, n] : nodes) n->Tick(now);
        }
        Deliver();
    }
    struct Packet {
        PeerEndpoint from, to;
        std::string data;
    };
    std::map<std::string, std::unique_ptr<DhtNode>> nodes;
    std::deque<Packet> queue;
    std::vector<Packet> outside;  // sent to nobody we simulate (an attacker's address)
    int64_t now = 1'000'000;
    uint64_t delivered = 0;
};

PeerEndpoint Ep(int i) { return {"10.0." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1), 6881}; }

TEST(DhtNetwork, FortyNodesBootstrapAnnounceAndFindPeers) {
    SimNet net;
    const PeerEndpoint router = Ep(0);
    net.Add(router, 100);
    for (int i = 1; i < 40; ++i) net.Add(Ep(i), 100 + i).AddRouter(router);
    net.Run(60'000'000);
    for (const auto& [k, n] : net.nodes) EXPECT_GE(n->Stats().nodes, 5u) << k;

    const NodeId info_hash = IdFrom(0x5a, 0x11);
    bool announced = false;
    net.nodes[Ep(7).ToString()]->GetPeers(info_hash, 51413, true, {}, [&](size_t, size_t answered) {
        announced = answered > 0;
    }, net.now);
    net.Run(10'000'000);
    ASSERT_TRUE(announced);
    size_t stored = 0;
    for (const auto& [k, n] : net.nodes) stored += n->Stats().stored_peers;
    EXPECT_GE(stored, 3u) << "the announce reached several of the closest nodes";

    std::vector<PeerEndpoint> found;
    bool done = false;
    net.nodes[Ep(33).ToString()]->GetPeers(info_hash, 0, false,
        [&](const std::vector<PeerEndpoint>& peers) { found.insert(found.end(), peers.begin(), peers.end()); },
        [&](size_t, size_t) { done = true; }, net.now);
    net.Run(10'000'000);
    EXPECT_TRUE(done);
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found[0], (PeerEndpoint{Ep(7).address, 51413}));
}

std::string GetPeersQuery(const std::string& t, const NodeId& from, const NodeId& hash) {
    Query q;
    q.transaction = t;
    q.method = Method::GetPeers;
    q.id = from;
    q.info_hash = hash;
    return EncodeQuery(q);
}

TEST(DhtNetwork, FloodsForgedSourcesAndBadTokensAreBounded) {
    SimNet net;
    DhtNode& victim = net.Add({"10.0.0.1", 6881}, 1);
    const NodeId hash = IdFrom(0x33);
    // Fill the store so get_peers answers could be large.
    for (int i = 0; i < 100; ++i) {
        // Each fake announcer first gets a token the honest way.
        const PeerEndpoint announcer{"10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1), 7000};
        victim.OnPacket(announcer, util::AsBytes(GetPeersQuery("g", IdFrom(0x44, static_cast<uint8_t>(i)), hash)), net.now);
        net.Deliver();
        auto answer = DecodeMessage(util::AsBytes(net.outside.back().data));
        ASSERT_TRUE(answer);
        Query a;
        a.transaction = "a";
        a.method = Method::AnnouncePeer;
        a.id = IdFrom(0x44, static_cast<uint8_t>(i));
        a.info_hash = hash;
        a.port = 7000;
        a.token = *std::get<Response>(*answer).token;
        victim.OnPacket(announcer, util::AsBytes(EncodeQuery(a)), net.now);
        net.Deliver();
        net.now += 1'000'000;  // stay under the per-source and global limits
    }
    EXPECT_EQ(victim.Stats().stored_peers, 100u);

    // Amplification: a forged source's small query gets at most 4x its size back.
    net.outside.clear();
    const std::string query = GetPeersQuery("zz", IdFrom(0x55), hash);
    victim.OnPacket({"192.0.2.1", 53}, util::AsBytes(query), net.now);
    net.Deliver();
    ASSERT_EQ(net.outside.size(), 1u);
    EXPECT_LE(net.outside[0].data.size(), AMPLIFICATION_FACTOR * query.size());
    EXPECT_TRUE(std::get<Response>(*DecodeMessage(util::AsBytes(net.outside[0].data))).token.has_value());

    // A flood from one source: answered up to its burst and rate, then dropped.
    net.outside.clear();
    for (int i = 0; i < 5000; ++i) victim.OnPacket({"192.0.2.2", 1000}, util::AsBytes(query), net.now);
    net.Deliver();
    EXPECT_LE(net.outside.size(), static_cast<size_t>(QUERY_BURST_PER_SOURCE) + 1);
    EXPECT_GE(victim.Stats().rate_limited, 4800u);

    // Many forged sources: the global budget caps the answers.
    net.now += 10'000'000;
    net.outside.clear();
    for (int i = 0; i < 5000; ++i) {
        victim.OnPacket({"198.51." + std::to_string(i / 250) + "." + std::to_string(i % 250), 1}, util::AsBytes(query), net.now);
    }
    net.Deliver();
    EXPECT_LE(net.outside.size(), static_cast<size_t>(ANSWERS_PER_S) + 1);

    // A bad token is refused with an error and stores nothing.
    net.now += 10'000'000;
    net.outside.clear();
    Query bad;
    bad.transaction = "b";
    bad.method = Method::AnnouncePeer;
    bad.id = IdFrom(0x66);
    bad.info_hash = hash;
    bad.port = 1;
    bad.token = "forged";
    victim.OnPacket({"10.2.0.1", 1}, util::AsBytes(EncodeQuery(bad)), net.now);
    net.Deliver();
    EXPECT_EQ(victim.Stats().stored_peers, 100u);
    EXPECT_EQ(victim.Stats().bad_tokens, 1u);
    ASSERT_EQ(net.outside.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<ErrorMessage>(*DecodeMessage(util::AsBytes(net.outside[0].data))));

    // Garbage is counted and ignored.
    victim.OnPacket({"10.2.0.2", 1}, util::AsBytes("not bencode"), net.now);
    EXPECT_EQ(victim.Stats().malformed, 1u);
}

TEST(DhtNetwork, AnswersFromElsewhereAreIgnored) {
    SimNet net;
    DhtNode& a = net.Add({"10.0.0.1", 1}, 1);
    a.AddNode({"10.0.0.2", 2}, net.now);  // a ping to nobody we simulate
    net.Deliver();
    ASSERT_EQ(net.outside.size(), 1u);
    auto ping = DecodeMessage(util::AsBytes(net.outside[0].data));
    ASSERT_TRUE(ping);
    Response forged;
    forged.transaction = std::get<Query>(*ping).transaction;
    forged.id = IdFrom(0x99);
    a.OnPacket({"10.0.0.3", 2}, util::AsBytes(EncodeResponse(forged)), net.now);  // wrong source
    EXPECT_EQ(a.Stats().nodes, 0u);
    a.OnPacket({"10.0.0.2", 2}, util::AsBytes(EncodeResponse(forged)), net.now);  // the right one
    EXPECT_EQ(a.Stats().nodes, 1u);
}

}  // namespace
}  // namespace tonari::torrent::dht
