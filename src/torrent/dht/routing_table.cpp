// RoutingTable: insertion, replacement and closest-node queries.
#include "torrent/dht/routing_table.h"

#include <algorithm>

namespace tonari::torrent::dht {

RoutingTable::Bucket& RoutingTable::BucketFor(const NodeId& id) { return m_buckets[CommonPrefixBits(m_self, id)]; }

bool RoutingTable::IpTaken(const std::string& address, const NodeId& except) const {
    if (IsLocalAddress(address)) return false;
    for (const auto& b : m_buckets) {
        for (const auto& n : b.nodes) {
            if (n.info.endpoint.address == address && n.info.id != except) return true;
        }
    }
    return false;
}

bool RoutingTable::Heard(const NodeInfo& node, bool answered, int64_t now_us) {
    if (node.id == m_self || node.endpoint.port == 0) return false;
    if (!NodeIdMatchesAddress(node.id, node.endpoint.address)) return false;
    Bucket& b = BucketFor(node.id);
    for (auto& n : b.nodes) {
        if (n.info.id != node.id) continue;
        if (n.info.endpoint != node.endpoint) {
            // The same id from another address: only an answer may move it (a query's source
            // can be forged).
            if (!answered) return true;
            n.info.endpoint = node.endpoint;
        }
        n.last_heard_us = now_us;
        n.answered = n.answered || answered;
        n.failures = 0;
        b.last_changed_us = now_us;
        return true;
    }
    if (answered) {
        // The node at this endpoint answered with a new id: the old entry is stale.
        for (auto& other : m_buckets) {
            auto stale = std::find_if(other.nodes.begin(), other.nodes.end(), [&](const NodeEntry& n) {
                return n.info.endpoint == node.endpoint && n.info.id != node.id;
            });
            if (stale != other.nodes.end()) other.nodes.erase(stale);
        }
    }
    if (IpTaken(node.endpoint.address, node.id)) return false;
    NodeEntry entry{node, now_us, answered, 0};
    if (b.nodes.size() < K) {
        b.nodes.push_back(entry);
        b.last_changed_us = now_us;
        return true;
    }
    // Full: a bad node makes room for one that answered.
    auto bad = std::find_if(b.nodes.begin(), b.nodes.end(), [](const NodeEntry& n) { return n.failures >= MAX_NODE_FAILURES; });
    if (bad != b.nodes.end() && answered) {
        *bad = entry;
        b.last_changed_us = now_us;
        return true;
    }
    if (!answered) return false;
    auto cached = std::find_if(b.replacements.begin(), b.replacements.end(),
                               [&](const NodeEntry& n) { return n.info.id == node.id; });
    if (cached != b.replacements.end()) b.replacements.erase(cached);
    if (b.replacements.size() >= K) b.replacements.erase(b.replacements.begin());
    b.replacements.push_back(entry);
    return false;
}

void RoutingTable::Failed(const netcore::PeerEndpoint& endpoint) {
    for (auto& b : m_buckets) {
        for (size_t i = 0; i < b.nodes.size(); ++i) {
            if (b.nodes[i].info.endpoint != endpoint) continue;
            if (++b.nodes[i].failures < MAX_NODE_FAILURES) return;
            if (!b.replacements.empty()) {
                b.nodes[i] = b.replacements.back();
                b.replacements.pop_back();
            } else if (!b.nodes[i].answered || b.nodes[i].failures > MAX_NODE_FAILURES + 2) {
                b.nodes.erase(b.nodes.begin() + static_cast<ptrdiff_t>(i));
            }
            return;
        }
    }
}

std::vector<NodeInfo> RoutingTable::Closest(const NodeId& target, size_t n, bool answered_only) const {
    std::vector<const NodeEntry*> all;
    for (const auto& b : m_buckets) {
        for (const auto& e : b.nodes) {
            if (e.failures >= MAX_NODE_FAILURES || (answered_only && !e.answered)) continue;
            all.push_back(&e);
        }
    }
    const size_t take = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<ptrdiff_t>(take), all.end(),
                      [&](const NodeEntry* a, const NodeEntry* b) { return Closer(target, a->info.id, b->info.id); });
    std::vector<NodeInfo> out;
    for (size_t i = 0; i < take; ++i) out.push_back(all[i]->info);
    return out;
}

bool RoutingTable::IsVerified(const netcore::PeerEndpoint& endpoint) const {
    for (const auto& b : m_buckets) {
        for (const auto& e : b.nodes) {
            if (e.info.endpoint == endpoint) return e.answered;
        }
    }
    return false;
}

std::vector<NodeInfo> RoutingTable::Questionable(int64_t now_us, size_t max) const {
    std::vector<const NodeEntry*> stale;
    for (const auto& b : m_buckets) {
        for (const auto& e : b.nodes) {
            if (!e.answered || now_us - e.last_heard_us > QUESTIONABLE_AFTER_US) stale.push_back(&e);
        }
    }
    std::sort(stale.begin(), stale.end(), [](const NodeEntry* a, const NodeEntry* b) { return a->last_heard_us < b->last_heard_us; });
    std::vector<NodeInfo> out;
    for (size_t i = 0; i < stale.size() && i < max; ++i) out.push_back(stale[i]->info);
    return out;
}

std::vector<int> RoutingTable::IdleBuckets(int64_t now_us, int64_t idle_us) const {
    // Only the buckets up to the deepest occupied one exist in practice (deeper ones are
    // sub-ranges nobody lives in); refreshing those is what fills the table.
    int deepest = 0;
    for (int i = 0; i < 160; ++i) {
        if (!m_buckets[static_cast<size_t>(i)].nodes.empty()) deepest = i;
    }
    std::vector<int> out;
    for (int i = 0; i <= std::min(deepest + 1, 159); ++i) {
        if (now_us - m_buckets[static_cast<size_t>(i)].last_changed_us > idle_us) out.push_back(i);
    }
    return out;
}

void RoutingTable::MarkRefreshed(int bits, int64_t now_us) {
    if (bits >= 0 && bits < 161) m_buckets[static_cast<size_t>(bits)].last_changed_us = now_us;
}

size_t RoutingTable::Size() const {
    size_t n = 0;
    for (const auto& b : m_buckets) n += b.nodes.size();
    return n;
}

std::vector<NodeInfo> RoutingTable::All() const {
    std::vector<NodeInfo> out;
    for (const auto& b : m_buckets) {
        for (const auto& e : b.nodes) out.push_back(e.info);
    }
    return out;
}

}  // namespace tonari::torrent::dht
