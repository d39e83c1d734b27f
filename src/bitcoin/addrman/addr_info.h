// AddrInfo and the bucket arithmetic of the address manager (modelled on Bitcoin Core's
// addrman): what we remember about one peer address, when it is "terrible", how likely
// Select() is to return it, its network group, and where the secret key puts it in the
// new/tried tables.
//
// Plain values and pure functions; AddrMan owns every AddrInfo. Thread-safety: none needed
// (BucketHasher is immutable after construction).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bitcoin/wire/net_address.h"
#include "util/bytes.h"

namespace tonari::bitcoin::addrman {

// --- Table geometry (Bitcoin Core's values) ---------------------------------------------
// The two tables are fixed arrays of slots, allocated once. Whatever peers send, the manager
// holds at most MAX_ENTRIES addresses: this is the memory bound that defends against addr
// flooding (a peer gossiping millions of addresses to exhaust our memory).
inline constexpr int NEW_BUCKET_COUNT = 1024;
inline constexpr int TRIED_BUCKET_COUNT = 256;
inline constexpr int BUCKET_SIZE = 64;
inline constexpr size_t MAX_ENTRIES =
    static_cast<size_t>(NEW_BUCKET_COUNT + TRIED_BUCKET_COUNT) * BUCKET_SIZE;  // 81,920

// Eclipse attack (an attacker filling our table with its own addresses so that all our
// outbound connections go to it): addresses heard from one source group (/16) can land in at
// most 64 of the 1024 new buckets, i.e. at most 64*64 = 4096 of 65,536 new slots, however
// many addresses that source gossips.
inline constexpr int NEW_BUCKETS_PER_SOURCE_GROUP = 64;
// Same attack on the tried table: addresses of one group occupy at most 8 tried buckets
// (8*64 = 512 slots), so owning one /16 of nodes buys at most 512 of 16,384 tried slots.
inline constexpr int TRIED_BUCKETS_PER_GROUP = 8;
// An address heard from several sources may sit in up to 8 new buckets (more references,
// more likely to be selected; each extra reference is half as likely to be taken).
inline constexpr int NEW_BUCKETS_PER_ADDRESS = 8;

// --- Ageing (Core's values) --------------------------------------------------------------
inline constexpr int64_t HORIZON = 30 * 24 * 3600;       // not seen for this long: terrible
inline constexpr int32_t RETRIES = 3;                    // failed tries, never a success
inline constexpr int32_t MAX_FAILURES = 10;              // successive failures ...
inline constexpr int64_t MIN_FAIL = 7 * 24 * 3600;       // ... with no success this recent
inline constexpr int64_t FUTURE_SLACK = 10 * 60;         // a time further ahead is forged
inline constexpr int64_t RECENT_TRY = 60;                // never call "terrible" just after a try
inline constexpr int64_t CHANCE_RECENT_TRY = 10 * 60;    // de-prioritise very recent attempts
inline constexpr int64_t CONNECTED_UPDATE_INTERVAL = 20 * 60;

struct AddrInfo {
    wire::AddrEntry entry;      // the address, its last-seen time and services
    wire::NetAddress source;    // who told us first (decides the new bucket)
    int64_t last_try = 0;       // last connection attempt (unix seconds; 0 = never)
    int64_t last_count_attempt = 0;  // last attempt that counted towards `attempts`
    int64_t last_success = 0;   // last completed handshake (0 = never)
    int32_t attempts = 0;       // failed attempts since the last success
    int ref_count = 0;          // how many new-table slots point at it (0 when tried)
    bool in_tried = false;
    size_t random_pos = 0;      // index in AddrMan's vector of all ids

    // Worth forgetting: forged future time, stale beyond HORIZON, or failing repeatedly.
    bool IsTerrible(int64_t now) const;
    // Relative selection weight in (0, 1]: lower after recent and repeated failures.
    double GetChance(int64_t now) const;
};

// The group an address belongs to for bucketing: IPv4 /16, IPv6 /32, and for Tor/I2P/CJDNS
// the top 4 bits (Core's choice: those addresses are free to make, so grouping them finer buys
// nothing). Prefixed by the network id so groups of different networks never coincide.
util::Bytes NetGroup(const wire::NetAddress& addr);

// Bucket placement keyed by the manager's secret (k0, k1): a peer that does not know the key
// cannot aim addresses at chosen buckets or evict chosen entries.
class BucketHasher {
public:
    BucketHasher(uint64_t k0, uint64_t k1) : m_k0(k0), m_k1(k1) {}

    int TriedBucket(const wire::NetAddress& addr) const;
    int NewBucket(const wire::NetAddress& addr, const wire::NetAddress& source) const;
    int Position(bool is_new, int bucket, const wire::NetAddress& addr) const;
    // A 64-bit MAC of a constant under the key: tells a saved table's key from another
    // without storing the key itself.
    uint64_t Fingerprint() const;

private:
    uint64_t Hash(util::ByteSpan data) const;

    uint64_t m_k0;
    uint64_t m_k1;
};

}  // namespace tonari::bitcoin::addrman
