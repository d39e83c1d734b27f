// AddrMan: the peer addresses we know of, modelled on Bitcoin Core's address manager.
//
// Addresses heard from gossip go to the "new" table (1024 buckets of 64 slots); an address we
// completed a handshake with moves to the "tried" table (256 x 64). Where an address lands is
// decided by SipHash under a secret key, from its network group and the group of the peer that
// told us, so that one source (or one /16 of sources) can fill at most 64 new buckets and a
// peer cannot aim at, or evict, chosen entries: the defence against eclipse attacks. The
// tables are fixed arrays, which bounds memory at MAX_ENTRIES (addr flooding defence).
// Simplifications against Core: no asmap, no test-before-evict (a tried collision sends the
// old entry back to the new table at once), network groups ignore Core's special IPv6 ranges.
//
// Deterministic: randomness comes from a std::mt19937_64 seeded by the caller, and every
// method that needs the time takes `now` (unix seconds). No globals, no clock.
//
// Thread-safety: none. The owner serializes every call (the node keeps it on one strand);
// even Select() and GetAddr() mutate state (RNG, shuffle order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bitcoin/addrman/addr_info.h"
#include "bitcoin/wire/net_address.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::addrman {

struct AddrManOptions {
    uint64_t key0 = 0;  // the bucketing secret: random per node, kept private
    uint64_t key1 = 0;
    uint64_t rng_seed = 0;
};

// Where an address sits, for tests and diagnostics.
struct AddrPosition {
    bool tried = false;
    int multiplicity = 0;  // new-table references (1 when tried)
    int bucket = 0;        // the tried bucket, or one of its new buckets
    int position = 0;
};

class AddrMan {
public:
    explicit AddrMan(AddrManOptions options);

    // Adds gossiped addresses heard from `source`; returns how many were not known before and
    // were stored. `time_penalty` seconds are subtracted from each entry's time (Core: 2h for
    // addresses relayed by peers, 0 for our own/seeds; never when a peer announces itself).
    // Malformed and unroutable addresses are ignored (unroutable ones are kept when
    // SetAllowLocal(true)). A malformed `source` is recorded as 0.0.0.0:0.
    size_t Add(const std::vector<wire::AddrEntry>& entries, const wire::NetAddress& source,
               int64_t time_penalty, int64_t now);
    // Accept loopback/private addresses too (regtest, tests).
    void SetAllowLocal(bool allow) { m_allow_local = allow; }

    // Handshake completed: reset failures and move the address to the tried table. A tried
    // slot already taken sends its occupant back to the new table.
    void Good(const wire::NetAddress& addr, int64_t now);
    // A connection attempt. Failures count at most once per Good() anywhere, so an outage of
    // our own network does not make every address look dead.
    void Attempt(const wire::NetAddress& addr, bool count_failure, int64_t now);
    // Still connected: refresh its time, at most every CONNECTED_UPDATE_INTERVAL (privacy:
    // the time we relay should not reveal exactly when we were talking to it).
    void Connected(const wire::NetAddress& addr, int64_t now);
    void SetServices(const wire::NetAddress& addr, uint64_t services);

    // An address to try connecting to, nullopt when there is none. Tried and new tables are
    // chosen with equal odds (unless new_only or one is empty); within a table, a random slot,
    // accepted with probability GetChance() scaled up by 1.2 after each rejection.
    std::optional<wire::AddrEntry> Select(bool new_only, int64_t now);

    // A random sample for a getaddr reply: at most max_count entries and max_pct percent of
    // the table (0 = no limit for either, as in Core), terrible addresses left out.
    std::vector<wire::AddrEntry> GetAddr(size_t max_count, size_t max_pct, int64_t now);

    size_t Size() const { return m_random.size(); }
    size_t NewCount() const { return m_new_count; }
    size_t TriedCount() const { return m_tried_count; }

    std::optional<AddrPosition> FindAddressEntry(const wire::NetAddress& addr) const;

    // Versioned format, SHA256d checksum of the body appended (see addrman_serialize.cpp).
    util::Bytes Serialize() const;
    // Any corrupt, truncated or mis-checksummed input is an error, never a crash. When the
    // file was written under the same key, bucket positions are restored exactly; under
    // another key every entry is re-bucketed (new entries once, by their source; tried entries
    // that collide go back to new), and entries that find no free slot are dropped.
    static util::Result<AddrMan, std::string> Deserialize(util::ByteSpan bytes,
                                                          AddrManOptions options);

private:
    using Id = int64_t;
    static constexpr Id EMPTY = -1;

    bool AddOne(const wire::AddrEntry& entry, const wire::NetAddress& source,
                int64_t time_penalty, int64_t now);
    bool Acceptable(const wire::NetAddress& addr) const;
    AddrInfo* Find(const wire::NetAddress& addr, Id* id_out = nullptr);
    const AddrInfo* Find(const wire::NetAddress& addr) const;
    Id Create(const wire::AddrEntry& entry, const wire::NetAddress& source);
    void Delete(Id id);
    void ClearNew(int bucket, int position);
    void MakeTried(Id id);
    void SwapRandom(size_t a, size_t b);
    Id& NewSlot(int bucket, int position) { return m_new[bucket * BUCKET_SIZE + position]; }
    Id& TriedSlot(int bucket, int position) { return m_tried[bucket * BUCKET_SIZE + position]; }
    uint64_t RandBelow(uint64_t n);

    BucketHasher m_hasher;
    std::mt19937_64 m_rng;
    bool m_allow_local = false;

    std::map<Id, AddrInfo> m_info;        // ordered: serialization order is id order
    std::map<wire::NetAddress, Id> m_ids;
    std::vector<Id> m_random;             // all ids, for uniform sampling and shuffles
    std::vector<Id> m_new;                // NEW_BUCKET_COUNT * BUCKET_SIZE slots
    std::vector<Id> m_tried;              // TRIED_BUCKET_COUNT * BUCKET_SIZE slots
    Id m_next_id = 0;
    size_t m_new_count = 0;
    size_t m_tried_count = 0;
    int64_t m_last_good = 1;  // time of the last Good(); gates failure counting
};

}  // namespace tonari::bitcoin::addrman
