// The DHT's lists of nodes close to a key (spec "Client Lists" and "K-buckets"): distance is
// the XOR of public keys read as big-endian numbers; a ClientList keeps the k closest it has
// heard from, sorted closest first; KBuckets splits the close list by the first bit in which a
// node's key differs from ours, k per bucket. Both are bounded by construction: a flood of
// fresh keys can replace members but never grow a list.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "tox/wire/node_info.h"

namespace tonari::tox::dht {

using wire::NodeInfo;
using wire::PublicKey;

// True when a is closer to base than b.
bool Closer(const PublicKey& base, const PublicKey& a, const PublicKey& b);
// The first bit (0 = most significant) in which the keys differ; none for equal keys.
std::optional<uint8_t> BucketIndex(const PublicKey& base, const PublicKey& key);

// A member that stopped answering nodes requests this long ago is bad: kept only to be
// checked once more, never handed out, and the first to be overwritten (c-toxcore's 122 s).
inline constexpr int64_t BAD_NODE_TIMEOUT_US = 122'000'000;
// …and after this long it is dropped (c-toxcore's 182 s).
inline constexpr int64_t KILL_NODE_TIMEOUT_US = 182'000'000;

struct Client {
    NodeInfo node;
    int64_t last_response_us = 0;
    int64_t last_check_us = 0;
    // In a search list: the address this member last gave for the list's key, and when. A
    // friend's address as its close nodes see it, which hole punching aims at.
    std::optional<netcore::PeerEndpoint> returned;
    int64_t returned_us = 0;

    bool Good(int64_t now_us) const { return now_us - last_response_us < BAD_NODE_TIMEOUT_US; }
};

class ClientList {
public:
    ClientList(const PublicKey& base, size_t capacity) : m_base(base), m_capacity(capacity) {}

    const PublicKey& Base() const { return m_base; }
    const std::vector<Client>& Clients() const { return m_clients; }
    std::vector<Client>& MutableClients() { return m_clients; }
    bool Contains(const PublicKey& key) const;
    // Whether adding `key` now would keep it: room, a bad member to overwrite, or (when
    // `evict_furthest`) a member further from the base.
    bool Viable(const PublicKey& key, int64_t now_us, bool evict_furthest) const;
    // Adds or refreshes a node that answered us; false when it did not fit.
    bool Add(const NodeInfo& node, int64_t now_us, bool evict_furthest);
    void Remove(const PublicKey& key);
    // Drops members silent for KILL_NODE_TIMEOUT_US.
    void DropDead(int64_t now_us);

private:
    PublicKey m_base;
    size_t m_capacity;
    std::vector<Client> m_clients;  // closest first
};

class KBuckets {
public:
    KBuckets(const PublicKey& base, size_t bucket_size) : m_base(base), m_bucket_size(bucket_size) {}

    bool Contains(const PublicKey& key) const;
    bool Viable(const PublicKey& key, int64_t now_us) const;
    bool Add(const NodeInfo& node, int64_t now_us);
    void DropDead(int64_t now_us);
    size_t Size() const;
    // Every member, closest bucket first.
    template <typename F>
    void ForEach(F&& f) {
        for (auto it = m_buckets.rbegin(); it != m_buckets.rend(); ++it) {
            for (auto& c : it->second.MutableClients()) f(c);
        }
    }
    template <typename F>
    void ForEach(F&& f) const {
        for (auto it = m_buckets.rbegin(); it != m_buckets.rend(); ++it) {
            for (const auto& c : it->second.Clients()) f(c);
        }
    }

private:
    PublicKey m_base;
    size_t m_bucket_size;
    std::map<uint8_t, ClientList> m_buckets;  // empty buckets are erased
};

}  // namespace tonari::tox::dht
