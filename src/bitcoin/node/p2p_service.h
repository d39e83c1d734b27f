// P2pService: the node's place in the Bitcoin network — the socket runtime (netcore's
// PeerNetwork), the protocol logic (p2p::PeerManager), the address manager (saved to
// `peers.dat` in the network directory) and the ban list, wired to the validation strand.
//
// Threading: network callbacks arrive on netcore's io thread and are posted to the
// validation strand, where the PeerManager lives beside the chainstate and mempool; a ticker
// thread posts the manager's timers there every 100 ms. RPC threads use WithPeers, which
// runs on the strand too. Stop() (also run by the destructor) stops the ticker and the
// network, drains the strand, detaches the listeners and saves the address table.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bitcoin/addrman/addrman.h"
#include "bitcoin/node/node_context.h"
#include "bitcoin/p2p/ban_list.h"
#include "bitcoin/p2p/peer_manager.h"
#include "netcore/peer_network.h"
#include "util/result.h"

namespace tonari::bitcoin::node {

struct P2pServiceOptions {
    bool listen = true;                          // -listen
    std::vector<netcore::PeerEndpoint> bind;     // -bind; empty: all interfaces on the port
    uint16_t port = 0;                           // -port (the network's default when 0)
    int max_connections = 125;                   // -maxconnections
    std::vector<netcore::PeerEndpoint> connect;  // -connect: only these, no automatic peers
    bool no_connect = false;                     // -connect=0 / -noconnect: no outbound at all
    std::vector<netcore::PeerEndpoint> addnode;  // -addnode: kept connected, besides the others
    std::vector<netcore::PeerEndpoint> seednode; // -seednode: asked for addresses
    bool blocks_only = false;                    // -blocksonly
    bool dns_seed = true;                        // -dnsseed
    bool fixed_seeds = true;                     // -fixedseeds
    bool v2transport = true;                     // -v2transport: BIP324 encrypted transport
    // -simlatency (regtest test hook): every message leaves this long after it is sent, so a
    // loopback network of real nodes has the link delays of a simulated one.
    std::chrono::milliseconds send_delay{0};
    std::string user_agent = "/Tonari:0.1.0/";
    std::function<void(const std::string&)> log;  // "net" category lines
    p2p::PeerWatch watch;                         // the dashboard's event publisher, if any
};

class P2pService {
public:
    static util::Result<std::unique_ptr<P2pService>, std::string> Start(NodeContext& node, P2pServiceOptions options);
    ~P2pService();
    P2pService(const P2pService&) = delete;
    P2pService& operator=(const P2pService&) = delete;

    void Stop();

    // Runs f(PeerManager&) on the validation strand and returns its result.
    template <class F>
    auto WithPeers(F&& f) {
        return m_node.WithChain([this, &f](NodeStorage&) { return f(*m_peers); });
    }
    p2p::BanList& Bans() { return m_bans; }
    // Writes banlist.json (after setban / clearbanned, and at Stop), so bans survive restarts
    // and crashes.
    void SaveBans();
    std::vector<netcore::PeerEndpoint> ListenEndpoints() const;
    netcore::PeerNetworkStats NetworkStats() const;
    std::optional<netcore::ConnectionStats> ConnectionStats(netcore::ConnectionId id) const;
    bool NetworkActive() const { return m_network != nullptr; }

    P2pService(NodeContext& node, P2pServiceOptions options);

private:
    class Bridge;
    void TickerLoop();
    void SaveAddresses();

    NodeContext& m_node;
    P2pServiceOptions m_options;
    std::filesystem::path m_peers_file;
    std::filesystem::path m_bans_file;
    std::mutex m_bans_file_mutex;  // two RPC threads may save at once
    p2p::BanList m_bans;
    std::unique_ptr<addrman::AddrMan> m_addrman;     // strand
    std::unique_ptr<p2p::PeerManager> m_peers;       // strand
    std::unique_ptr<Bridge> m_bridge;
    std::unique_ptr<netcore::PeerNetwork> m_network;
    std::mutex m_ticker_mutex;
    std::condition_variable m_ticker_cv;
    bool m_ticker_stop = false;
    std::atomic<bool> m_tick_queued{false};
    std::thread m_ticker;
    bool m_stopped = false;
};

}  // namespace tonari::bitcoin::node
