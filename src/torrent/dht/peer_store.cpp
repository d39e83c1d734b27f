// PeerStore: bounded insert, random sample, expiry.
#include "torrent/dht/peer_store.h"

#include <algorithm>

#include "netcore/compact_endpoint.h"

namespace tonari::torrent::dht {

bool PeerStore::Add(const NodeId& info_hash, const netcore::PeerEndpoint& peer, bool seed, int64_t now_us) {
    auto it = m_swarms.find(info_hash);
    if (it == m_swarms.end()) {
        if (m_swarms.size() >= MAX_STORED_TORRENTS) return false;
        it = m_swarms.emplace(info_hash, std::vector<Entry>{}).first;
    }
    auto& peers = it->second;
    const bool local = IsLocalAddress(peer.address);
    for (auto& e : peers) {
        // Loopback and LAN peers share addresses legitimately; public ones get one entry.
        if (local ? e.peer == peer : e.peer.address == peer.address) {
            e.peer = peer;
            e.seed = seed;
            e.expires_us = now_us + PEER_TTL_US;
            return true;
        }
    }
    if (peers.size() >= MAX_PEERS_PER_TORRENT) {
        auto oldest = std::min_element(peers.begin(), peers.end(),
                                       [](const Entry& a, const Entry& b) { return a.expires_us < b.expires_us; });
        *oldest = {peer, seed, now_us + PEER_TTL_US};
        return true;
    }
    if (m_total >= MAX_STORED_PEERS) return false;
    peers.push_back({peer, seed, now_us + PEER_TTL_US});
    ++m_total;
    return true;
}

std::vector<netcore::PeerEndpoint> PeerStore::Get(const NodeId& info_hash, bool ipv6, size_t max,
                                                  const RandomSource& random) const {
    std::vector<netcore::PeerEndpoint> out;
    const auto it = m_swarms.find(info_hash);
    if (it == m_swarms.end()) return out;
    for (const auto& e : it->second) {
        if (netcore::IsIpv6Literal(e.peer.address) == ipv6) out.push_back(e.peer);
    }
    // A partial Fisher-Yates shuffle picks a fair sample without favouring early announcers.
    for (size_t i = 0; i < out.size() && i < max; ++i) {
        std::array<uint8_t, 4> r{};
        random(r);
        const uint32_t x = (uint32_t{r[0]} << 24) | (uint32_t{r[1]} << 16) | (uint32_t{r[2]} << 8) | r[3];
        std::swap(out[i], out[i + x % (out.size() - i)]);
    }
    if (out.size() > max) out.resize(max);
    return out;
}

void PeerStore::Expire(int64_t now_us) {
    for (auto it = m_swarms.begin(); it != m_swarms.end();) {
        auto& peers = it->second;
        const auto gone = std::remove_if(peers.begin(), peers.end(), [&](const Entry& e) { return e.expires_us <= now_us; });
        m_total -= static_cast<size_t>(peers.end() - gone);
        peers.erase(gone, peers.end());
        it = peers.empty() ? m_swarms.erase(it) : std::next(it);
    }
}

size_t PeerStore::PeerCount() const { return m_total; }

}  // namespace tonari::torrent::dht
