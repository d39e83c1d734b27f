// P2pService: starting and stopping the P2P side of the node, and the bridge that carries
// network events onto the validation strand.
#include "bitcoin/node/p2p_service.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>

#include "bitcoin/consensus/params.h"
#include "bitcoin/transport/v2_handshake.h"
#include "bitcoin/wire/frame.h"
#include "bitcoin/wire/protocol.h"
#include "storage/whole_file.h"

namespace tonari::bitcoin::node {
namespace {

int64_t NowMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Biggest peers.dat read back: far above what the table's fixed bucket counts can hold, so
// only a corrupt or foreign file hits it.
constexpr std::uintmax_t MAX_PEERS_FILE_BYTES = 64u << 20;

// Biggest banlist.json read back (MAX_BANNED entries take well under 2 MB).
constexpr std::uintmax_t MAX_BANS_FILE_BYTES = 4u << 20;

uint64_t RandomU64() {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
}

}  // namespace

// Carries netcore's callbacks (io thread) to the PeerManager (validation strand). Frames are
// marked done after processing, so a peer flooding a busy strand is paused, not buffered.
class P2pService::Bridge final : public netcore::PeerNetworkEvents {
public:
    explicit Bridge(P2pService& service) : m_service(service) {}

    void OnConnected(const netcore::ConnectionInfo& info, uint64_t tag) override {
        Post([info, tag](p2p::PeerManager& pm) { pm.OnConnected(info, tag); });
    }
    void OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason) override {
        Post([remote, tag, reason](p2p::PeerManager& pm) { pm.OnConnectFailed(remote, tag, reason); });
    }
    void OnFrame(netcore::ConnectionId id, util::Bytes header, util::Bytes payload) override {
        auto* service = &m_service;
        Post([service, id, header = std::move(header), payload = std::move(payload)](p2p::PeerManager& pm) {
            pm.OnFrame(id, header, payload);
            if (service->m_network) service->m_network->FrameDone(id, payload.size());
        });
    }
    void OnDisconnected(netcore::ConnectionId id, const std::string& reason) override {
        Post([id, reason](p2p::PeerManager& pm) { pm.OnDisconnected(id, reason); });
    }
    // Why a BIP324 handshake failed (hostile input, a stall, a v1-only peer hanging up).
    void OnStreamHandshakeFailed(const netcore::PeerEndpoint& remote, bool inbound, const std::string& reason) override {
        if (m_service.m_options.log) {
            m_service.m_options.log(std::string(inbound ? "inbound " : "outbound ") + remote.ToString() + ": " + reason);
        }
    }
    // A DNS seed lookup finished (io thread).
    void SeedResolved(std::string host, std::vector<std::string> addresses, std::string error) {
        Post([host = std::move(host), addresses = std::move(addresses), error = std::move(error)](p2p::PeerManager& pm) {
            pm.OnSeedResolved(host, addresses, error);
        });
    }

private:
    void Post(std::function<void(p2p::PeerManager&)> f) {
        auto* service = &m_service;
        service->m_node.PostToChain([service, f = std::move(f)](NodeStorage&) {
            if (service->m_peers) f(*service->m_peers);
        });
    }
    P2pService& m_service;
};

P2pService::P2pService(NodeContext& node, P2pServiceOptions options) : m_node(node), m_options(std::move(options)) {}

util::Result<std::unique_ptr<P2pService>, std::string> P2pService::Start(NodeContext& node, P2pServiceOptions options) {
    const consensus::ConsensusParams& params = node.Params();
    const bool regtest = node.Network() == encoding::Network::Regtest;
    auto service = std::make_unique<P2pService>(node, std::move(options));
    P2pService& s = *service;
    const P2pServiceOptions& o = s.m_options;

    // The address table: read back from peers.dat when it is there and sound.
    addrman::AddrManOptions addr_options{RandomU64(), RandomU64(), RandomU64()};
    const std::filesystem::path net_dir = node.WithChain([](NodeStorage& st) { return st.NetworkDir(); });
    s.m_peers_file = net_dir / "peers.dat";
    if (auto text = storage::ReadSmallFile(s.m_peers_file, MAX_PEERS_FILE_BYTES)) {
        const util::Bytes bytes(text->begin(), text->end());
        auto loaded = addrman::AddrMan::Deserialize(bytes, addr_options);
        if (loaded) {
            s.m_addrman = std::make_unique<addrman::AddrMan>(std::move(*loaded));
        } else if (o.log) {
            o.log("ignoring unreadable " + s.m_peers_file.string() + ": " + loaded.error());
        }
    }
    // Operator bans from the last run.
    s.m_bans_file = net_dir / "banlist.json";
    if (auto text = storage::ReadSmallFile(s.m_bans_file, MAX_BANS_FILE_BYTES)) {
        auto loaded = s.m_bans.LoadJson(*text, NowMicros() / 1'000'000);
        if (!loaded && o.log) o.log("ignoring unreadable " + s.m_bans_file.string() + ": " + loaded.error());
    }
    if (!s.m_addrman) s.m_addrman = std::make_unique<addrman::AddrMan>(addr_options);
    s.m_addrman->SetAllowLocal(regtest);

    p2p::PeerManagerOptions pm_options;
    pm_options.params = &params;
    // As Core: NETWORK_LIMITED (the last 288 blocks) is advertised beside NETWORK, and alone
    // by a pruned node, which cannot serve the whole chain.
    const bool pruned = node.WithChain([](NodeStorage& st) { return st.Chain().IsPruneMode(); });
    pm_options.local_services = (pruned ? 0 : wire::NODE_NETWORK) | wire::NODE_NETWORK_LIMITED | wire::NODE_WITNESS |
                                (o.v2transport ? wire::NODE_P2P_V2 : 0);
    pm_options.v2transport = o.v2transport;
    pm_options.user_agent = o.user_agent;
    pm_options.relay_txs = !o.blocks_only;
    pm_options.max_connections = o.max_connections;
    pm_options.allow_local_addresses = regtest;
    pm_options.automatic_outbound = o.connect.empty() && !o.no_connect;
    pm_options.manual = o.connect.empty() ? o.addnode : o.connect;
    if (!o.connect.empty()) pm_options.manual.insert(pm_options.manual.end(), o.addnode.begin(), o.addnode.end());
    pm_options.seeds = o.seednode;
    const int outbound = pm_options.automatic_outbound ? p2p::MAX_OUTBOUND_FULL_RELAY + p2p::MAX_BLOCK_RELAY_ONLY : 0;
    pm_options.max_outbound_full_relay = std::min(p2p::MAX_OUTBOUND_FULL_RELAY, o.max_connections);
    pm_options.max_block_relay_only =
        std::min(p2p::MAX_BLOCK_RELAY_ONLY, std::max(0, o.max_connections - pm_options.max_outbound_full_relay));
    pm_options.max_inbound = std::max(0, o.max_connections - outbound);
    pm_options.network_seeds = p2p::SeedsFor(node.Network());
    pm_options.dns_seed = o.dns_seed;
    pm_options.fixed_seeds = o.fixed_seeds;

    node.WithChain([&s, &pm_options](NodeStorage& st) {
        p2p::PeerManagerDeps deps{st.Chain(),
                                  st.Blocks(),
                                  st.MempoolGate(),
                                  st.Mempool(),
                                  *s.m_addrman,
                                  s.m_bans,
                                  [&st](int64_t now) { st.ChainSettled(now); },
                                  NowMicros,
                                  s.m_options.log,
                                  [&s](const std::string& host, uint16_t port) {
                                      if (!s.m_network || !s.m_bridge) return;
                                      Bridge* bridge = s.m_bridge.get();
                                      s.m_network->Resolve(host, port,
                                                           [bridge, host](std::vector<std::string> addresses,
                                                                          std::string error) {
                                                               bridge->SeedResolved(host, std::move(addresses), std::move(error));
                                                           });
                                  },
                                  s.m_options.watch};
        s.m_peers = std::make_unique<p2p::PeerManager>(std::move(deps), pm_options);
        p2p::PeerManager* pm = s.m_peers.get();
        NodeContext* ctx = &s.m_node;
        pm->SetFatalHandler([ctx](const std::string& message) { ctx->AbortNode(message); });
        st.SetSettledListener(NodeStorage::ListenerSlot::Relay, [pm] { pm->TipChanged(); });
        st.SetTxAddedListener(NodeStorage::ListenerSlot::Relay, [pm](const mempool::MempoolEntry& e) { pm->TxAdded(e); });
        st.SetRebroadcastListener([pm](const mempool::MempoolEntry& e) { pm->Rebroadcast(e); });
        st.SetUnbroadcastView([pm](const primitives::Txid& txid) { return pm->IsUnbroadcast(txid); },
                              [pm] { return pm->UnbroadcastCount(); });
        return 0;
    });

    netcore::PeerNetworkOptions net;
    if (o.listen) {
        const uint16_t port = o.port != 0 ? o.port : params.default_port;
        if (o.bind.empty()) {
            // Regtest stays on loopback unless told otherwise; other networks listen everywhere.
            net.listen = regtest ? std::vector<netcore::PeerEndpoint>{{"127.0.0.1", port}}
                                 : std::vector<netcore::PeerEndpoint>{{"0.0.0.0", port}};
        } else {
            net.listen = o.bind;
            for (auto& ep : net.listen) {
                if (ep.port == 0) ep.port = port;
            }
        }
    }
    net.max_outbound = static_cast<size_t>(outbound + static_cast<int>(pm_options.manual.size()) + 8);
    net.max_inbound = static_cast<size_t>(pm_options.max_inbound + p2p::INBOUND_EVICTION_HEADROOM);
    net.send_delay = o.send_delay;
    const auto magic = params.message_start;
    net.format.header_size = wire::FRAME_HEADER_SIZE;
    net.format.payload_length = [magic](util::ByteSpan header) -> util::Result<size_t, std::string> {
        auto h = wire::DecodeFrameHeader(header, magic);
        if (!h) return util::Fail(std::string(wire::ToString(h.error())));
        return static_cast<size_t>(h->length);
    };
    if (o.v2transport) {
        // BIP324: every inbound connection starts by telling v1 from v2; outbound dials try
        // v2 when the peer manager marked them so. One randomized secp256k1 context serves
        // every handshake (its const use is thread-safe).
        auto keys = std::make_shared<const crypto::KeyContext>();
        net.stream_handshake = [keys, magic](bool inbound, uint64_t tag,
                                             const netcore::PeerEndpoint&) -> std::unique_ptr<netcore::StreamHandshake> {
            if (!inbound && (tag & p2p::TAG_TRY_V2) == 0) return nullptr;
            return std::make_unique<transport::V2Handshake>(!inbound, magic, keys);
        };
    }
    p2p::BanList* bans = &s.m_bans;
    net.is_banned = [bans](const std::string& address) { return bans->IsBanned(address, NowMicros() / 1'000'000); };
    s.m_bridge = std::make_unique<Bridge>(s);
    auto started = netcore::PeerNetwork::Start(net, *s.m_bridge);
    if (!started) {
        service->Stop();
        return util::Fail("Unable to start the P2P network: " + started.error());
    }
    s.m_network = std::move(*started);
    netcore::PeerNetwork* network = s.m_network.get();
    node.WithChain([&s, network](NodeStorage&) {
        s.m_peers->SetNetwork(network);
        return 0;
    });
    s.m_ticker = std::thread([&s] { s.TickerLoop(); });
    return service;
}

P2pService::~P2pService() { Stop(); }

void P2pService::TickerLoop() {
    std::unique_lock lock(m_ticker_mutex);
    while (!m_ticker_stop) {
        m_ticker_cv.wait_for(lock, std::chrono::milliseconds(100));
        if (m_ticker_stop) break;
        // One tick queued at a time: a busy strand is not buried under timer work.
        if (m_tick_queued.exchange(true)) continue;
        m_node.PostToChain([this](NodeStorage&) {
            m_tick_queued = false;
            if (m_peers) m_peers->Tick();
        });
    }
}

void P2pService::Stop() {
    if (m_stopped) return;
    m_stopped = true;
    {
        std::lock_guard lock(m_ticker_mutex);
        m_ticker_stop = true;
    }
    m_ticker_cv.notify_all();
    if (m_ticker.joinable()) m_ticker.join();
    if (m_network) m_network->Stop();
    // Drain what the network posted, then take the manager down on its own thread.
    m_node.WithChain([this](NodeStorage& st) {
        st.SetSettledListener(NodeStorage::ListenerSlot::Relay, {});
        st.SetTxAddedListener(NodeStorage::ListenerSlot::Relay, {});
        st.SetRebroadcastListener({});
        st.SetUnbroadcastView({}, {});
        if (m_peers) m_peers->SetNetwork(nullptr);
        m_peers.reset();
        return 0;
    });
    SaveAddresses();
    SaveBans();
    m_network.reset();
}

void P2pService::SaveAddresses() {
    if (!m_addrman) return;
    const util::Bytes bytes = m_node.WithChain([this](NodeStorage&) { return m_addrman->Serialize(); });
    const std::string error =
        storage::ReplaceFile(m_peers_file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    if (!error.empty() && m_options.log) m_options.log(error);
}

void P2pService::SaveBans() {
    const std::lock_guard lock(m_bans_file_mutex);
    const std::string error = storage::ReplaceFile(m_bans_file, m_bans.ToJson(NowMicros() / 1'000'000));
    if (!error.empty() && m_options.log) m_options.log(error);
}

std::vector<netcore::PeerEndpoint> P2pService::ListenEndpoints() const {
    return m_network ? m_network->ListenEndpoints() : std::vector<netcore::PeerEndpoint>{};
}

netcore::PeerNetworkStats P2pService::NetworkStats() const {
    return m_network ? m_network->NetworkStats() : netcore::PeerNetworkStats{};
}

std::optional<netcore::ConnectionStats> P2pService::ConnectionStats(netcore::ConnectionId id) const {
    return m_network ? m_network->Stats(id) : std::nullopt;
}

}  // namespace tonari::bitcoin::node
