// SimNetwork: the simulated internet under the simulated nodes. Each node gets a
// netcore::PeerNetwork of its own (the interface its PeerManager already speaks), so the real
// peer logic runs unchanged. Messages travel whole: each waits for the sender's upload link
// and then the receiver's download link (bandwidths by region, so a 1 MB block takes its
// serialization time), plus the one-way latency between their regions with a deterministic
// jitter; a connection's messages arrive in order. Opening a connection costs one round trip
// (the listener sees it after one latency, the dialer after two); dialing an unreachable node
// (behind NAT, or gone) fails after a round trip. A node removed from the network loses its
// links: each peer is told after one latency.
//
// A node can be busy (Busy): its one validation thread is checking a block. Until it is free,
// frames that arrive for it wait (in arrival order) and what it sends waits before its upload
// link; what it sent before it became busy is on its way. Its timers still fire, but whatever
// they send waits too.
//
// Every delivery is an event of the Simulation, never a call into a node from inside another
// node's call, as the real node's strand would have it. Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "netcore/peer_network.h"
#include "sim/regions.h"
#include "sim/simulation.h"

namespace tonari::sim {

struct SimNetworkOptions {
    const RegionModel* model = &Model2019();
    // Each message's latency is the regions' mean times (1 ± jitter·u), u uniform in [-1, 1).
    double jitter = 0.1;
    uint64_t seed = 1;
    uint16_t port = 8333;  // every node listens on this port
    // How a frame handed to Send splits into header and payload for OnFrame: the system's
    // framing (24 bytes for Bitcoin's P2P messages).
    size_t frame_header_bytes = 24;
    // No bandwidth limit: a message takes only its flight time (the loopback of a test that
    // sets each node's delay with SetSendDelay, as `tonari node -simlatency` does).
    bool unlimited_bandwidth = false;
};

struct NodeTraffic {
    uint64_t bytes_sent = 0;
    uint64_t bytes_received = 0;
    uint64_t messages_sent = 0;
};

class SimNetwork {
public:
    SimNetwork(Simulation& sim, SimNetworkOptions options);
    ~SimNetwork();
    SimNetwork(const SimNetwork&) = delete;
    SimNetwork& operator=(const SimNetwork&) = delete;

    // A node with an IP address (text), a region, and whether it accepts inbound connections
    // (false: behind NAT). Returns its index. Its events go to `events` (set before it acts).
    size_t AddNode(std::string address, Region region, bool reachable);
    void SetEvents(size_t node, netcore::PeerNetworkEvents* events) { m_nodes[node].events = events; }
    netcore::PeerNetwork& Network(size_t node);
    // The node leaves: its links drop, dials to it fail; no event reaches it any more.
    void RemoveNode(size_t node);
    // The node is back (a restart): reachable for dials again, its events delivered.
    void ReviveNode(size_t node);
    bool Alive(size_t node) const { return m_nodes[node].alive; }
    // Everything the node sends takes `delay_us` to arrive, to any peer, in place of the
    // regions' latency (`tonari node -simlatency` delays its own messages the same way).
    void SetSendDelay(size_t node, int64_t delay_us) { m_nodes[node].send_delay_us = delay_us; }
    // The node computes for `duration_us` more (after whatever it was already busy with).
    void Busy(size_t node, int64_t duration_us);
    int64_t BusyUntil(size_t node) const { return m_nodes[node].cpu_free_us; }

    const NodeTraffic& Traffic(size_t node) const { return m_nodes[node].traffic; }
    int64_t LatencyUs(size_t from, size_t to) const;
    size_t NodeCount() const { return m_nodes.size(); }

private:
    class NodeView;
    friend class NodeView;
    struct Node {
        std::string address;
        Region region;
        bool reachable = true;
        bool alive = true;
        int64_t send_delay_us = -1;    // -1: the regions' latency
        netcore::PeerNetworkEvents* events = nullptr;
        std::unique_ptr<NodeView> view;
        int64_t upload_free_us = 0;    // when its upload link is next idle
        int64_t download_free_us = 0;
        int64_t cpu_free_us = 0;       // when it has finished what it is computing
        std::deque<std::pair<netcore::ConnectionId, util::Bytes>> waiting;  // frames for it while busy
        bool drain_scheduled = false;
        NodeTraffic traffic;
    };
    struct Conn {
        size_t node = 0;                 // the end this id belongs to
        size_t peer_node = 0;
        netcore::ConnectionId peer_id = 0;
        int64_t last_arrival_us = 0;     // in-order delivery on this connection
        int64_t last_sent_arrive_us = 0;  // when this end's last frame reaches the other end
        bool open = true;
    };

    void Connect(size_t node, const netcore::PeerEndpoint& remote, uint64_t tag);
    bool Send(size_t node, netcore::ConnectionId id, util::Bytes frame);
    void Disconnect(size_t node, netcore::ConnectionId id, const std::string& reason);
    int64_t Jittered(int64_t latency_us);
    void Close(netcore::ConnectionId id, const std::string& reason, int64_t delay_us);
    // A frame reaches its receiver: handed over now, or queued while the receiver is busy or
    // frames that came before it still wait.
    void Deliver(netcore::ConnectionId id, size_t node, util::Bytes frame);
    void ScheduleDrain(size_t node);
    void Drain(size_t node);
    void Hand(netcore::ConnectionId id, size_t node, util::Bytes frame);

    Simulation& m_sim;
    SimNetworkOptions m_options;
    std::mt19937_64 m_rng;
    std::vector<Node> m_nodes;
    std::map<std::string, size_t> m_by_address;
    std::map<netcore::ConnectionId, Conn> m_conns;
    netcore::ConnectionId m_next_conn = 1;
};

}  // namespace tonari::sim
