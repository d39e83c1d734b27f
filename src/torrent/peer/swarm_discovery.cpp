// How the swarm finds peers beyond those it was told to keep: candidates from trackers and
// peer exchange (BEP 11), dialled while there is outbound room.
#include <algorithm>

#include "torrent/peer/swarm.h"
#include "torrent/peer/swarm_peer.h"
#include "torrent/peer/ut_pex.h"

namespace tonari::torrent::peer {

// --- peer exchange (BEP 11) ------------------------------------------------------------

void Swarm::OnPex(Peer& p, util::ByteSpan payload) {
    if (p.last_pex_in_us != 0 && m_now_us - p.last_pex_in_us < PEX_MIN_GAP_US) return;
    p.last_pex_in_us = m_now_us;
    auto m = DecodePex(payload);
    if (!m) return Drop(p, m.error());
    AddCandidates(m->added);
}

void Swarm::SendPex(Peer& p) {
    // Where each other peer takes connections: the address we dialled, or the address it came
    // from with the port it named in its extension handshake.
    std::set<std::string> now;
    std::map<std::string, netcore::PeerEndpoint> endpoints;
    for (const auto& [id, o] : m_peers) {
        if (o.get() == &p || !o->handshaken || o->dropped) continue;
        netcore::PeerEndpoint e = o->remote;
        if (o->inbound) {
            if (o->listen_port == 0) continue;
            e.port = o->listen_port;
        }
        endpoints[e.ToString()] = e;
        now.insert(e.ToString());
    }
    PexMessage m;
    std::vector<std::string> added;
    for (const auto& key : now) {
        if (!p.pex_told.count(key) && added.size() < MAX_PEX_PEERS) added.push_back(key);
    }
    std::vector<std::string> dropped;
    for (const auto& [key, e] : p.pex_told) {
        if (!now.count(key) && dropped.size() < MAX_PEX_PEERS) dropped.push_back(key);
    }
    if (added.empty() && dropped.empty()) return;
    for (const auto& key : added) {
        m.added.push_back(endpoints[key]);
        p.pex_told[key] = endpoints[key];
    }
    for (const auto& key : dropped) {
        m.dropped.push_back(p.pex_told[key]);
        p.pex_told.erase(key);
    }
    Send(p, wire::Extended{p.ut_pex, EncodePex(m)});
}

// --- discovered peers -------------------------------------------------------------------

Swarm::Candidate* Swarm::CandidateOf(uint64_t tag) {
    const auto it = m_candidate_tags.find(tag);
    if (it == m_candidate_tags.end()) return nullptr;
    const auto c = m_candidates.find(it->second);
    return c == m_candidates.end() ? nullptr : &c->second;
}

void Swarm::AddCandidates(const std::vector<netcore::PeerEndpoint>& peers) {
    if (m_candidates.size() + peers.size() > MAX_CANDIDATES) {
        // Full: room is made by forgetting peers that failed us, or that are seeds while we seed.
        std::erase_if(m_candidates, [&](const auto& e) {
            return e.second.tag == 0 && (e.second.failures > 0 || e.second.self || (e.second.seed && Seeding()));
        });
    }
    for (const auto& e : peers) {
        if (m_candidates.size() >= MAX_CANDIDATES) break;
        if (e.port == 0 || m_banned.count(AddressKey(e))) continue;
        if (std::find(m_options.keep_connected.begin(), m_options.keep_connected.end(), e) != m_options.keep_connected.end()) continue;
        Candidate& c = m_candidates[e.ToString()];
        c.endpoint = e;
    }
}

void Swarm::DialCandidates(int64_t now_us) {
    if (!m_net || m_error || m_candidates.empty()) return;
    // Trackers list us among the peers: our own listening address is never dialled.
    const auto listening = m_net->ListenEndpoints();
    auto is_us = [&](const netcore::PeerEndpoint& e) {
        for (const auto& l : listening) {
            const bool any = l.address == "0.0.0.0" || l.address == "::";
            if (l.port == e.port && (l.address == e.address || (any && IsLoopback(e.address)))) return true;
        }
        return false;
    };
    size_t outbound = m_candidate_tags.size();
    for (const auto& [id, p] : m_peers) {
        if (!p->inbound && CandidateOf(p->tag) == nullptr) ++outbound;  // keep_connected peers count too
    }
    for (auto& [key, c] : m_candidates) {
        if (outbound >= m_options.max_outbound) break;
        if (c.tag != 0 || c.self || c.next_try_us > now_us || (c.seed && Seeding()) || is_us(c.endpoint)) continue;
        if (m_banned.count(AddressKey(c.endpoint))) continue;
        bool connected = false;
        for (const auto& [id, p] : m_peers) connected = connected || p->remote == c.endpoint;
        if (connected) continue;
        c.tag = m_next_candidate_tag++;
        m_candidate_tags[c.tag] = key;
        ++outbound;
        m_net->Connect(c.endpoint, c.tag);
    }
}

}  // namespace tonari::torrent::peer
