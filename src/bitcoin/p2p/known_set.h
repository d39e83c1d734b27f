// KnownSet: a bounded "has this peer seen it" set of 256-bit hashes that forgets the oldest
// entries first. Per-peer inventory tracking must not grow with what a peer sends us (a peer
// announcing millions of hashes would otherwise grow our memory without limit); forgetting
// only risks announcing something twice.
// Not thread-safe: owned by one Peer on the validation strand.
#pragma once

#include <cstddef>
#include <deque>
#include <random>
#include <unordered_set>

#include "crypto/siphash.h"
#include "util/blob.h"

namespace tonari::bitcoin::p2p {

class KnownSet {
public:
    explicit KnownSet(size_t capacity) : m_capacity(capacity), m_set(16, Hasher{RandomKey(), RandomKey()}) {}

    bool Contains(const util::Uint256& hash) const { return m_set.count(hash) != 0; }
    void Insert(const util::Uint256& hash) {
        if (!m_set.insert(hash).second) return;
        m_order.push_back(hash);
        if (m_order.size() > m_capacity) {
            m_set.erase(m_order.front());
            m_order.pop_front();
        }
    }
    size_t Size() const { return m_set.size(); }

private:
    // Salted: transaction ids are cheap to grind into one hash bucket (hash flooding).
    struct Hasher {
        uint64_t k0 = 0;
        uint64_t k1 = 0;
        size_t operator()(const util::Uint256& h) const { return crypto::SipHash24Uint256(k0, k1, h); }
    };
    static uint64_t RandomKey() {
        std::random_device rd;
        return (uint64_t{rd()} << 32) ^ rd();
    }
    size_t m_capacity;
    std::unordered_set<util::Uint256, Hasher> m_set;
    std::deque<util::Uint256> m_order;
};

}  // namespace tonari::bitcoin::p2p
