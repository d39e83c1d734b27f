// The simulated network: connections, message timing and node removal.
#include "sim/sim_network.h"

#include <algorithm>

namespace tonari::sim {

class SimNetwork::NodeView final : public netcore::PeerNetwork {
public:
    NodeView(SimNetwork& net, size_t node) : m_net(net), m_node(node) {}
    std::vector<netcore::PeerEndpoint> ListenEndpoints() const override {
        const Node& n = m_net.m_nodes[m_node];
        if (!n.reachable) return {};
        return {{n.address, m_net.m_options.port}};
    }
    void Connect(const netcore::PeerEndpoint& remote, uint64_t tag) override { m_net.Connect(m_node, remote, tag); }
    void Resolve(const std::string& host, uint16_t, ResolveHandler done) override {
        m_net.m_sim.After(0, [done = std::move(done), host] { done({}, "no DNS in the simulation (" + host + ")"); });
    }
    bool Send(netcore::ConnectionId id, util::Bytes frame) override { return m_net.Send(m_node, id, std::move(frame)); }
    void FrameDone(netcore::ConnectionId, size_t) override {}
    void Disconnect(netcore::ConnectionId id, const std::string& reason) override { m_net.Disconnect(m_node, id, reason); }
    std::optional<netcore::ConnectionStats> Stats(netcore::ConnectionId) const override { return std::nullopt; }
    netcore::PeerNetworkStats NetworkStats() const override { return {}; }
    void Stop() override {}

private:
    SimNetwork& m_net;
    size_t m_node;
};

SimNetwork::SimNetwork(Simulation& sim, SimNetworkOptions options)
    : m_sim(sim), m_options(options), m_rng(options.seed) {}

SimNetwork::~SimNetwork() = default;

size_t SimNetwork::AddNode(std::string address, Region region, bool reachable) {
    const size_t index = m_nodes.size();
    m_by_address[address] = index;
    Node n;
    n.address = std::move(address);
    n.region = region;
    n.reachable = reachable;
    n.view = std::make_unique<NodeView>(*this, index);
    m_nodes.push_back(std::move(n));
    return index;
}

netcore::PeerNetwork& SimNetwork::Network(size_t node) { return *m_nodes[node].view; }

int64_t SimNetwork::LatencyUs(size_t from, size_t to) const {
    if (m_nodes[from].send_delay_us >= 0) return m_nodes[from].send_delay_us;
    const auto a = static_cast<size_t>(m_nodes[from].region);
    const auto b = static_cast<size_t>(m_nodes[to].region);
    return int64_t{m_options.model->latency_ms[a][b]} * 1000;
}

int64_t SimNetwork::Jittered(int64_t latency_us) {
    if (m_options.jitter <= 0) return latency_us;
    const double u = std::uniform_real_distribution<double>(-1.0, 1.0)(m_rng);
    return std::max<int64_t>(0, latency_us + static_cast<int64_t>(static_cast<double>(latency_us) * m_options.jitter * u));
}

void SimNetwork::Connect(size_t node, const netcore::PeerEndpoint& remote, uint64_t tag) {
    const auto it = m_by_address.find(remote.address);
    const bool ok = it != m_by_address.end() && it->second != node && m_nodes[it->second].alive &&
                    m_nodes[it->second].reachable && remote.port == m_options.port;
    if (!ok) {
        // Nobody answers: the dial fails after about a round trip (a refusal or a timeout).
        const int64_t rtt = it != m_by_address.end() ? 2 * LatencyUs(node, it->second) : 200'000;
        m_sim.After(rtt, [this, node, remote, tag] {
            if (m_nodes[node].events) m_nodes[node].events->OnConnectFailed(remote, tag, "connection refused");
        });
        return;
    }
    const size_t target = it->second;
    const int64_t one_way = Jittered(LatencyUs(node, target));
    const netcore::ConnectionId dialer_id = m_next_conn++;
    const netcore::ConnectionId listener_id = m_next_conn++;
    m_conns[dialer_id] = Conn{node, target, listener_id, 0, true};
    m_conns[listener_id] = Conn{target, node, dialer_id, 0, true};
    const uint16_t ephemeral = static_cast<uint16_t>(40000 + dialer_id % 20000);
    // The listener accepts when the dialer's SYN arrives; the dialer is connected a round trip
    // after it dialed.
    m_sim.After(one_way, [this, target, listener_id, node, ephemeral] {
        auto c = m_conns.find(listener_id);
        if (c == m_conns.end() || !c->second.open || !m_nodes[target].alive || !m_nodes[target].events) return;
        netcore::ConnectionInfo info;
        info.id = listener_id;
        info.inbound = true;
        info.remote = {m_nodes[node].address, ephemeral};
        info.local = {m_nodes[target].address, m_options.port};
        m_nodes[target].events->OnConnected(info, 0);
    });
    m_sim.After(2 * one_way, [this, node, target, dialer_id, remote, tag, ephemeral] {
        auto c = m_conns.find(dialer_id);
        if (c == m_conns.end() || !c->second.open || !m_nodes[node].alive || !m_nodes[target].alive) {
            // The dialer always hears how its dial ended, or its slot would stay taken.
            if (c != m_conns.end()) c->second.open = false;
            if (m_nodes[node].events) m_nodes[node].events->OnConnectFailed(remote, tag, "connection lost while opening");
            return;
        }
        netcore::ConnectionInfo info;
        info.id = dialer_id;
        info.inbound = false;
        info.remote = remote;
        info.local = {m_nodes[node].address, ephemeral};
        if (m_nodes[node].events) m_nodes[node].events->OnConnected(info, tag);
    });
}

bool SimNetwork::Send(size_t node, netcore::ConnectionId id, util::Bytes frame) {
    auto it = m_conns.find(id);
    if (it == m_conns.end() || !it->second.open || it->second.node != node || frame.size() < m_options.frame_header_bytes) {
        return false;
    }
    Conn& conn = it->second;
    Node& from = m_nodes[node];
    const auto a = static_cast<size_t>(from.region);
    const auto b = static_cast<size_t>(m_nodes[conn.peer_node].region);
    const auto bits = static_cast<double>(frame.size()) * 8.0;
    // Serialization on the sender's upload, then the flight; the receiver's download link is
    // taken when the message arrives (in arrival order, not send order).
    const int64_t up_start = std::max({m_sim.Now(), from.upload_free_us, from.cpu_free_us});
    from.upload_free_us =
        up_start + (m_options.unlimited_bandwidth
                        ? 0
                        : static_cast<int64_t>(bits * 1e6 / static_cast<double>(m_options.model->upload_bps[a][b])));
    // Each frame's flight has its own jitter, but a connection is a stream: a frame never
    // lands before the one sent ahead of it.
    const int64_t arrive = std::max(from.upload_free_us + Jittered(LatencyUs(node, conn.peer_node)), conn.last_sent_arrive_us);
    conn.last_sent_arrive_us = arrive;
    const auto download_us =
        m_options.unlimited_bandwidth
            ? int64_t{0}
            : static_cast<int64_t>(bits * 1e6 / static_cast<double>(m_options.model->download_bps[b][a]));
    from.traffic.bytes_sent += frame.size();
    from.traffic.messages_sent += 1;
    const netcore::ConnectionId peer_id = conn.peer_id;
    const size_t peer_node = conn.peer_node;
    m_sim.At(arrive, [this, peer_id, peer_node, download_us, frame = std::move(frame)]() mutable {
        auto c = m_conns.find(peer_id);
        if (c == m_conns.end() || !c->second.open || !m_nodes[peer_node].alive) return;
        Node& receiver = m_nodes[peer_node];
        receiver.download_free_us = std::max(m_sim.Now(), receiver.download_free_us) + download_us;
        // A connection delivers in order: never before the message sent ahead of this one.
        const int64_t delivered = std::max(receiver.download_free_us, c->second.last_arrival_us);
        c->second.last_arrival_us = delivered;
        m_sim.At(delivered, [this, peer_id, peer_node, frame = std::move(frame)]() mutable {
            Deliver(peer_id, peer_node, std::move(frame));
        });
    });
    return true;
}

void SimNetwork::Deliver(netcore::ConnectionId id, size_t node, util::Bytes frame) {
    auto c = m_conns.find(id);
    if (c == m_conns.end() || !c->second.open || !m_nodes[node].alive) return;
    Node& receiver = m_nodes[node];
    if (receiver.cpu_free_us > m_sim.Now() || !receiver.waiting.empty()) {
        // A busy node takes its frames later, all of them in the order they arrived.
        receiver.waiting.emplace_back(id, std::move(frame));
        ScheduleDrain(node);
        return;
    }
    Hand(id, node, std::move(frame));
}

void SimNetwork::ScheduleDrain(size_t node) {
    Node& n = m_nodes[node];
    if (n.drain_scheduled) return;
    n.drain_scheduled = true;
    m_sim.At(std::max(m_sim.Now(), n.cpu_free_us), [this, node] {
        m_nodes[node].drain_scheduled = false;
        Drain(node);
    });
}

void SimNetwork::Drain(size_t node) {
    Node& n = m_nodes[node];
    while (!n.waiting.empty()) {
        if (n.cpu_free_us > m_sim.Now()) {  // a frame just handed over made it busy again
            ScheduleDrain(node);
            return;
        }
        auto [id, frame] = std::move(n.waiting.front());
        n.waiting.pop_front();
        Hand(id, node, std::move(frame));
    }
}

void SimNetwork::Hand(netcore::ConnectionId id, size_t node, util::Bytes frame) {
    auto d = m_conns.find(id);
    if (d == m_conns.end() || !d->second.open || !m_nodes[node].alive || !m_nodes[node].events) return;
    Node& receiver = m_nodes[node];
    receiver.traffic.bytes_received += frame.size();
    const auto split = static_cast<std::ptrdiff_t>(m_options.frame_header_bytes);
    util::Bytes header(frame.begin(), frame.begin() + split);
    frame.erase(frame.begin(), frame.begin() + split);
    receiver.events->OnFrame(id, std::move(header), std::move(frame));
}

void SimNetwork::Busy(size_t node, int64_t duration_us) {
    Node& n = m_nodes[node];
    n.cpu_free_us = std::max(m_sim.Now(), n.cpu_free_us) + std::max<int64_t>(duration_us, 0);
}

void SimNetwork::Close(netcore::ConnectionId id, const std::string& reason, int64_t delay_us) {
    auto it = m_conns.find(id);
    if (it == m_conns.end() || !it->second.open) return;
    it->second.open = false;
    const size_t node = it->second.node;
    m_sim.After(delay_us, [this, id, node, reason] {
        // Already reported when its node stopped (RemoveNode): nothing more to tell.
        if (m_conns.erase(id) == 0) return;
        if (m_nodes[node].alive && m_nodes[node].events) m_nodes[node].events->OnDisconnected(id, reason);
    });
}

void SimNetwork::Disconnect(size_t node, netcore::ConnectionId id, const std::string& reason) {
    auto it = m_conns.find(id);
    if (it == m_conns.end() || it->second.node != node) return;
    const netcore::ConnectionId peer_id = it->second.peer_id;
    const int64_t latency = LatencyUs(node, it->second.peer_node);
    Close(id, reason, 0);
    Close(peer_id, "closed by peer", latency);
}

void SimNetwork::RemoveNode(size_t node) {
    Node& n = m_nodes[node];
    if (!n.alive) return;
    // The node's own ends close at once (it forgets its peers, as a restarted process does);
    // each peer learns a latency later.
    // Every end of the node's, open or already closing (a close whose news was still on its
    // way): each is reported now and forgotten, so no peer outlives the restart.
    std::vector<std::pair<netcore::ConnectionId, Conn>> own;
    for (const auto& [id, conn] : m_conns) {
        if (conn.node == node) own.emplace_back(id, conn);
    }
    for (const auto& [id, conn] : own) {
        m_conns.erase(id);
        if (n.events) n.events->OnDisconnected(id, "node stopped");
        if (conn.open) Close(conn.peer_id, "peer gone", LatencyUs(node, conn.peer_node));
    }
    n.waiting.clear();  // frames for a process that is gone
    n.cpu_free_us = 0;  // and its work: a restarted node starts idle
    n.alive = false;
}

void SimNetwork::ReviveNode(size_t node) { m_nodes[node].alive = true; }

}  // namespace tonari::sim
