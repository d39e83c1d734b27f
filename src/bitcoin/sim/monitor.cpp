// The measuring node: dials every reachable node and notes each one's first announcement of
// each block.
#include "bitcoin/sim/monitor.h"

#include <algorithm>
#include <limits>
#include <memory>

#include "bitcoin/wire/compact_block.h"
#include "bitcoin/wire/frame.h"
#include "bitcoin/wire/headers.h"
#include "bitcoin/wire/inventory.h"
#include "bitcoin/wire/ping.h"
#include "bitcoin/wire/version.h"

namespace tonari::bitcoin::sim {

Monitor::Monitor(::tonari::sim::Simulation& sim, ::tonari::sim::SimNetwork& net, size_t index,
                 const std::array<uint8_t, 4>& message_start, uint64_t nonce)
    : m_sim(sim), m_net(net), m_index(index), m_magic(message_start), m_nonce(nonce) {
    m_net.SetEvents(index, this);
}

Monitor::~Monitor() {
    for (const auto id : m_redials) m_sim.Cancel(id);
    m_net.SetEvents(m_index, nullptr);
}

void Monitor::Watch(const std::vector<netcore::PeerEndpoint>& nodes) {
    for (const auto& node : nodes) {
        m_targets.push_back(node);
        m_net.Network(m_index).Connect(node, m_targets.size());
    }
}

bool Monitor::LinkedThrough(const std::string& address, int64_t from_us, int64_t to_us) const {
    const auto it = m_up.find(address);
    if (it == m_up.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [from_us, to_us](const auto& span) {
        return span.first <= from_us && to_us < span.second;
    });
}

size_t Monitor::Connected() const {
    size_t n = 0;
    for (const auto& [id, link] : m_links) n += link.verack ? 1 : 0;
    return n;
}

void Monitor::Send(netcore::ConnectionId id, std::string_view command, const util::Bytes& payload) {
    m_net.Network(m_index).Send(id, wire::FrameMessage(m_magic, command, payload));
}

void Monitor::OnConnected(const netcore::ConnectionInfo& info, uint64_t tag) {
    m_links[info.id] = Link{info.remote, tag, false};
    wire::VersionMsg v;
    v.version = MONITOR_PROTOCOL_VERSION;
    v.services = 0;  // NODE_NONE: not a source of blocks
    v.timestamp = m_sim.Now() / 1'000'000;
    v.addr_from = wire::NetAddress{wire::NetId::IPv4, util::Bytes(4, 0), 0};
    v.addr_recv = v.addr_from;
    v.nonce = m_nonce;
    v.user_agent = "/tonari-sim-monitor/";
    v.relay = false;  // blocks only
    Send(info.id, wire::VersionMsg::COMMAND, v.Encode());
}

void Monitor::OnConnectFailed(const netcore::PeerEndpoint&, uint64_t tag, const std::string&) { RedialLater(tag); }

void Monitor::OnDisconnected(netcore::ConnectionId id, const std::string&) {
    const auto it = m_links.find(id);
    if (it == m_links.end()) return;
    const uint64_t tag = it->second.tag;
    if (it->second.verack) m_up[it->second.remote.address].back().second = m_sim.Now();
    m_links.erase(it);
    RedialLater(tag);
}

void Monitor::RedialLater(uint64_t tag) {
    if (tag == 0 || tag > m_targets.size()) return;
    auto id = std::make_shared<::tonari::sim::EventId>(0);
    *id = m_sim.After(MONITOR_REDIAL_US, [this, tag, id] {
        m_redials.erase(*id);
        for (const auto& [conn, link] : m_links) {
            if (link.tag == tag) return;  // already back
        }
        m_net.Network(m_index).Connect(m_targets[tag - 1], tag);
    });
    m_redials.insert(*id);
}

void Monitor::Announced(const Link& link, const primitives::BlockHash& hash) {
    m_announced[hash].try_emplace(link.remote.address, m_sim.Now());
}

void Monitor::OnFrame(netcore::ConnectionId id, util::Bytes header, util::Bytes payload) {
    m_net.Network(m_index).FrameDone(id, payload.size());
    const auto it = m_links.find(id);
    auto head = wire::DecodeFrameHeader(header, m_magic);
    if (it == m_links.end() || !head) return;
    Link& link = it->second;
    const std::string& command = head->command;
    if (command == wire::VersionMsg::COMMAND) {
        Send(id, "verack", {});
    } else if (command == "verack") {
        if (!link.verack) m_up[link.remote.address].emplace_back(m_sim.Now(), std::numeric_limits<int64_t>::max());
        link.verack = true;
    } else if (command == wire::PingMsg::COMMAND) {
        if (auto ping = wire::PingMsg::Decode(payload)) Send(id, wire::PongMsg::COMMAND, wire::PongMsg{ping->nonce}.Encode());
    } else if (command == "getheaders") {
        // We have no headers to give: an empty answer, so the node's request does not hang.
        Send(id, wire::HeadersMsg::COMMAND, wire::HeadersMsg{}.Encode());
    } else if (command == wire::InvMsg::COMMAND) {
        if (auto inv = wire::InvMsg::Decode(payload)) {
            for (const auto& item : inv->items) {
                if ((item.type & ~wire::MSG_WITNESS_FLAG) == wire::MSG_BLOCK) Announced(link, primitives::BlockHash(item.hash));
            }
        }
    } else if (command == wire::HeadersMsg::COMMAND) {
        if (auto msg = wire::HeadersMsg::Decode(payload)) {
            for (const auto& h : msg->headers) Announced(link, h.ComputeHash());
        }
    } else if (command == wire::CmpctBlockMsg::COMMAND) {
        if (auto msg = wire::CmpctBlockMsg::Decode(payload)) Announced(link, msg->header.ComputeHash());
    }
}

}  // namespace tonari::bitcoin::sim
