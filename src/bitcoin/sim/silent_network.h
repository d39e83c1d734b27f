// SilentNetwork: what an attacker's node sends, for the simulator's hostile scenarios. It wraps
// a node's PeerNetwork and drops every message that would relay something — blocks, headers,
// compact blocks, announcements, transactions, addresses — while the handshake, pings and
// requests still go out. The node looks like a healthy peer and holds its peers' connection
// slots, but nothing reaches anyone through it: the "relay nothing" node of eclipse and
// withholding attacks. The real PeerManager runs behind it unchanged.
#pragma once

#include <string>
#include <string_view>

#include "netcore/peer_network.h"

namespace tonari::bitcoin::sim {

// True for the commands a silent node never sends.
bool IsRelayCommand(std::string_view command);

class SilentNetwork final : public netcore::PeerNetwork {
public:
    explicit SilentNetwork(netcore::PeerNetwork& inner) : m_inner(inner) {}

    std::vector<netcore::PeerEndpoint> ListenEndpoints() const override { return m_inner.ListenEndpoints(); }
    void Connect(const netcore::PeerEndpoint& remote, uint64_t tag) override { m_inner.Connect(remote, tag); }
    void Resolve(const std::string& host, uint16_t port, ResolveHandler done) override {
        m_inner.Resolve(host, port, std::move(done));
    }
    // A relay message is dropped (and reported sent, as a real attacker's would be).
    bool Send(netcore::ConnectionId id, util::Bytes frame) override;
    void FrameDone(netcore::ConnectionId id, size_t payload_bytes) override { m_inner.FrameDone(id, payload_bytes); }
    void Disconnect(netcore::ConnectionId id, const std::string& reason) override { m_inner.Disconnect(id, reason); }
    std::optional<netcore::ConnectionStats> Stats(netcore::ConnectionId id) const override { return m_inner.Stats(id); }
    netcore::PeerNetworkStats NetworkStats() const override { return m_inner.NetworkStats(); }
    void Stop() override { m_inner.Stop(); }

    uint64_t Dropped() const { return m_dropped; }

private:
    netcore::PeerNetwork& m_inner;
    uint64_t m_dropped = 0;
};

}  // namespace tonari::bitcoin::sim
