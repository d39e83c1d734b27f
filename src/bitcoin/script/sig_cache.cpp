// SignatureCache: salted SHA-256 keys in sharded, FIFO-evicting hash tables.
//
// Layout. The cache is split into a power-of-two number of shards, chosen by one word of the
// key, each behind its own std::shared_mutex, so script-check threads rarely meet on a lock
// and lookups (the common case in block validation) share it. A shard keeps its keys in a
// ring (insertion order) and finds them through an open-addressing index of ring positions
// (linear probing, load <= 1/2): about 40 bytes per entry, allocated as the shard fills.
//
// Eviction: first in, first out, per shard. A full shard overwrites its oldest entry. Each
// shard holds an exact share of max_entries, so the total never exceeds it; since keys spread
// over shards only about evenly, the first shard fills while the cache as a whole is a little
// short of full (under 1% short at the default size).
// Why FIFO rather than random: the entries most worth keeping are the newest (transactions
// that just entered the mempool are the ones the next blocks will contain); FIFO costs O(1)
// with no random source on the insert path; and the bound is exact and deterministic, which
// the tests check. Flushing the cache takes max_entries valid signatures from transactions
// that pass relay policy and pay fees, and costs us only re-verification time.
//
// Keys: SHA-256(salt || kind || sighash || len(pubkey) || pubkey || len(sig) || sig). The
// 64-byte salt is one whole SHA-256 block, so its midstate is computed once and copied per
// key. The lengths make the encoding unambiguous; the salt makes table positions and keys
// unpredictable, so a peer cannot aim collisions or probe chains at our table.
#include "bitcoin/script/sig_cache.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "crypto/random.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::script {
namespace {

// Upper bound on shards: enough that a handful of check threads rarely share a lock.
constexpr size_t MAX_SHARDS = 16;
// First index size of a shard; it doubles as entries arrive.
constexpr size_t MIN_INDEX_SLOTS = 16;
constexpr uint32_t EMPTY_SLOT = UINT32_MAX;

// One lock's worth of the cache. All members are guarded by `mutex`.
struct alignas(64) Shard {
    mutable std::shared_mutex mutex;
    size_t capacity = 0;              // entries this shard may hold
    std::vector<util::Uint256> ring;  // keys; grows to capacity, then wraps
    size_t oldest = 0;                // when full, the ring slot to overwrite next
    std::vector<uint32_t> index;      // ring positions or EMPTY_SLOT; size a power of two

    // Word 0 of the key picks the shard, word 2 its home slot (uniform: a salted hash).
    size_t Home(const util::Uint256& key) const { return key.GetUint64(2) & (index.size() - 1); }

    // Index slot holding `key`, or index.size() when absent.
    size_t Find(const util::Uint256& key) const {
        if (index.empty()) return index.size();
        const size_t mask = index.size() - 1;
        for (size_t p = Home(key);; p = (p + 1) & mask) {
            if (index[p] == EMPTY_SLOT) return index.size();
            if (ring[index[p]] == key) return p;
        }
    }

    void PlaceInIndex(uint32_t ring_pos) {
        const size_t mask = index.size() - 1;
        size_t p = Home(ring[ring_pos]);
        while (index[p] != EMPTY_SLOT) p = (p + 1) & mask;
        index[p] = ring_pos;
    }

    void Rebuild(size_t slots) {
        index.assign(slots, EMPTY_SLOT);
        for (size_t i = 0; i < ring.size(); ++i) PlaceInIndex(static_cast<uint32_t>(i));
    }

    // Removes index slot p, shifting later members of its probe run back so every remaining
    // key stays reachable from its home slot (deletion without tombstones).
    void EraseSlot(size_t p) {
        const size_t mask = index.size() - 1;
        size_t hole = p;
        for (size_t q = (p + 1) & mask; index[q] != EMPTY_SLOT; q = (q + 1) & mask) {
            const size_t home = Home(ring[index[q]]);
            // The entry at q may fill the hole unless its home lies cyclically in (hole, q].
            const bool home_after_hole = hole <= q ? (hole < home && home <= q) : (hole < home || home <= q);
            if (home_after_hole) continue;
            index[hole] = index[q];
            hole = q;
        }
        index[hole] = EMPTY_SLOT;
    }

    bool Contains(const util::Uint256& key) const { return Find(key) != index.size(); }

    void Insert(const util::Uint256& key) {
        if (capacity == 0 || Contains(key)) return;
        if (ring.size() < capacity) {
            // Grow by doubling but never past capacity, so a full shard holds no slack.
            if (ring.size() == ring.capacity()) {
                ring.reserve(std::min(capacity, std::max<size_t>(16, 2 * ring.size())));
            }
            ring.push_back(key);
            if (2 * ring.size() > index.size()) {
                Rebuild(std::max(MIN_INDEX_SLOTS, 2 * index.size()));
            } else {
                PlaceInIndex(static_cast<uint32_t>(ring.size() - 1));
            }
            return;
        }
        const size_t old_slot = Find(ring[oldest]);
        assert(old_slot != index.size());
        EraseSlot(old_slot);
        ring[oldest] = key;
        PlaceInIndex(static_cast<uint32_t>(oldest));
        oldest = (oldest + 1) % capacity;
    }
};

}  // namespace

struct SignatureCache::Impl {
    crypto::Sha256 salted;  // fed with the 64-byte salt; copied for every key
    size_t shard_mask = 0;
    std::unique_ptr<Shard[]> shards;

    util::Uint256 Key(char kind, const util::Uint256& sighash, util::ByteSpan pubkey,
                      util::ByteSpan sig) const {
        crypto::Sha256 h = salted;
        const uint8_t kind_byte = static_cast<uint8_t>(kind);
        h.Write({&kind_byte, 1});
        h.Write(sighash.span());
        WriteLength(h, pubkey.size());
        h.Write(pubkey);
        WriteLength(h, sig.size());
        h.Write(sig);
        return util::Uint256(h.Finalize());
    }

    static void WriteLength(crypto::Sha256& h, size_t n) {
        std::array<uint8_t, 8> le{};
        for (size_t i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(static_cast<uint64_t>(n) >> (8 * i));
        h.Write(le);
    }

    Shard& ShardFor(const util::Uint256& key) const { return shards[key.GetUint64(0) & shard_mask]; }
};

SignatureCache::SignatureCache(size_t max_entries) : m_impl(std::make_unique<Impl>()) {
    std::array<uint8_t, 64> salt;
    crypto::RandomBytes(salt);
    m_impl->salted.Write(salt);

    // Largest power of two <= MAX_SHARDS that leaves every shard room for at least one entry.
    size_t shard_count = 1;
    while (shard_count * 2 <= MAX_SHARDS && shard_count * 2 <= max_entries) shard_count *= 2;
    m_impl->shard_mask = shard_count - 1;
    m_impl->shards = std::make_unique<Shard[]>(shard_count);
    // Split max_entries exactly, so the total never exceeds it.
    for (size_t i = 0; i < shard_count; ++i) {
        const size_t share = max_entries / shard_count + (i < max_entries % shard_count ? 1 : 0);
        // Ring positions are 32-bit; no real configuration comes near this.
        m_impl->shards[i].capacity = std::min<size_t>(share, EMPTY_SLOT - 1);
    }
}

SignatureCache::~SignatureCache() = default;

bool SignatureCache::Contains(char kind, const util::Uint256& sighash, util::ByteSpan pubkey,
                              util::ByteSpan sig) const {
    const util::Uint256 key = m_impl->Key(kind, sighash, pubkey, sig);
    const Shard& shard = m_impl->ShardFor(key);
    std::shared_lock lock(shard.mutex);
    return shard.Contains(key);
}

void SignatureCache::Insert(char kind, const util::Uint256& sighash, util::ByteSpan pubkey,
                            util::ByteSpan sig) {
    const util::Uint256 key = m_impl->Key(kind, sighash, pubkey, sig);
    Shard& shard = m_impl->ShardFor(key);
    std::unique_lock lock(shard.mutex);
    shard.Insert(key);
}

size_t SignatureCache::Size() const {
    size_t total = 0;
    for (size_t i = 0; i <= m_impl->shard_mask; ++i) {
        std::shared_lock lock(m_impl->shards[i].mutex);
        total += m_impl->shards[i].ring.size();
    }
    return total;
}

}  // namespace tonari::bitcoin::script
