// PeerManager, addresses: `addr`/`addrv2` gossip into the address manager with a per-peer
// rate limit, `getaddr` answers, and trickled forwarding of fresh addresses.
#include <algorithm>

#include "bitcoin/p2p/peer_manager.h"
#include "bitcoin/wire/addr.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::p2p {
namespace {

// Addresses older than this are not forwarded (they are gossip, not news).
constexpr int64_t ADDR_RELAY_MAX_AGE_SECONDS = 10 * 60;
// Gossip of this many addresses or fewer is news worth forwarding; bigger messages are
// getaddr answers (Core's rule).
constexpr size_t ADDR_RELAY_MAX_BATCH = 10;
// Peers each fresh address is forwarded to.
constexpr size_t ADDR_RELAY_FANOUT = 2;
// Tokens a peer gets when we ask it for addresses, so the answer is not rate limited.
constexpr double ADDR_GETADDR_TOKENS = 1'000;
constexpr double ADDR_TOKENS_PER_SECOND = 0.1;

util::Uint256 AddrKey(const wire::NetAddress& a) {
    crypto::Sha256 sha;
    const auto text = a.ToString();
    sha.Write({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    return util::Uint256(sha.Finalize());
}

std::chrono::steady_clock::time_point AsTimePoint(int64_t us) {
    return std::chrono::steady_clock::time_point(std::chrono::microseconds(us));
}

}  // namespace

void PeerManager::OnAddr(Peer& peer, util::ByteSpan payload, bool v2) {
    std::vector<wire::AddrEntry> entries;
    if (v2) {
        auto msg = wire::AddrV2Msg::Decode(payload);
        if (!msg) return Misbehaving(peer, std::string("malformed addrv2: ") + wire::ToString(msg.error()));
        entries = std::move(msg->entries);
    } else {
        auto msg = wire::AddrMsg::Decode(payload);
        if (!msg) return Misbehaving(peer, std::string("malformed addr: ") + wire::ToString(msg.error()));
        entries = std::move(msg->entries);
    }
    if (peer.type == ConnectionType::BlockRelayOnly) return;
    ProcessAddresses(peer, std::move(entries));
}

void PeerManager::ProcessAddresses(Peer& peer, std::vector<wire::AddrEntry> entries) {
    const int64_t now_us = Now();
    const int64_t now = now_us / 1'000'000;
    if (peer.getaddr_sent && entries.size() > ADDR_RELAY_MAX_BATCH) {
        // The answer to our getaddr: not rate limited, once.
        peer.getaddr_sent = false;
        peer.addr_tokens = netcore::TokenBucket(ADDR_TOKENS_PER_SECOND, ADDR_GETADDR_TOKENS);
    }
    std::vector<wire::AddrEntry> accepted;
    for (auto& e : entries) {
        // Rate limit (Core: one address per 10 s on average): a peer cannot churn our table.
        if (!peer.addr_tokens.TryTake(1, AsTimePoint(now_us))) break;
        peer.known_addrs.Insert(AddrKey(e.address));
        if (e.time <= 100'000'000 || e.time > now + 10 * 60) e.time = static_cast<uint32_t>(now - 5 * 24 * 60 * 60);
        accepted.push_back(e);
    }
    if (accepted.empty()) return;
    const wire::NetAddress source = peer.address.value_or(wire::NetAddress{});
    m_deps.addrman.Add(accepted, source, 2 * 60 * 60, now);
    if (entries.size() > ADDR_RELAY_MAX_BATCH) return;
    // Forward fresh addresses to a couple of other peers.
    std::vector<Peer*> targets;
    for (auto& [id, p] : m_peers) {
        if (p.get() != &peer && p->HandshakeDone() && p->type != ConnectionType::BlockRelayOnly) targets.push_back(p.get());
    }
    for (const auto& e : accepted) {
        if (e.time + ADDR_RELAY_MAX_AGE_SECONDS < now) continue;
        std::shuffle(targets.begin(), targets.end(), m_rng);
        for (size_t i = 0; i < std::min(ADDR_RELAY_FANOUT, targets.size()); ++i) {
            Peer& t = *targets[i];
            if (t.addr_to_send.size() < MAX_ADDR_TO_SEND && !t.known_addrs.Contains(AddrKey(e.address))) {
                t.addr_to_send.push_back(e);
            }
        }
    }
}

void PeerManager::OnGetAddr(Peer& peer) {
    // Only inbound peers are answered, once per connection: an outbound peer asking is a
    // fingerprinting attempt (Core's rule).
    if (!peer.IsInbound() || peer.getaddr_answered) return;
    peer.getaddr_answered = true;
    peer.addr_to_send = m_deps.addrman.GetAddr(MAX_ADDR_TO_SEND, MAX_PCT_ADDR_TO_SEND, NowSeconds());
    peer.next_addr_send_us = 0;
}

void PeerManager::TrickleAddrs(Peer& peer, int64_t now) {
    if (peer.addr_to_send.empty() || now < peer.next_addr_send_us) return;
    peer.next_addr_send_us = now + ADDR_TRICKLE_INTERVAL_US;
    std::vector<wire::AddrEntry> out;
    for (const auto& e : peer.addr_to_send) {
        const auto key = AddrKey(e.address);
        if (peer.known_addrs.Contains(key)) continue;
        peer.known_addrs.Insert(key);
        if (!peer.wants_addrv2 && !e.address.ToLegacy()) continue;  // not expressible in addr
        out.push_back(e);
    }
    peer.addr_to_send.clear();
    if (out.empty()) return;
    if (peer.wants_addrv2) {
        wire::AddrV2Msg msg;
        msg.entries = std::move(out);
        Send(peer, msg);
    } else {
        wire::AddrMsg msg;
        msg.entries = std::move(out);
        Send(peer, msg);
    }
}

}  // namespace tonari::bitcoin::p2p
