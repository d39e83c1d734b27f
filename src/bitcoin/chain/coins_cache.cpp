// CoinsViewCache: the write-back UTXO cache with Bitcoin Core's DIRTY/FRESH rules.
//
// Entry states that can exist (anything else is a bug SanityCheck reports):
//   clean unspent          fetched from the parent, unchanged
//   dirty unspent          changed here; the parent may hold an older version
//   dirty+fresh unspent    created here; the parent holds no unspent coin at this outpoint
//   dirty spent            spent here; the parent must be told to erase it
// A fresh coin that is spent is simply erased: the parent never needs to hear of it.
#include <cassert>

#include "bitcoin/chain/coins.h"
#include "bitcoin/script/script.h"

namespace tonari::bitcoin::chain {
namespace {

size_t CoinHeapUsage(const Coin& coin) {
    return MallocUsage(coin.out.script_pubkey.capacity());
}

}  // namespace

// Walks the dirty list, presenting each entry as a CoinChange.
class CoinsViewCache::DirtyBatch final : public CoinsBatch {
public:
    DirtyBatch(const CoinsViewCache& cache, bool movable) : m_cache(cache), m_movable(movable) {}

    size_t size() const override { return m_cache.m_dirty_count; }

    void ForEach(const std::function<void(CoinChange&)>& fn) override {
        for (Node* node = m_cache.m_dirty_head; node != nullptr; node = node->second.next_dirty) {
            Entry& e = node->second;
            CoinChange change{.outpoint = node->first,
                              .coin = e.spent ? nullptr : &e.coin,
                              .fresh = e.fresh,
                              .movable = m_movable};
            fn(change);
        }
    }

private:
    const CoinsViewCache& m_cache;
    bool m_movable;
};

CoinsViewCache::CoinsViewCache(CoinsView& parent) : m_parent(&parent), m_map(0, SaltedOutPointHasher()) {}

CoinsViewCache::CoinsViewCache(CoinsView& parent, uint64_t hash_k0, uint64_t hash_k1)
    : m_parent(&parent), m_map(0, SaltedOutPointHasher(hash_k0, hash_k1)) {}

// --- internal list and map maintenance ----------------------------------------------------

void CoinsViewCache::MarkDirty(Node& node, bool fresh) const {
    Entry& e = node.second;
    if (!e.dirty) {
        e.dirty = true;
        e.prev_dirty = nullptr;
        e.next_dirty = m_dirty_head;
        if (m_dirty_head != nullptr) m_dirty_head->second.prev_dirty = &node;
        m_dirty_head = &node;
        ++m_dirty_count;
    }
    // Flags are only ever added here; Sync and Flush are what clear them.
    if (fresh) e.fresh = true;
}

void CoinsViewCache::Unlink(Node& node) const {
    Entry& e = node.second;
    if (!e.dirty) return;
    if (e.prev_dirty != nullptr) {
        e.prev_dirty->second.next_dirty = e.next_dirty;
    } else {
        m_dirty_head = e.next_dirty;
    }
    if (e.next_dirty != nullptr) e.next_dirty->second.prev_dirty = e.prev_dirty;
    e.prev_dirty = e.next_dirty = nullptr;
    e.dirty = e.fresh = false;
    --m_dirty_count;
}

void CoinsViewCache::EraseNode(Map::iterator it) const {
    Unlink(*it);
    m_map.erase(it);
}

CoinsViewCache::Map::iterator CoinsViewCache::FetchCoin(const primitives::OutPoint& outpoint) const {
    auto it = m_map.find(outpoint);
    if (it != m_map.end()) return it;
    std::optional<Coin> coin = m_parent->GetCoin(outpoint);
    if (!coin) return m_map.end();
    it = m_map.try_emplace(outpoint).first;
    it->second.coin = std::move(*coin);
    m_coins_heap_usage += CoinHeapUsage(it->second.coin);
    return it;
}

// --- reads ---------------------------------------------------------------------------------

std::optional<Coin> CoinsViewCache::GetCoin(const primitives::OutPoint& outpoint) const {
    const Coin* coin = AccessCoin(outpoint);
    if (coin == nullptr) return std::nullopt;
    return *coin;
}

const Coin* CoinsViewCache::AccessCoin(const primitives::OutPoint& outpoint) const {
    const auto it = FetchCoin(outpoint);
    if (it == m_map.end() || it->second.spent) return nullptr;
    return &it->second.coin;
}

bool CoinsViewCache::HaveCoin(const primitives::OutPoint& outpoint) const {
    return AccessCoin(outpoint) != nullptr;
}

bool CoinsViewCache::HaveCoinInCache(const primitives::OutPoint& outpoint) const {
    const auto it = m_map.find(outpoint);
    return it != m_map.end() && !it->second.spent;
}

bool CoinsViewCache::HaveInputs(const primitives::Tx& tx) const {
    if (tx.IsCoinbase()) return true;
    for (const auto& in : tx.inputs) {
        if (!HaveCoin(in.prevout)) return false;
    }
    return true;
}

primitives::BlockHash CoinsViewCache::GetBestBlock() const {
    if (m_best_block.IsNull()) m_best_block = m_parent->GetBestBlock();
    return m_best_block;
}

// --- writes --------------------------------------------------------------------------------

bool CoinsViewCache::AddCoin(const primitives::OutPoint& outpoint, Coin coin, bool possible_overwrite) {
    // Provably unspendable outputs would only take space: nothing can ever spend them.
    if (script::IsUnspendable(coin.out.script_pubkey)) return true;
    auto [it, inserted] = m_map.try_emplace(outpoint);
    Entry& e = it->second;
    bool fresh = false;
    if (!possible_overwrite) {
        if (!inserted && !e.spent) return false;
        // A dirty spent entry holds a spend the parent has not seen yet: the re-added coin
        // must not be FRESH, or spending it again would erase the entry and the parent would
        // keep the old coin (this happens when a reorg re-adds what it disconnected).
        fresh = !e.dirty;
    }
    if (!inserted) m_coins_heap_usage -= CoinHeapUsage(e.coin);
    e.coin = std::move(coin);
    e.spent = false;
    m_coins_heap_usage += CoinHeapUsage(e.coin);
    MarkDirty(*it, fresh);
    return true;
}

std::optional<Coin> CoinsViewCache::SpendCoin(const primitives::OutPoint& outpoint) {
    const auto it = FetchCoin(outpoint);
    if (it == m_map.end() || it->second.spent) return std::nullopt;
    Entry& e = it->second;
    m_coins_heap_usage -= CoinHeapUsage(e.coin);
    std::optional<Coin> spent(std::move(e.coin));
    if (e.fresh) {
        EraseNode(it);
    } else {
        e.coin = Coin{};
        e.spent = true;
        MarkDirty(*it, false);
    }
    return spent;
}

void CoinsViewCache::Uncache(const primitives::OutPoint& outpoint) {
    const auto it = m_map.find(outpoint);
    if (it == m_map.end() || it->second.dirty) return;
    m_coins_heap_usage -= CoinHeapUsage(it->second.coin);
    m_map.erase(it);
}

util::Result<void, CoinsIoError> CoinsViewCache::BatchWrite(CoinsBatch& changes,
                                                            const primitives::BlockHash& best_block) {
    changes.ForEach([&](CoinChange& change) {
        auto take = [&]() { return change.movable ? std::move(*change.coin) : *change.coin; };
        const auto it = m_map.find(change.outpoint);
        if (it == m_map.end()) {
            // Created and spent below us: nothing to record.
            if (change.fresh && change.coin == nullptr) return;
            Node& node = *m_map.try_emplace(change.outpoint).first;
            Entry& e = node.second;
            if (change.coin != nullptr) {
                e.coin = take();
                m_coins_heap_usage += CoinHeapUsage(e.coin);
            } else {
                e.spent = true;
            }
            // FRESH may travel up only onto an absent entry: had we flushed this outpoint
            // earlier, our own parent could still hold it.
            MarkDirty(node, change.fresh);
            return;
        }
        Entry& e = it->second;
        // A child may only call a coin FRESH if we told it there was none here.
        assert(!(change.fresh && !e.spent) && "FRESH flag misapplied to a coin the parent holds");
        m_coins_heap_usage -= CoinHeapUsage(e.coin);
        if (e.fresh && change.coin == nullptr) {
            // Our parent never had it either: forget it entirely.
            EraseNode(it);
            return;
        }
        if (change.coin != nullptr) {
            e.coin = take();
            e.spent = false;
            m_coins_heap_usage += CoinHeapUsage(e.coin);
        } else {
            e.coin = Coin{};
            e.spent = true;
        }
        // Not FRESH: if the entry was spent here, that spend must still reach our parent.
        MarkDirty(*it, false);
    });
    m_best_block = best_block;
    return {};
}

util::Result<void, CoinsIoError> CoinsViewCache::WriteToParent(bool movable) {
    DirtyBatch batch(*this, movable);
    return m_parent->BatchWrite(batch, GetBestBlock());
}

util::Result<void, CoinsIoError> CoinsViewCache::Flush() {
    if (auto r = WriteToParent(/*movable=*/true); !r) return r;
    // A new map rather than clear(): clear() keeps the bucket array of the largest size the
    // cache ever reached, which the memory budget would keep counting.
    m_map = Map(0, m_map.hash_function());
    m_coins_heap_usage = 0;
    m_dirty_count = 0;
    m_dirty_head = nullptr;
    return {};
}

util::Result<void, CoinsIoError> CoinsViewCache::Sync() {
    if (auto r = WriteToParent(/*movable=*/false); !r) return r;
    Node* node = m_dirty_head;
    while (node != nullptr) {
        Node* next = node->second.next_dirty;
        Entry& e = node->second;
        if (e.spent) {
            m_map.erase(m_map.find(node->first));
        } else {
            e.dirty = e.fresh = false;
            e.prev_dirty = e.next_dirty = nullptr;
        }
        node = next;
    }
    m_dirty_head = nullptr;
    m_dirty_count = 0;
    return {};
}

void CoinsViewCache::Reset() {
    m_map = Map(0, m_map.hash_function());
    m_coins_heap_usage = 0;
    m_dirty_count = 0;
    m_dirty_head = nullptr;
    m_best_block = primitives::BlockHash();
}

// --- accounting ----------------------------------------------------------------------------

size_t CoinsViewCache::DynamicMemoryUsage() const {
    // libstdc++ nodes hold a next pointer and the value (the hash is not cached: the hasher
    // is noexcept); the bucket array is one pointer per bucket.
    const size_t node_bytes = MallocUsage(sizeof(void*) + sizeof(Node));
    return m_map.size() * node_bytes + MallocUsage(m_map.bucket_count() * sizeof(void*)) + m_coins_heap_usage;
}

std::optional<CoinsViewCache::EntryState> CoinsViewCache::PeekEntry(const primitives::OutPoint& outpoint) const {
    const auto it = m_map.find(outpoint);
    if (it == m_map.end()) return std::nullopt;
    return EntryState{.spent = it->second.spent, .dirty = it->second.dirty, .fresh = it->second.fresh};
}

bool CoinsViewCache::SanityCheck() const {
    size_t heap = 0;
    size_t dirty = 0;
    for (const auto& [outpoint, e] : m_map) {
        if (e.fresh && !e.dirty) return false;           // fresh implies dirty
        if (e.spent && (!e.dirty || e.fresh)) return false;  // spent entries exist only to be flushed
        if (e.spent && !(e.coin == Coin{})) return false;
        heap += CoinHeapUsage(e.coin);
        if (e.dirty) ++dirty;
    }
    size_t linked = 0;
    const Node* prev = nullptr;
    for (const Node* node = m_dirty_head; node != nullptr; node = node->second.next_dirty) {
        if (!node->second.dirty || node->second.prev_dirty != prev) return false;
        if (++linked > m_map.size()) return false;  // a cycle
        prev = node;
    }
    return heap == m_coins_heap_usage && dirty == m_dirty_count && linked == m_dirty_count;
}

}  // namespace tonari::bitcoin::chain
