// Lookup: candidate bookkeeping by XOR distance.
#include "torrent/dht/lookup.h"

#include <algorithm>

#include "torrent/dht/routing_table.h"

namespace tonari::torrent::dht {

void Lookup::AddCandidate(const NodeInfo& node, bool id_known, bool referred_by_public) {
    const bool local = IsLocalAddress(node.endpoint.address);
    if (referred_by_public && local) return;
    if (!local && id_known && m_public_ips.count(node.endpoint.address)) return;
    if (!id_known) {
        const std::string key = node.endpoint.ToString();
        if (!m_routers.count(key)) m_routers.emplace(key, Candidate{node, State::New, {}, false});
        return;
    }
    const NodeId distance = Xor(node.id, m_target);
    if (m_candidates.count(distance)) return;
    if (m_candidates.size() >= MAX_LOOKUP_CANDIDATES) {
        // Keep the closest: drop the farthest unqueried one if the newcomer is closer.
        auto last = std::prev(m_candidates.end());
        if (!(distance < last->first) || last->second.state != State::New) return;
        m_candidates.erase(last);
    }
    m_candidates.emplace(distance, Candidate{node, State::New, {}, false});
    if (!local) m_public_ips.insert(node.endpoint.address);
}

Lookup::Candidate* Lookup::Find(const netcore::PeerEndpoint& from) {
    for (auto& [d, c] : m_candidates) {
        if (c.node.endpoint == from && c.state == State::InFlight) return &c;
    }
    for (auto& [k, c] : m_routers) {
        if (c.node.endpoint == from && c.state == State::InFlight) return &c;
    }
    return nullptr;
}

std::vector<NodeInfo> Lookup::Next() {
    std::vector<NodeInfo> out;
    if (Done()) return out;
    auto take = [&](Candidate& c) {
        c.state = State::InFlight;
        ++m_in_flight;
        ++m_sent;
        out.push_back(c.node);
    };
    // Only the k closest not yet failed are worth asking; beyond them the lookup is over.
    size_t considered = 0;
    for (auto& [d, c] : m_candidates) {
        if (m_in_flight >= ALPHA || m_sent >= MAX_LOOKUP_QUERIES) break;
        if (c.state == State::Failed) continue;
        if (++considered > K) break;
        if (c.state == State::New) take(c);
    }
    for (auto& [k, c] : m_routers) {
        if (m_in_flight >= ALPHA || m_sent >= MAX_LOOKUP_QUERIES) break;
        if (c.state == State::New && m_answered == 0) take(c);
    }
    return out;
}

void Lookup::OnAnswer(const netcore::PeerEndpoint& from, const NodeId& id, const std::vector<NodeInfo>& nodes,
                      const std::vector<netcore::PeerEndpoint>& values, const std::optional<std::string>& token) {
    Candidate* c = Find(from);
    if (c == nullptr) return;
    const bool router = std::any_of(m_routers.begin(), m_routers.end(), [c](const auto& r) { return &r.second == c; });
    --m_in_flight;
    if (!router && c->node.id != id) {
        // Not the node we were told of: its place among the closest was a false claim.
        c->state = State::Failed;
        return;
    }
    c->state = State::Answered;
    c->node.id = id;
    if (token) {
        c->token = *token;
        c->has_token = true;
    }
    ++m_answered;
    // A router answered: from now on it is an ordinary candidate with a known id.
    for (auto it = m_routers.begin(); it != m_routers.end(); ++it) {
        if (&it->second == c) {
            Candidate moved = it->second;
            m_routers.erase(it);
            m_candidates.emplace(Xor(moved.node.id, m_target), moved);
            break;
        }
    }
    const bool public_referrer = !IsLocalAddress(from.address);
    for (const auto& n : nodes) AddCandidate(n, true, public_referrer);
    for (const auto& p : values) {
        if (m_peers_seen.size() >= MAX_LOOKUP_PEERS) break;
        if (m_peers_seen.insert(p.ToString()).second) m_new_peers.push_back(p);
    }
}

void Lookup::OnFailure(const netcore::PeerEndpoint& from) {
    Candidate* c = Find(from);
    if (c == nullptr) return;
    c->state = State::Failed;
    --m_in_flight;
}

bool Lookup::Done() const {
    if (m_in_flight > 0) return false;
    if (m_sent >= MAX_LOOKUP_QUERIES) return true;
    size_t considered = 0;
    for (const auto& [d, c] : m_candidates) {
        if (c.state == State::Failed) continue;
        if (++considered > K) break;
        if (c.state == State::New) return false;
    }
    if (m_answered == 0) {
        for (const auto& [k, c] : m_routers) {
            if (c.state == State::New) return false;
        }
    }
    return true;
}

std::vector<netcore::PeerEndpoint> Lookup::TakeNewPeers() { return std::exchange(m_new_peers, {}); }

std::vector<std::pair<NodeInfo, std::string>> Lookup::AnnounceTargets(size_t k) const {
    std::vector<std::pair<NodeInfo, std::string>> out;
    for (const auto& [d, c] : m_candidates) {
        if (out.size() >= k) break;
        if (c.state == State::Answered && c.has_token) out.emplace_back(c.node, c.token);
    }
    return out;
}

}  // namespace tonari::torrent::dht
