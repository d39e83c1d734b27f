// TxMempool: the unconfirmed transactions a node holds, each with its links to the in-pool
// transactions it spends (parents) and that spend it (children), and the package totals the
// limits, the miner and eviction work from: for every entry, the count, size, fees and sigop
// cost of itself plus all its in-pool ancestors, and of itself plus all its descendants.
//
// The pool checks nothing about validity: AcceptToMemoryPool (accept.h) decides what goes
// in. It does keep itself consistent: every input of an entry is spent by no other entry,
// links match inputs, totals match links.
//
// Thread-safety: none. Owned by the validation strand, like the chainstate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "bitcoin/chain/coins.h"
#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/primitives/transaction.h"

namespace tonari::bitcoin::mempool {

// Keyed SipHash of a txid or wtxid: peers choose transaction ids (by grinding), so an
// unkeyed hash would let them fill one hash bucket and make every lookup a list walk.
class SaltedIdHasher {
public:
    SaltedIdHasher();
    size_t operator()(const primitives::Txid& id) const noexcept;
    size_t operator()(const primitives::Wtxid& id) const noexcept;

private:
    uint64_t m_k0;
    uint64_t m_k1;
};

// Totals over a set of entries (an entry with its ancestors, or with its descendants).
struct PackageTotals {
    int64_t count = 0;
    int64_t vsize = 0;
    primitives::Amount fees = 0;
    int64_t sigop_cost = 0;
};

// Where a transaction came from, for those who watch (the dashboard's event stream): the id of
// the peer that sent it (>= 0), or one of these.
inline constexpr int64_t TX_ORIGIN_LOCAL = -1;   // RPC or a wallet of this node
inline constexpr int64_t TX_ORIGIN_REORG = -2;   // back from a block a reorg disconnected
inline constexpr int64_t TX_ORIGIN_ORPHAN = -3;  // a peer's orphan, accepted once its parent came
inline constexpr int64_t TX_ORIGIN_DISK = -4;    // reloaded from mempool.dat at start

struct MempoolEntry {
    std::shared_ptr<const primitives::Tx> tx;
    primitives::Txid txid;
    primitives::Wtxid wtxid;
    primitives::Amount fee = 0;
    int64_t vsize = 0;       // policy size: weight, or sigops * bytes-per-sigop if larger
    int64_t weight = 0;
    int64_t sigop_cost = 0;
    int64_t time = 0;        // unix time it entered
    int height = 0;          // chain height when it entered
    bool spends_coinbase = false;
    size_t memory = 0;       // estimated heap bytes this entry costs the pool
    uint64_t sequence = 0;   // order of arrival
    int64_t origin = TX_ORIGIN_LOCAL;  // the sending peer's id, or a TX_ORIGIN_ constant

    PackageTotals ancestors;    // itself and every in-pool ancestor
    PackageTotals descendants;  // itself and every in-pool descendant
    std::set<MempoolEntry*> parents;
    std::set<MempoolEntry*> children;

    policy::FeeRate Rate() const { return policy::FeeRate::FromFee(fee, vsize); }
};

// Why entries left the pool (what the wallet and getrawmempool consumers are told).
enum class RemovalReason { Block, Conflict, Replaced, SizeLimit, Expiry, Reorg };
std::string_view RemovalReasonName(RemovalReason reason);

class TxMempool {
public:
    TxMempool() = default;
    TxMempool(const TxMempool&) = delete;
    TxMempool& operator=(const TxMempool&) = delete;

    // --- lookups ----------------------------------------------------------------------
    const MempoolEntry* Get(const primitives::Txid& txid) const;
    const MempoolEntry* GetByWtxid(const primitives::Wtxid& wtxid) const;
    bool Contains(const primitives::Txid& txid) const { return Get(txid) != nullptr; }
    // The entry spending `outpoint`, or nullptr.
    const MempoolEntry* Spender(const primitives::OutPoint& outpoint) const;
    // The output at `outpoint` if an entry creates it (unspent or not).
    const primitives::TxOut* Output(const primitives::OutPoint& outpoint) const;

    size_t Size() const { return m_entries.size(); }
    int64_t TotalVsize() const { return m_total_vsize; }
    primitives::Amount TotalFees() const { return m_total_fees; }
    // Estimated heap bytes of everything the pool holds: what -maxmempool limits.
    size_t DynamicMemoryUsage() const { return m_memory; }
    // Core's mempool sequence: counts every addition and every removal; the next event's
    // number (getrawmempool's mempool_sequence, ZMQ's sequence topic). An entry's `sequence`
    // is the number of its addition.
    uint64_t Sequence() const { return m_next_sequence; }
    // The number of the removal a RemovalListener is being told of.
    uint64_t RemovalSequence() const { return m_removal_sequence; }

    // Every entry, in arrival order.
    std::vector<const MempoolEntry*> Entries() const;

    // --- package queries --------------------------------------------------------------
    // The in-pool ancestors of a transaction spending `inputs` (parents, their parents, ...);
    // not including itself.
    std::vector<MempoolEntry*> AncestorsOf(std::span<const primitives::TxIn> inputs) const;
    // `roots` and all their descendants, each once, parents before children.
    std::vector<const MempoolEntry*> WithDescendants(std::span<const MempoolEntry* const> roots) const;

    // --- changes ----------------------------------------------------------------------
    // Adds a transaction whose inputs are all unspent in the chain or created by entries,
    // and spent by no entry. Fills txid/wtxid/memory/sequence and the links and totals
    // (also those of in-pool children spending its outputs, which exist after a reorg).
    const MempoolEntry& Add(MempoolEntry entry);
    // Removes the entries and all their descendants.
    void RemoveWithDescendants(std::span<const primitives::Txid> txids, RemovalReason reason);
    // A block was connected: its transactions leave (their children stay, now spending
    // confirmed outputs), and entries spending an output a block transaction spent leave
    // with their descendants (Conflict).
    void RemoveForBlock(std::span<const primitives::Tx> txs);
    // Removes entries older than `cutoff` (unix time) with their descendants. Returns how many.
    size_t Expire(int64_t cutoff);
    // Evicts the packages of lowest descendant score until the pool uses at most `max_bytes`,
    // and raises the rolling minimum fee to what the last evicted package paid plus
    // `incremental`. Returns the evicted txids.
    std::vector<primitives::Txid> TrimToSize(size_t max_bytes, policy::FeeRate incremental);

    // The fee rate a new transaction must pay to enter a full pool: Bitcoin Core's rolling
    // minimum, which halves every 12 hours (faster while the pool is far below its limit)
    // once a block has been seen since it was last raised, and drops to 0 when below half the
    // incremental fee.
    policy::FeeRate GetMinFee(int64_t now, size_t max_bytes, policy::FeeRate incremental);
    // Tells the rolling minimum that a block arrived (it may start to decay).
    void NoteBlock() { m_block_since_bump = true; }

    // Called for every entry leaving the pool, with the reason (the wallet listens).
    using RemovalListener = std::function<void(const MempoolEntry&, RemovalReason)>;
    void SetRemovalListener(RemovalListener listener) { m_on_removed = std::move(listener); }
    // Called for every entry that enters the pool, after it is linked.
    using AddListener = std::function<void(const MempoolEntry&)>;
    void SetAddListener(AddListener listener) { m_on_added = std::move(listener); }

    // Recomputes links and totals from scratch and compares: false if anything is off.
    bool SanityCheck() const;

private:
    using EntryMap = std::unordered_map<primitives::Txid, MempoolEntry, SaltedIdHasher>;

    // Orders entries for eviction: the lowest of max(own rate, rate with descendants) first
    // (a package is evicted by its weakest useful part), newest first on ties.
    struct EvictionOrder {
        bool operator()(const MempoolEntry* a, const MempoolEntry* b) const;
    };

    // Arrival order by time, for expiry without a scan of the whole pool.
    struct TimeOrder {
        bool operator()(const MempoolEntry* a, const MempoolEntry* b) const {
            return a->time != b->time ? a->time < b->time : a->sequence < b->sequence;
        }
    };

    void RemoveSet(const std::vector<const MempoolEntry*>& victims, RemovalReason reason);
    void Recompute(const std::set<MempoolEntry*>& entries);
    PackageTotals SumAncestors(const MempoolEntry& e) const;
    PackageTotals SumDescendants(const MempoolEntry& e) const;

    EntryMap m_entries;
    std::unordered_map<primitives::Wtxid, MempoolEntry*, SaltedIdHasher> m_by_wtxid;
    std::unordered_map<primitives::OutPoint, MempoolEntry*, chain::SaltedOutPointHasher> m_spenders;
    std::set<MempoolEntry*, EvictionOrder> m_eviction;
    std::set<MempoolEntry*, TimeOrder> m_by_time;
    int64_t m_total_vsize = 0;
    primitives::Amount m_total_fees = 0;
    size_t m_memory = 0;
    uint64_t m_next_sequence = 1;
    uint64_t m_removal_sequence = 0;

    double m_rolling_min_fee = 0;  // sat per kvB
    int64_t m_last_rolling_update = 0;
    bool m_block_since_bump = false;
    RemovalListener m_on_removed;
    AddListener m_on_added;
};

// Estimated heap bytes an entry for `tx` costs: the transaction's allocations plus the
// pool's own per-entry and per-input bookkeeping.
size_t EstimateEntryMemory(const primitives::Tx& tx);

}  // namespace tonari::bitcoin::mempool
