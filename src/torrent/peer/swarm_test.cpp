// Swarm, deterministically: two or three swarms joined by an in-memory PeerNetwork that hands
// every frame to the other side in order, on a simulated clock, with their data in MemoryEnvs.
// A download completes byte for byte; a peer that sends bad data is banned and the download
// still completes from the honest one; a peer's BEP 10 request limit is kept; a silent peer
// is dropped.
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "storage/memory_env.h"
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

    size_t Add(Swarm& swarm) {
        m_swarms.push_back(&swarm);
        m_endpoints.push_back(std::make_unique<Endpoint>(*this, m_endpoints.size()));
        swarm.SetNetwork(m_endpoints.back().get());
        return m_swarms.size() - 1;
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
            for (Swarm* s : m_swarms) s->Tick(m_now);
            if (done()) return true;
        }
        return done();
    }

    int64_t Now() const { return m_now; }
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
                m_swarms[to]->OnFrame(id, bytes.first(4), bytes.subspan(4), m_now);
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
            m_swarms[to]->OnConnected(in, 0, m_now);
            m_swarms[from]->OnConnected(out, tag, m_now);
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
        if (m_outstanding.size() < m_swarms.size()) m_outstanding.resize(m_swarms.size(), 0);
        if (m_max_outstanding.size() < m_swarms.size()) m_max_outstanding.resize(m_swarms.size(), 0);
        if (frame.size() > 4 && frame[4] == static_cast<uint8_t>(wire::MessageId::Request)) {
            m_max_outstanding[from] = std::max(m_max_outstanding[from], ++m_outstanding[from]);
        } else if (frame.size() > 4 && frame[4] == static_cast<uint8_t>(wire::MessageId::Piece) && m_outstanding[to] > 0) {
            --m_outstanding[to];
        }
        m_events.push_back([this, to, to_id, frame = std::move(frame)] {
            if (Find(to, to_id) == nullptr) return;
            const util::ByteSpan bytes(frame);
            m_swarms[to]->OnFrame(to_id, bytes.first(4), bytes.subspan(4), m_now);
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
            m_swarms[copy.a]->OnDisconnected(copy.ida, reason);
            m_swarms[copy.b]->OnDisconnected(copy.idb, reason);
        });
    }

    uint16_t Port(size_t index) const { return static_cast<uint16_t>(1000 + index); }

    std::vector<Swarm*> m_swarms;
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
         std::vector<netcore::PeerEndpoint> connect = {})
        : store(env, meta, "/dl"), swarm(meta, store, Options(seed, std::move(connect)), [this](const std::string& l) {
              log += l + "\n";
          }) {
        if (!complete) return;
        for (uint64_t p = 0; p < meta.PieceCount(); ++p) {
            EXPECT_TRUE(store.WritePiece(p, util::AsBytes(data).subspan(p * meta.piece_length, meta.PieceSize(p))));
            swarm.MarkHave(p);
        }
    }
    static SwarmOptions Options(uint64_t seed, std::vector<netcore::PeerEndpoint> connect) {
        SwarmOptions o;
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

}  // namespace
}  // namespace tonari::torrent::peer
