// Swarm, deterministically: two or three swarms joined by an in-memory PeerNetwork that hands
// every frame to the other side in order, on a simulated clock, with their data in MemoryEnvs.
// A download completes byte for byte; a peer that sends bad data is banned and the download
// still completes from the honest one; a peer's BEP 10 request limit is kept; a silent peer
// is dropped. A v2 magnet's metadata and piece layers (BEP 52 hash requests) come from a
// seeding swarm, and the download that follows checks every piece with them.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <functional>

#include "crypto/sha256.h"
#include "storage/memory_env.h"
#include "torrent/peer/metadata_fetcher.h"
#include "torrent/peer/swarm.h"
#include "torrent/storage/test_torrent.h"

namespace tonari::torrent::peer {
namespace {

using bencode::Value;

struct Torrent {
    std::string data;
    metainfo::Metainfo meta;
};

Torrent MakeTorrent(size_t size, int64_t piece_length) {
    Torrent t;
    for (size_t i = 0; i < size; ++i) t.data += static_cast<char>((i * 7 + i / 1000) & 0xff);
    Value info = Value::Dict();
    info.Set("name", Value::Str("f.bin"));
    info.Set("length", Value::Int(static_cast<int64_t>(size)));
    info.Set("piece length", Value::Int(piece_length));
    t.meta = test::FinishV1(std::move(info), t.data);
    return t;
}

// Peers on a pretend network: a node's endpoint is 127.0.0.1:<index + 1000>. Events go into
// one queue and are delivered in order by Pump, which also advances the clock.
class FakeNet {
public:
    class Endpoint final : public netcore::PeerNetwork {
    public:
        Endpoint(FakeNet& net, size_t index) : m_net(net), m_index(index) {}
        std::vector<netcore::PeerEndpoint> ListenEndpoints() const override { return {{"127.0.0.1", Port()}}; }
        void Connect(const netcore::PeerEndpoint& remote, uint64_t tag) override { m_net.Dial(m_index, remote, tag); }
        void Resolve(const std::string&, uint16_t, ResolveHandler) override {}
        bool Send(netcore::ConnectionId id, util::Bytes frame) override { return m_net.Deliver(m_index, id, std::move(frame)); }
        void FrameDone(netcore::ConnectionId, size_t) override {}
        void Disconnect(netcore::ConnectionId id, const std::string& reason) override { m_net.Close(m_index, id, reason); }
        std::optional<netcore::ConnectionStats> Stats(netcore::ConnectionId) const override {
            return netcore::ConnectionStats{};
        }
        netcore::PeerNetworkStats NetworkStats() const override { return {}; }
        void Stop() override {}
        uint16_t Port() const { return static_cast<uint16_t>(1000 + m_index); }

    private:
        FakeNet& m_net;
        size_t m_index;
    };

    // A Swarm, or anything else with its event methods (the MetadataFetcher).
    template <typename T>
    size_t Add(T& node) {
        Handlers h;
        h.connected = [&node](const netcore::ConnectionInfo& info, uint64_t tag, int64_t now) { node.OnConnected(info, tag, now); };
        h.frame = [&node](netcore::ConnectionId id, util::ByteSpan head, util::ByteSpan body, int64_t now) {
            node.OnFrame(id, head, body, now);
        };
        h.disconnected = [&node](netcore::ConnectionId id, const std::string& why) { node.OnDisconnected(id, why); };
        h.tick = [&node](int64_t now) { node.Tick(now); };
        m_nodes.push_back(std::move(h));
        m_endpoints.push_back(std::make_unique<Endpoint>(*this, m_endpoints.size()));
        node.SetNetwork(m_endpoints.back().get());
        return m_nodes.size() - 1;
    }

    // Delivers queued events and ticks every swarm every 100 ms of simulated time, until
    // `done` or `max_seconds` of simulated time.
    bool Pump(const std::function<bool()>& done, int64_t max_seconds) {
        const int64_t end = m_now + max_seconds * 1'000'000;
        while (m_now < end) {
            while (!m_events.empty()) {
                auto e = std::move(m_events.front());
                m_events.pop_front();
                e();
                if (done()) return true;
            }
            m_now += 100'000;
            for (auto& n : m_nodes) n.tick(m_now);
            if (done()) return true;
        }
        return done();
    }

    int64_t Now() const { return m_now; }
    // Sees every frame a node sends, before it is delivered.
    void Tap(std::function<void(size_t from, const util::Bytes& frame)> tap) { m_tap = std::move(tap); }
    size_t Closed() const { return m_closed; }

    // Requests node `from` has sent and not yet had answered by a piece, across its links,
    // and the most seen at once since Reset.
    size_t MaxOutstanding(size_t from) const { return from < m_max_outstanding.size() ? m_max_outstanding[from] : 0; }
    void ResetOutstanding() { std::fill(m_max_outstanding.begin(), m_max_outstanding.end(), 0); }

    // Hands `frame` to node `to` as if its peer on their first link had sent it.
    void Inject(size_t to, util::Bytes frame) {
        for (const auto& l : m_links) {
            if (!l.open || (l.a != to && l.b != to)) continue;
            const netcore::ConnectionId id = l.a == to ? l.ida : l.idb;
            m_events.push_back([this, to, id, frame = std::move(frame)] {
                const util::ByteSpan bytes(frame);
                m_nodes[to].frame(id, bytes.first(4), bytes.subspan(4), m_now);
            });
            return;
        }
    }

private:
    struct Link {
        size_t a, b;                    // node indexes
        netcore::ConnectionId ida, idb; // each side's id
        bool open = true;
    };

    void Dial(size_t from, const netcore::PeerEndpoint& remote, uint64_t tag) {
        const size_t to = remote.port - 1000;
        Link link{from, to, m_next_id++, m_next_id++};
        m_links.push_back(link);
        const netcore::ConnectionInfo out{link.ida, false, {"127.0.0.1", remote.port}, {"127.0.0.1", Port(from)}};
        const netcore::ConnectionInfo in{link.idb, true, {"127.0.0.1", static_cast<uint16_t>(5000 + link.ida)},
                                         {"127.0.0.1", remote.port}};
        m_events.push_back([this, from, to, out, in, tag] {
            m_nodes[to].connected(in, 0, m_now);
            m_nodes[from].connected(out, tag, m_now);
        });
    }

    Link* Find(size_t node, netcore::ConnectionId id) {
        for (auto& l : m_links) {
            if (l.open && ((l.a == node && l.ida == id) || (l.b == node && l.idb == id))) return &l;
        }
        return nullptr;
    }

    bool Deliver(size_t from, netcore::ConnectionId id, util::Bytes frame) {
        Link* l = Find(from, id);
        if (l == nullptr) return false;
        const size_t to = l->a == from ? l->b : l->a;
        const netcore::ConnectionId to_id = l->a == from ? l->idb : l->ida;
        if (m_tap) m_tap(from, frame);
        if (m_outstanding.size() < m_nodes.size()) m_outstanding.resize(m_nodes.size(), 0);
        if (m_max_outstanding.size() < m_nodes.size()) m_max_outstanding.resize(m_nodes.size(), 0);
        if (frame.size() > 4 && frame[4] == static_cast<uint8_t>(wire::MessageId::Request)) {
            m_max_outstanding[from] = std::max(m_max_outstanding[from], ++m_outstanding[from]);
        } else if (frame.size() > 4 && frame[4] == static_cast<uint8_t>(wire::MessageId::Piece) && m_outstanding[to] > 0) {
            --m_outstanding[to];
        }
        m_events.push_back([this, to, to_id, frame = std::move(frame)] {
            if (Find(to, to_id) == nullptr) return;
            const util::ByteSpan bytes(frame);
            m_nodes[to].frame(to_id, bytes.first(4), bytes.subspan(4), m_now);
        });
        return true;
    }

    void Close(size_t node, netcore::ConnectionId id, const std::string& reason) {
        Link* l = Find(node, id);
        if (l == nullptr) return;
        l->open = false;
        ++m_closed;
        const Link copy = *l;
        m_events.push_back([this, copy, reason] {
            m_nodes[copy.a].disconnected(copy.ida, reason);
            m_nodes[copy.b].disconnected(copy.idb, reason);
        });
    }

    uint16_t Port(size_t index) const { return static_cast<uint16_t>(1000 + index); }

    struct Handlers {
        std::function<void(const netcore::ConnectionInfo&, uint64_t, int64_t)> connected;
        std::function<void(netcore::ConnectionId, util::ByteSpan, util::ByteSpan, int64_t)> frame;
        std::function<void(netcore::ConnectionId, const std::string&)> disconnected;
        std::function<void(int64_t)> tick;
    };
    std::vector<Handlers> m_nodes;
    std::function<void(size_t, const util::Bytes&)> m_tap;
    std::vector<std::unique_ptr<Endpoint>> m_endpoints;
    std::vector<Link> m_links;
    std::deque<std::function<void()>> m_events;
    netcore::ConnectionId m_next_id = 1;
    int64_t m_now = 1'000'000;
    size_t m_closed = 0;
    std::vector<size_t> m_outstanding;
    std::vector<size_t> m_max_outstanding;
};

struct Node {
    Node(const metainfo::Metainfo& meta, const std::string& data, bool complete, uint64_t seed,
         std::vector<netcore::PeerEndpoint> connect = {}, size_t max_totals = MAX_PEER_TOTALS)
        : store(env, meta, "/dl"), swarm(meta, store, Options(seed, std::move(connect), max_totals), [this](const std::string& l) {
              log += l + "\n";
          }) {
        if (!complete) return;
        for (uint64_t p = 0; p < meta.PieceCount(); ++p) {
            EXPECT_TRUE(store.WritePiece(p, util::AsBytes(data).subspan(p * meta.piece_length, meta.PieceSize(p))));
            swarm.MarkHave(p);
        }
    }
    static SwarmOptions Options(uint64_t seed, std::vector<netcore::PeerEndpoint> connect, size_t max_totals) {
        SwarmOptions o;
        o.max_peer_totals = max_totals;
        o.peer_id.fill(static_cast<uint8_t>(seed));
        o.seed = seed;
        o.keep_connected = std::move(connect);
        return o;
    }
    std::string Contents() {
        auto c = env.Contents("/dl/f.bin");
        return c ? std::string(c->begin(), c->end()) : std::string();
    }

    tonari::storage::MemoryEnv env;
    storage::PieceStore store;
    std::string log;
    Swarm swarm;
};

TEST(Swarm, DownloadsEveryPieceFromASeed) {
    const Torrent t = MakeTorrent(300'000, 32768);
    FakeNet net;
    Node seed(t.meta, t.data, true, 1);
    net.Add(seed.swarm);
    Node leech(t.meta, t.data, false, 2, {{"127.0.0.1", 1000}});
    net.Add(leech.swarm);
    ASSERT_TRUE(net.Pump([&] { return leech.swarm.Complete(); }, 60)) << leech.log;
    EXPECT_EQ(leech.Contents(), t.data);
    const auto stats = leech.swarm.Stats();
    EXPECT_EQ(stats.pieces_have, t.meta.PieceCount());
    EXPECT_EQ(stats.bytes_have, t.data.size());
    EXPECT_EQ(stats.downloaded, t.data.size());  // no block fetched twice with one source
    EXPECT_EQ(seed.swarm.Stats().uploaded, t.data.size());
    EXPECT_EQ(stats.hash_failures, 0u);
    // Who gave whom what, by peer id: the seed's one peer got it all, the leech's one gave it.
    const auto given = seed.swarm.Totals();
    ASSERT_EQ(given.size(), 1u);
    EXPECT_EQ(given[0].peer_id_hex, "0202020202020202020202020202020202020202");
    EXPECT_EQ(given[0].uploaded, t.data.size());
    EXPECT_EQ(given[0].downloaded, 0u);
    const auto got = leech.swarm.Totals();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].peer_id_hex, "0101010101010101010101010101010101010101");
    EXPECT_EQ(got[0].downloaded, t.data.size());
    const auto views = leech.swarm.Peers();
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].downloaded, t.data.size());
    EXPECT_EQ(views[0].pieces, t.meta.PieceCount());
    EXPECT_EQ(leech.swarm.HaveMap(), std::vector<bool>(t.meta.PieceCount(), true));
}

TEST(Swarm, RemembersTheTotalsOfABoundedNumberOfPeers) {
    const Torrent t = MakeTorrent(300'000, 32768);
    FakeNet net;
    Node seed(t.meta, t.data, true, 1, {}, 2);
    net.Add(seed.swarm);
    std::vector<std::unique_ptr<Node>> leeches;
    for (uint64_t i = 0; i < 3; ++i) {
        leeches.push_back(std::make_unique<Node>(t.meta, t.data, false, 2 + i, std::vector<netcore::PeerEndpoint>{{"127.0.0.1", 1000}}));
        net.Add(leeches.back()->swarm);
    }
    ASSERT_TRUE(net.Pump([&] {
        return std::all_of(leeches.begin(), leeches.end(), [](const auto& l) { return l->swarm.Complete(); });
    }, 60));
    // Three peers took data from the seed; it remembers two, the busiest first, each with
    // what it really sent them, and never more than it sent in all.
    const auto totals = seed.swarm.Totals();
    ASSERT_EQ(totals.size(), 2u);
    EXPECT_GE(totals[0].uploaded, totals[1].uploaded);
    EXPECT_GT(totals[1].uploaded, 0u);
    EXPECT_LE(totals[0].uploaded + totals[1].uploaded, seed.swarm.Stats().uploaded);
}

TEST(Swarm, BansAPeerThatSendsBadDataAndStillCompletes) {
    const Torrent t = MakeTorrent(400'000, 32768);
    std::string bad = t.data;
    for (size_t i = 0; i < bad.size(); i += 1000) bad[i] ^= 0x5a;  // every piece differs
    FakeNet net;
    Node liar(t.meta, bad, true, 1);  // claims every piece, serves altered bytes
    net.Add(liar.swarm);
    Node honest(t.meta, t.data, true, 2);
    net.Add(honest.swarm);
    Node leech(t.meta, t.data, false, 3, {{"127.0.0.1", 1000}, {"127.0.0.1", 1001}});
    net.Add(leech.swarm);
    ASSERT_TRUE(net.Pump([&] { return leech.swarm.Complete(); }, 120)) << leech.log;
    EXPECT_EQ(leech.Contents(), t.data);
    const auto stats = leech.swarm.Stats();
    EXPECT_GE(stats.hash_failures, 1u);
    ASSERT_EQ(leech.swarm.Banned().size(), 1u) << leech.log;
    EXPECT_EQ(*leech.swarm.Banned().begin(), "127.0.0.1:1000");  // the liar, not the honest seed
}

TEST(Swarm, KeepsNoMoreRequestsThanThePeerAccepts) {
    const Torrent t = MakeTorrent(2'000'000, 65536);
    FakeNet net;
    Node seed(t.meta, t.data, true, 1);
    net.Add(seed.swarm);
    Node leech(t.meta, t.data, false, 2, {{"127.0.0.1", 1000}});
    const size_t leech_index = net.Add(leech.swarm);
    // Once connected, the seed "says" (BEP 10) it takes only 3 queued requests.
    ASSERT_TRUE(net.Pump([&] { return leech.swarm.Stats().peers == 1; }, 5));
    const std::string hs = "d4:reqqi3ee";
    util::Bytes frame = wire::EncodeMessage(wire::Extended{0, util::Bytes(hs.begin(), hs.end())});
    // Queued behind the seed's own extension handshake and ahead of its unchoke, so the
    // leecher knows the limit before it asks for anything.
    net.Inject(leech_index, frame);
    net.ResetOutstanding();
    ASSERT_TRUE(net.Pump([&] { return leech.swarm.Complete(); }, 120)) << leech.log;
    EXPECT_EQ(leech.Contents(), t.data);
    EXPECT_EQ(net.MaxOutstanding(leech_index), 3u);  // the pipeline filled up to the limit, never past it
}

TEST(Swarm, DropsAPeerThatNeverHandshakes) {
    const Torrent t = MakeTorrent(40'000, 16384);
    FakeNet net;
    Node seed(t.meta, t.data, true, 1);
    net.Add(seed.swarm);
    // An inbound connection that never says anything.
    seed.swarm.OnConnected({77, true, {"127.0.0.1", 9999}, {"127.0.0.1", 1000}}, 0, net.Now());
    const bool dropped = net.Pump([&] { return seed.log.find("no handshake in time") != std::string::npos; },
                                  HANDSHAKE_TIMEOUT_US / 1'000'000 + 2);
    EXPECT_TRUE(dropped) << seed.log;
}

TEST(Swarm, DownloadsFromPeersATrackerGaveAndNeverDialsItself) {
    const Torrent t = MakeTorrent(300'000, 32768);
    FakeNet net;
    Node seed(t.meta, t.data, true, 1);
    net.Add(seed.swarm);
    Node leech(t.meta, t.data, false, 2);  // nothing to keep: every peer comes from the "tracker"
    net.Add(leech.swarm);
    // A tracker's answer lists the seed, the leecher itself, and the seed again.
    leech.swarm.AddCandidates({{"127.0.0.1", 1000}, {"127.0.0.1", 1001}, {"127.0.0.1", 1000}});
    EXPECT_EQ(leech.swarm.CandidateCount(), 2u);
    ASSERT_TRUE(net.Pump([&] { return leech.swarm.Complete(); }, 60)) << leech.log;
    EXPECT_EQ(leech.Contents(), t.data);
    // Long past every retry interval: our own listening address is never dialled.
    net.Pump([] { return false; }, 200);
    size_t self_dials = 0;
    for (size_t at = leech.log.find("connected to ourselves"); at != std::string::npos;
         at = leech.log.find("connected to ourselves", at + 1)) {
        ++self_dials;
    }
    EXPECT_EQ(self_dials, 0u) << leech.log;
}

TEST(Swarm, RemembersABoundedNumberOfCandidates) {
    const Torrent t = MakeTorrent(100'000, 32768);
    Node leech(t.meta, t.data, false, 2);
    std::vector<netcore::PeerEndpoint> flood;
    for (uint32_t i = 0; i < 3 * MAX_CANDIDATES; ++i) {
        flood.push_back({"10." + std::to_string(i >> 16 & 255) + "." + std::to_string(i >> 8 & 255) + "." + std::to_string(i & 255), 6881});
    }
    leech.swarm.AddCandidates(flood);
    EXPECT_EQ(leech.swarm.CandidateCount(), MAX_CANDIDATES);
}

TEST(Swarm, PeersMeetThroughPeerExchange) {
    // B and C each know only the seed A; A tells each about the other (BEP 11) and they connect.
    const Torrent t = MakeTorrent(300'000, 32768);
    FakeNet net;
    Node a(t.meta, t.data, true, 1);
    net.Add(a.swarm);
    Node b(t.meta, t.data, false, 2, {{"127.0.0.1", 1000}});
    net.Add(b.swarm);
    Node c(t.meta, t.data, false, 3, {{"127.0.0.1", 1000}});
    net.Add(c.swarm);
    EXPECT_EQ(b.swarm.CandidateCount(), 0u);
    ASSERT_TRUE(net.Pump([&] { return b.swarm.Stats().peers == 2 && c.swarm.Stats().peers == 2; }, 30))
        << b.log << "\n---\n" << c.log;
    EXPECT_EQ(b.swarm.CandidateCount(), 1u);  // C, learnt from A
}

TEST(Swarm, AV2MagnetGetsMetadataAndPieceLayersFromASeed) {
    // 600 pieces of 32 KiB: two runs of the piece layer (512, then 88 asked as 128).
    std::string data;
    for (size_t i = 0; i < 600 * 32768 - 5000; ++i) data += static_cast<char>((i * 13 + i / 777) & 0xff);
    const metainfo::Metainfo meta = test::MakeV2("f.bin", data, 32768);
    ASSERT_EQ(meta.piece_layers.size(), 1u);
    FakeNet net;
    Node seed(meta, data, true, 1);
    net.Add(seed.swarm);
    FetcherOptions fo;
    fo.info_hashes.v2 = meta.info_hashes.v2;  // a btmh link: no v1 hash to go by
    fo.peer_id.fill(9);
    std::string log;
    MetadataFetcher fetcher(fo, [&log](const std::string& l) { log += l + "\n"; });
    net.Add(fetcher);
    fetcher.AddCandidates({{"127.0.0.1", 1000}}, true);
    ASSERT_TRUE(net.Pump([&] { return fetcher.TorrentFile().has_value(); }, 60)) << log << seed.log;
    EXPECT_NE(log.find("its SHA-256 is the info-hash"), std::string::npos) << log;
    EXPECT_EQ(fetcher.LayerRunsTotal(), 2u);
    EXPECT_EQ(fetcher.LayerRunsHave(), 2u);
    auto got = metainfo::ParseTorrentFile(util::AsBytes(*fetcher.TorrentFile()));
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->info_hashes, meta.info_hashes);
    EXPECT_EQ(got->piece_layers, meta.piece_layers);

    // The torrent as fetched downloads, every piece checked against the fetched layer.
    Node leech(*got, data, false, 2, {{"127.0.0.1", 1000}});
    net.Add(leech.swarm);
    ASSERT_TRUE(net.Pump([&] { return leech.swarm.Complete(); }, 120)) << leech.log;
    EXPECT_EQ(leech.Contents(), data);
    EXPECT_EQ(leech.swarm.Stats().hash_failures, 0u);
}

TEST(Swarm, HashRequestsAreAnsweredOrRejected) {
    std::string data(40 * 16384, 'x');
    for (size_t i = 0; i < data.size(); i += 100) data[i] = static_cast<char>(i / 100);
    const metainfo::Metainfo meta = test::MakeV2("f.bin", data, 32768);  // 20 pieces of 2 blocks
    const auto& [root, layer] = *meta.piece_layers.begin();
    FakeNet net;
    Node seed(meta, data, true, 1);
    const size_t seed_index = net.Add(seed.swarm);
    Node leech(meta, data, false, 2, {{"127.0.0.1", 1000}});
    net.Add(leech.swarm);
    ASSERT_TRUE(net.Pump([&] { return leech.swarm.Stats().peers == 1; }, 5));
    std::vector<wire::Message> replies;
    net.Tap([&](size_t from, const util::Bytes& frame) {
        if (from != seed_index || frame.size() < 5) return;
        const uint8_t id = frame[4];
        if (id != static_cast<uint8_t>(wire::MessageId::Hashes) && id != static_cast<uint8_t>(wire::MessageId::HashReject)) return;
        auto m = wire::DecodeMessage(util::ByteSpan(frame).subspan(4));
        ASSERT_TRUE(m);
        replies.push_back(*m);
    });
    // As if from the leecher: the whole piece layer (32 wide with its padding), a root the
    // torrent does not have, the leaf hashes of two whole pieces (read back from disk), a leaf
    // inside one piece (refused), a malformed length.
    const unsigned height = metainfo::TreeHeight(data.size());  // 40 blocks -> 64 -> 6
    const wire::HashRequestFields good{root, 1, 0, 32, height - 2};
    wire::HashRequestFields unknown = good;
    unknown.pieces_root[0] ^= 1;
    const wire::HashRequestFields leaves{root, 0, 4, 4, height - 1};
    const wire::HashRequestFields inside{root, 0, 1, 1, height - 1};
    const wire::HashRequestFields odd{root, 1, 0, 3, height - 2};
    for (const auto& f : {good, unknown, leaves, inside, odd}) net.Inject(seed_index, wire::EncodeMessage(wire::HashRequest{f}));
    ASSERT_TRUE(net.Pump([&] { return replies.size() == 5; }, 5));
    const auto* hashes = std::get_if<wire::Hashes>(&replies[0]);
    ASSERT_NE(hashes, nullptr);
    EXPECT_EQ(hashes->fields, good);
    EXPECT_TRUE(metainfo::VerifyProof(root, height, {1, 0, 32, height - 2}, hashes->hashes));
    EXPECT_TRUE(std::equal(layer.begin(), layer.end(), hashes->hashes.begin()));
    const auto* leaf_hashes = std::get_if<wire::Hashes>(&replies[2]);
    ASSERT_NE(leaf_hashes, nullptr);
    EXPECT_TRUE(metainfo::VerifyProof(root, height, {0, 4, 4, height - 1}, leaf_hashes->hashes));
    EXPECT_EQ(leaf_hashes->hashes[0], crypto::Sha256Hash(util::AsBytes(data).subspan(4 * 16384, 16384)));
    for (size_t i : {1u, 3u, 4u}) {
        const auto* reject = std::get_if<wire::HashReject>(&replies[i]);
        ASSERT_NE(reject, nullptr) << i;
    }
    EXPECT_EQ(std::get<wire::HashReject>(replies[1]).fields, unknown);
    EXPECT_EQ(std::get<wire::HashReject>(replies[3]).fields, inside);
    EXPECT_EQ(std::get<wire::HashReject>(replies[4]).fields, odd);
    EXPECT_EQ(seed.swarm.Stats().peers, 1u);  // refused, not disconnected
}

TEST(PieceLayerFetch, AcceptsOnlyProvenAnswersToItsOwnRequests) {
    std::string data(1100 * 16384 + 7, 'a');
    for (size_t i = 0; i < data.size(); i += 4096) data[i] = static_cast<char>(i >> 12);
    const metainfo::Metainfo full = test::MakeV2("f.bin", data, 16384);  // 1,101 pieces of one block
    metainfo::Metainfo bare = full;
    bare.piece_layers.clear();
    PieceLayerFetch fetch(bare);
    ASSERT_EQ(fetch.RunsTotal(), 3u);  // 512 + 512 + 77 (asked as 128)
    const auto& [root, layer] = *full.piece_layers.begin();
    const unsigned height = metainfo::TreeHeight(data.size());
    const metainfo::LayerTree tree(layer, 0, height);
    auto answer = [&](const wire::HashRequestFields& f) {
        return wire::Hashes{f, *tree.Answer({f.base_layer, f.index, f.length, f.proof_layers})};
    };
    const auto first = fetch.Next(7, 0);
    const auto second = fetch.Next(7, 0);
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(fetch.Next(7, 0).has_value());  // two open with one peer at most
    // Another peer's answer, or hashes for a run nobody asked, are not taken.
    EXPECT_EQ(fetch.OnHashes(8, answer(*first)), PieceLayerFetch::Answer::NotAsked);
    // A forged hash fails the proof.
    auto forged = answer(*first);
    forged.hashes[3][0] ^= 1;
    EXPECT_EQ(fetch.OnHashes(7, forged), PieceLayerFetch::Answer::BadProof);
    // The run is free again; a refusal sends it to another peer.
    const auto again = fetch.Next(8, 1);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->index, first->index);
    fetch.OnReject(8, *again, 1);
    const auto other = fetch.Next(8, 2);
    ASSERT_TRUE(other.has_value());
    EXPECT_NE(other->index, first->index);  // not the run it refused
    EXPECT_FALSE(fetch.Next(8, 2).has_value());  // the refused run waits for another peer
    // Once the refusal is old, the peer may be asked again (it may have the pieces by then).
    const auto later = fetch.Next(8, 1 + HASH_REFUSAL_MEMORY_US);
    ASSERT_TRUE(later.has_value());
    EXPECT_EQ(later->index, first->index);
    fetch.OnPeerGone(8);
    fetch.OnPeerGone(7);
    // Honest answers for every run complete the layer, exactly the torrent's.
    for (int i = 0; i < 10 && !fetch.Done(); ++i) {
        while (auto f = fetch.Next(9, 100)) ASSERT_EQ(fetch.OnHashes(9, answer(*f)), PieceLayerFetch::Answer::Accepted);
    }
    ASSERT_TRUE(fetch.Done());
    EXPECT_EQ(fetch.Layers(), full.piece_layers);
    // A silent peer is reported late once the deadline passes.
    PieceLayerFetch slow(bare);
    ASSERT_TRUE(slow.Next(5, 0).has_value());
    EXPECT_TRUE(slow.Late(HASH_REQUEST_TIMEOUT_US).empty());
    EXPECT_EQ(slow.Late(HASH_REQUEST_TIMEOUT_US + 1), std::vector<PieceLayerFetch::PeerKey>{5});
}

}  // namespace
}  // namespace tonari::torrent::peer
