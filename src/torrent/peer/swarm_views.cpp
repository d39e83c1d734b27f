// What a watcher sees of the swarm (the dashboard, the daemon's torrent-get, the command's
// progress line): the counts, each connection, our have-map, and the payload traded with each
// peer by peer id over every connection.
#include <algorithm>

#include "torrent/peer/swarm.h"
#include "torrent/peer/swarm_peer.h"
#include "util/hex.h"

namespace tonari::torrent::peer {

SwarmStats Swarm::Stats() const {
    SwarmStats s;
    s.pieces_have = m_picker.HaveCount();
    s.pieces_total = m_picker.PieceCount();
    s.bytes_have = m_bytes_have;
    s.downloaded = m_downloaded;
    s.uploaded = m_uploaded;
    s.download_rate = m_down_rate;
    s.upload_rate = m_up_rate;
    s.hash_failures = m_hash_failures;
    s.peers_banned = m_banned.size();
    for (const auto& [id, p] : m_peers) {
        if (!p->handshaken) continue;
        ++s.peers;
        if (p->has_count == s.pieces_total) ++s.seeds;
        if (p->transport == "rc4") ++s.encrypted_peers;
    }
    return s;
}

std::vector<PeerView> Swarm::Peers() const {
    std::vector<PeerView> out;
    for (const auto& [id, p] : m_peers) {
        if (!p->handshaken || p->dropped) continue;
        PeerView v;
        v.remote = p->remote;
        v.address = p->remote.ToString();
        v.peer_id_hex = util::HexEncode(p->peer_id);
        v.client = p->client;
        v.inbound = p->inbound;
        v.encrypted = p->transport == "rc4";
        v.pieces = p->has_count;
        v.uploaded = p->total_up;
        v.downloaded = p->total_down;
        v.up_rate = p->up_rate;
        v.down_rate = p->down_rate;
        v.am_choking = p->am_choking;
        v.am_interested = p->am_interested;
        v.peer_choking = p->peer_choking;
        v.peer_interested = p->peer_interested;
        out.push_back(std::move(v));
    }
    return out;
}

PeerTotals& Swarm::TotalsOf(const Peer& p) {
    auto it = m_totals.find(p.peer_id);
    if (it == m_totals.end()) {
        if (m_totals.size() >= std::max<size_t>(m_options.max_peer_totals, 1)) {
            auto least = std::min_element(m_totals.begin(), m_totals.end(), [](const auto& a, const auto& b) {
                return a.second.uploaded + a.second.downloaded < b.second.uploaded + b.second.downloaded;
            });
            m_totals.erase(least);
        }
        it = m_totals.emplace(p.peer_id, PeerTotals{.peer_id_hex = util::HexEncode(p.peer_id), .address = p.remote.ToString()}).first;
    }
    return it->second;
}

std::vector<PeerTotals> Swarm::Totals() const {
    std::vector<PeerTotals> out;
    out.reserve(m_totals.size());
    for (const auto& [id, t] : m_totals) out.push_back(t);
    std::stable_sort(out.begin(), out.end(), [](const PeerTotals& a, const PeerTotals& b) {
        return a.uploaded + a.downloaded > b.uploaded + b.downloaded;
    });
    return out;
}

std::vector<bool> Swarm::HaveMap() const {
    std::vector<bool> have(m_picker.PieceCount());
    for (uint64_t i = 0; i < have.size(); ++i) have[i] = m_picker.Have(i);
    return have;
}

}  // namespace tonari::torrent::peer
