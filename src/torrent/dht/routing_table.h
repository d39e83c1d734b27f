// The DHT routing table: k-buckets by shared prefix with our own id (Kademlia as BEP 5 uses
// it), each holding at most k nodes plus a small replacement cache. A node enters only once
// it has answered one of our queries, or asked us something while its bucket has room; nodes
// that stop answering are replaced by fresher ones from the cache. At public addresses a node
// must carry a BEP 42 id and only one node per IP is kept (so one machine cannot fill a
// bucket with made-up ids). Plain data, not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "torrent/dht/krpc.h"
#include "torrent/dht/node_id.h"

namespace tonari::torrent::dht {

// BEP 5's bucket size.
inline constexpr size_t K = 8;
// Unanswered queries after which a node is bad and leaves the table.
inline constexpr int MAX_NODE_FAILURES = 2;
// A node not heard from this long is questionable: pinged before it is trusted again.
inline constexpr int64_t QUESTIONABLE_AFTER_US = 15LL * 60 * 1'000'000;

struct NodeEntry {
    NodeInfo info;
    int64_t last_heard_us = 0;  // last query from it or answer to us
    bool answered = false;      // it has answered one of our queries
    int failures = 0;           // queries in a row it left unanswered
};

class RoutingTable {
public:
    explicit RoutingTable(const NodeId& self) : m_self(self) {}

    const NodeId& Self() const { return m_self; }
    // A node answered us (answered = true) or queried us. Returns true if it is in the table.
    bool Heard(const NodeInfo& node, bool answered, int64_t now_us);
    // One of our queries to this endpoint went unanswered.
    void Failed(const netcore::PeerEndpoint& endpoint);
    // The n nodes closest to target, closest first (answered nodes only when `answered_only`).
    std::vector<NodeInfo> Closest(const NodeId& target, size_t n, bool answered_only = false) const;
    // True when this endpoint is in the table and has answered a query of ours.
    bool IsVerified(const netcore::PeerEndpoint& endpoint) const;
    // Questionable nodes to ping now (bounded), oldest first.
    std::vector<NodeInfo> Questionable(int64_t now_us, size_t max) const;
    // Prefix lengths of buckets nobody has been heard in for `idle_us` (to refresh them).
    std::vector<int> IdleBuckets(int64_t now_us, int64_t idle_us) const;
    // A refresh of that bucket started: it is not idle again until `idle_us` has passed.
    void MarkRefreshed(int bits, int64_t now_us);
    size_t Size() const;
    std::vector<NodeInfo> All() const;

private:
    struct Bucket {
        std::vector<NodeEntry> nodes;
        std::vector<NodeEntry> replacements;  // at most K, newest last
        int64_t last_changed_us = 0;
    };
    Bucket& BucketFor(const NodeId& id);
    bool IpTaken(const std::string& address, const NodeId& except) const;

    NodeId m_self;
    std::array<Bucket, 161> m_buckets{};
};

}  // namespace tonari::torrent::dht
