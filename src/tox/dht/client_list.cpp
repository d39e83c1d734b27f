// Client lists and k-buckets.
#include "tox/dht/client_list.h"

#include <algorithm>
#include <bit>

namespace tonari::tox::dht {

bool Closer(const PublicKey& base, const PublicKey& a, const PublicKey& b) {
    for (size_t i = 0; i < PublicKey::SIZE; ++i) {
        const uint8_t da = a.data()[i] ^ base.data()[i];
        const uint8_t db = b.data()[i] ^ base.data()[i];
        if (da != db) return da < db;
    }
    return false;
}

std::optional<uint8_t> BucketIndex(const PublicKey& base, const PublicKey& key) {
    for (size_t i = 0; i < PublicKey::SIZE; ++i) {
        const uint8_t x = base.data()[i] ^ key.data()[i];
        if (x != 0) return static_cast<uint8_t>(8 * i + static_cast<size_t>(std::countl_zero(x)));
    }
    return std::nullopt;
}

bool ClientList::Contains(const PublicKey& key) const {
    return std::any_of(m_clients.begin(), m_clients.end(), [&](const Client& c) { return c.node.public_key == key; });
}

bool ClientList::Viable(const PublicKey& key, int64_t now_us, bool evict_furthest) const {
    if (key == m_base) return false;
    if (m_clients.size() < m_capacity || Contains(key)) return true;
    if (std::any_of(m_clients.begin(), m_clients.end(), [&](const Client& c) { return !c.Good(now_us); })) return true;
    return evict_furthest && Closer(m_base, key, m_clients.back().node.public_key);
}

bool ClientList::Add(const NodeInfo& node, int64_t now_us, bool evict_furthest) {
    if (node.public_key == m_base) return false;
    for (auto& c : m_clients) {
        if (c.node.public_key == node.public_key) {
            c.node = node;
            c.last_response_us = now_us;
            return true;
        }
    }
    Client fresh;
    fresh.node = node;
    fresh.last_response_us = now_us;
    if (m_clients.size() >= m_capacity) {
        // Overwrite the furthest bad member first, then (for search lists) the furthest one if
        // the newcomer is closer. The newcomer inherits the last check time of the one it
        // replaces, as c-toxcore does, so churn cannot postpone checks.
        auto victim = std::find_if(m_clients.rbegin(), m_clients.rend(), [&](const Client& c) { return !c.Good(now_us); });
        if (victim == m_clients.rend()) {
            if (!evict_furthest || !Closer(m_base, node.public_key, m_clients.back().node.public_key)) return false;
            victim = m_clients.rbegin();
        }
        fresh.last_check_us = victim->last_check_us;
        m_clients.erase(std::next(victim).base());
    }
    auto at = std::lower_bound(m_clients.begin(), m_clients.end(), fresh, [&](const Client& a, const Client& b) {
        return Closer(m_base, a.node.public_key, b.node.public_key);
    });
    m_clients.insert(at, std::move(fresh));
    return true;
}

void ClientList::Remove(const PublicKey& key) {
    std::erase_if(m_clients, [&](const Client& c) { return c.node.public_key == key; });
}

void ClientList::DropDead(int64_t now_us) {
    std::erase_if(m_clients, [&](const Client& c) { return now_us - c.last_response_us >= KILL_NODE_TIMEOUT_US; });
}

bool KBuckets::Contains(const PublicKey& key) const {
    const auto index = BucketIndex(m_base, key);
    if (!index) return false;
    const auto it = m_buckets.find(*index);
    return it != m_buckets.end() && it->second.Contains(key);
}

bool KBuckets::Viable(const PublicKey& key, int64_t now_us) const {
    const auto index = BucketIndex(m_base, key);
    if (!index) return false;
    const auto it = m_buckets.find(*index);
    return it == m_buckets.end() || it->second.Viable(key, now_us, false);
}

bool KBuckets::Add(const NodeInfo& node, int64_t now_us) {
    const auto index = BucketIndex(m_base, node.public_key);
    if (!index) return false;
    auto it = m_buckets.try_emplace(*index, m_base, m_bucket_size).first;
    return it->second.Add(node, now_us, false);
}

void KBuckets::DropDead(int64_t now_us) {
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        it->second.DropDead(now_us);
        it = it->second.Clients().empty() ? m_buckets.erase(it) : std::next(it);
    }
}

size_t KBuckets::Size() const {
    size_t n = 0;
    for (const auto& [index, list] : m_buckets) n += list.Clients().size();
    return n;
}

}  // namespace tonari::tox::dht
