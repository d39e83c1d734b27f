// Monitor: a measuring node as the published block-propagation studies ran them (Decker and
// Wattenhofer, P2P 2013; bitcoinstats.com's 2014 figures came from such a node). It connects
// to every reachable node, completes the handshake, answers pings, and records when each node
// first announces each block to it — by inv, headers or compact block, whichever comes first.
// It requests nothing, relays nothing and offers no services (NODE_NONE: nobody downloads from
// it). It changes the network it measures a little: it holds one inbound slot of each node,
// its pings and the announcements to it share the nodes' links, and it is one of the peers a
// node may pass addresses to (it passes none on). A node that leaves and comes back is
// dialled again; when each link was up is kept, so the figures count only what it could hear.
//
// Runs on the simulation's thread, like the nodes (not thread-safe).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bitcoin/primitives/ids.h"
#include "netcore/peer_network.h"
#include "sim/sim_network.h"
#include "sim/simulation.h"

namespace tonari::bitcoin::sim {

// A lost or refused connection is dialled again after this (a node away for churn is back
// after minutes).
inline constexpr int64_t MONITOR_REDIAL_US = 30'000'000;
// What the monitor speaks: the 2014 protocol, the oldest our nodes take; it asks for nothing a
// later version would add (no headers announcements, no compact blocks).
inline constexpr int32_t MONITOR_PROTOCOL_VERSION = 70002;

class Monitor final : public netcore::PeerNetworkEvents {
public:
    // `index` is its own node on `net` (added by the caller, not reachable).
    Monitor(::tonari::sim::Simulation& sim, ::tonari::sim::SimNetwork& net, size_t index,
            const std::array<uint8_t, 4>& message_start, uint64_t nonce);
    ~Monitor() override;
    Monitor(const Monitor&) = delete;
    Monitor& operator=(const Monitor&) = delete;

    // Dials each of these nodes now, and again whenever the connection is lost.
    void Watch(const std::vector<netcore::PeerEndpoint>& nodes);

    // Per block, when each node (by address) first announced it: simulated microseconds.
    const std::map<primitives::BlockHash, std::map<std::string, int64_t>>& Announcements() const {
        return m_announced;
    }
    // Whether one link to this node (by address), with its handshake done, was up from `from_us`
    // to `to_us` (both included) without a break.
    bool LinkedThrough(const std::string& address, int64_t from_us, int64_t to_us) const;
    // Links with the handshake done now.
    size_t Connected() const;

    // netcore::PeerNetworkEvents
    void OnConnected(const netcore::ConnectionInfo& info, uint64_t tag) override;
    void OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason) override;
    void OnFrame(netcore::ConnectionId id, util::Bytes header, util::Bytes payload) override;
    void OnDisconnected(netcore::ConnectionId id, const std::string& reason) override;

private:
    struct Link {
        netcore::PeerEndpoint remote;
        uint64_t tag = 0;
        bool verack = false;
    };
    void Send(netcore::ConnectionId id, std::string_view command, const util::Bytes& payload);
    void Announced(const Link& link, const primitives::BlockHash& hash);
    void RedialLater(uint64_t tag);

    ::tonari::sim::Simulation& m_sim;
    ::tonari::sim::SimNetwork& m_net;
    size_t m_index;
    std::array<uint8_t, 4> m_magic;
    uint64_t m_nonce;
    std::vector<netcore::PeerEndpoint> m_targets;  // by tag - 1
    std::map<netcore::ConnectionId, Link> m_links;
    std::map<primitives::BlockHash, std::map<std::string, int64_t>> m_announced;
    // Per address, when its links were up: from the handshake to the loss (INT64_MAX: still up).
    std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> m_up;
    std::set<::tonari::sim::EventId> m_redials;  // pending, cancelled if the monitor goes first
};

}  // namespace tonari::bitcoin::sim
