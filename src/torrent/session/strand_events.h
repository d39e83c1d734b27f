// StrandEvents: netcore's network events (io thread) handed to protocol logic on its strand —
// the Swarm for a running torrent, the MetadataFetcher for a magnet link. A frame is released
// to netcore (FrameDone) only after the logic has processed it, so a peer that outruns the
// strand is paused by TCP rather than buffered.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "netcore/peer_network.h"
#include "util/serial_executor.h"

namespace tonari::torrent::session {

inline int64_t SteadyNowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

template <class Logic>
class StrandEvents final : public netcore::PeerNetworkEvents {
public:
    StrandEvents(util::SerialExecutor& strand, Logic& logic) : m_strand(strand), m_logic(logic) {}

    void OnConnected(const netcore::ConnectionInfo& info, uint64_t tag) override {
        m_strand.Post([this, info, tag] { m_logic.OnConnected(info, tag, SteadyNowUs()); });
    }
    void OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason) override {
        m_strand.Post([this, remote, tag, reason] { m_logic.OnConnectFailed(remote, tag, reason); });
    }
    void OnFrame(netcore::ConnectionId id, util::Bytes header, util::Bytes payload) override {
        m_strand.Post([this, id, header = std::move(header), payload = std::move(payload)] {
            m_logic.OnFrame(id, header, payload, SteadyNowUs());
            if (network) network->FrameDone(id, payload.size());
        });
    }
    void OnDisconnected(netcore::ConnectionId id, const std::string& reason) override {
        m_strand.Post([this, id, reason] { m_logic.OnDisconnected(id, reason); });
    }
    void OnStreamHandshakeFailed(const netcore::PeerEndpoint& remote, bool inbound, const std::string& reason) override {
        if constexpr (requires { m_logic.OnStreamHandshakeFailed(remote, inbound, reason); }) {
            m_strand.Post([this, remote, inbound, reason] { m_logic.OnStreamHandshakeFailed(remote, inbound, reason); });
        }
    }

    netcore::PeerNetwork* network = nullptr;  // set and read on the strand

private:
    util::SerialExecutor& m_strand;
    Logic& m_logic;
};

}  // namespace tonari::torrent::session
