// BlockTree: every block header the node has accepted, as a tree rooted at the network's
// genesis block, with the bookkeeping the chainstate needs to pick its tip:
//   - the best header (most work among headers not known invalid), for headers-first sync;
//   - the chain-tip candidates: blocks whose data, and all ancestors' data, is stored. Only
//     the leaves of that "data-complete" part of the tree are kept, so the set stays small;
//     BestChainCandidate() is the one the chainstate should try to make its tip;
//   - invalidity: MarkFailed flags a block FAILED and every descendant FAILED_CHILD, so
//     nothing built on an invalid block is accepted or connected again;
//   - dirty entries, so the chainstate can persist only what changed.
//
// The tree checks nothing about headers: AddHeader trusts its caller (header_check.h's
// AcceptHeader does the checks, then inserts). Entries are owned here (one heap object per
// block, never moved), so BlockIndex pointers stay valid for the tree's lifetime.
// The tree keeps a reference to the ConsensusParams it was built with; they must outlive it.
// Not thread-safe: owned by the validation strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/ids.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

enum class TreeLoadError {
    NotFresh,         // Load called on a tree that already holds more than the genesis
    GenesisMismatch,  // a height-0 record that is not this network's genesis
    MissingParent,    // a record whose parent is not among the records
    HeightMismatch,   // a record whose height is not its parent's plus one
    Duplicate,        // the same block twice
};

class BlockTree {
public:
    explicit BlockTree(const consensus::ConsensusParams& params);
    BlockTree(const BlockTree&) = delete;
    BlockTree& operator=(const BlockTree&) = delete;

    const consensus::ConsensusParams& Params() const { return m_params; }

    BlockIndex* Lookup(const primitives::BlockHash& hash);
    const BlockIndex* Lookup(const primitives::BlockHash& hash) const;
    BlockIndex& Genesis() { return *m_genesis; }
    const BlockIndex& Genesis() const { return *m_genesis; }
    size_t Size() const { return m_entries.size(); }

    // Inserts a header whose parent is in the tree and returns its entry; returns the existing
    // entry when the header is already known, and nullptr when the parent is unknown. A header
    // built on a failed block is inserted FAILED_CHILD. No rule is checked here.
    BlockIndex* AddHeader(const primitives::BlockHeader& header);

    // The most-work entry that is not failed (ties: first seen). Never null: the genesis is
    // never failed.
    const BlockIndex& BestHeader() const { return *m_best_header; }
    BlockIndex& BestHeader() { return *m_best_header; }

    // Records that `index` broke a consensus rule: flags it FAILED and every descendant
    // FAILED_CHILD, drops them from the candidates and from BestHeader. Marking the genesis is
    // a caller bug. Costs one pass over the tree; rare (each call needs a block with valid
    // proof of work that then fails validation). `reason` is nullopt when a user, not a rule,
    // condemned the block (invalidateblock).
    void MarkFailed(BlockIndex& index, const std::optional<consensus::BlockValidationError>& reason);
    // Undoes MarkFailed for `index`, its descendants and its ancestors (reconsiderblock): they
    // become candidates again where their chain has data. One pass over the tree.
    void ClearFailure(BlockIndex& index);
    // Why `index` was marked FAILED, if it was marked in this process (reasons are not
    // persisted); nullopt for FAILED_CHILD-only entries and for entries loaded from storage.
    std::optional<consensus::BlockValidationError> FailureReason(const BlockIndex& index) const;

    // The chainstate stored the block's data (after it passed the block checks). Sets
    // HAVE_DATA, tx_count and data_pos, and gives the entry a fresh sequence id: between
    // chains of equal work, the one whose data arrived first wins. When the entry's ancestors
    // all have data, it and any waiting descendants become tip candidates. A second call only
    // updates data_pos. tx_count must be non-zero.
    void ReceivedBlockData(BlockIndex& index, uint32_t tx_count, DiskPos pos);
    void SetUndoPos(BlockIndex& index, DiskPos pos);
    // Pruning deleted the file holding the entry's block (or its undo record). The entry
    // keeps tx_count and chain_tx_count (its chain was complete once, so blocks built on it
    // still connect) but loses HAVE_DATA (HAVE_UNDO) and the position, and stops being a tip
    // candidate: its data would have to be fetched again first.
    void PrunedBlockData(BlockIndex& index);
    void PrunedUndoData(BlockIndex& index);
    // The chainstate cannot reach this candidate (the way there needs pruned data): forget it
    // as a candidate until its data arrives again.
    void DropCandidate(BlockIndex& index) { m_candidates.erase(&index); }
    // Adds validity bits (BLOCK_TRANSACTIONS_VALID, BLOCK_SCRIPTS_VALID).
    void RaiseStatus(BlockIndex& index, uint32_t bits);

    // The best non-failed entry whose whole chain has data, or nullptr when none has (not even
    // the genesis yet). The chainstate moves its tip toward this one.
    BlockIndex* BestChainCandidate();
    size_t CandidateCount() const { return m_candidates.size(); }

    // Entries added or changed since the last call (for writing the block index out).
    std::vector<const BlockIndex*> TakeDirty();
    // Puts taken entries back (their write failed), so the next TakeDirty returns them again.
    void RestoreDirty(std::span<const BlockIndex* const> entries) { m_dirty.insert(entries.begin(), entries.end()); }
    // Every entry, in no particular order.
    std::vector<const BlockIndex*> AllEntries() const;
    // Calls fn on every entry, in no particular order; fn may change the entry only through
    // this tree's methods.
    template <typename Fn>
    void ForEachEntry(Fn&& fn) {
        for (auto& [hash, entry] : m_entries) fn(*entry);
    }

    // Rebuilds the tree from stored records (any order) into a tree that holds only the
    // genesis: relinks parents, recomputes work, skip pointers, chain_tx_count (from tx_count,
    // so pruned ancestors still count), candidates (entries with data) and
    // the best header, and flags FAILED_CHILD below any stored FAILED entry. Sequence ids follow
    // height, then record order. Nothing loaded is dirty. On error the tree is left unusable.
    util::Result<void, TreeLoadError> Load(std::span<const DiskBlockIndex> records);

private:
    struct SaltedHasher {
        uint64_t k0 = 0;
        uint64_t k1 = 0;
        size_t operator()(const primitives::BlockHash& hash) const;
    };
    // Candidate order: best first.
    struct CandidateOrder {
        bool operator()(const BlockIndex* a, const BlockIndex* b) const { return BetterChain(*a, *b); }
    };

    BlockIndex& Insert(const primitives::BlockHeader& header, const primitives::BlockHash& hash,
                       BlockIndex* prev);
    // The entry's whole chain now has data: set chain_tx_count here and in every waiting
    // descendant, updating the candidates.
    void LinkChainData(BlockIndex& index);
    void RecomputeBestHeader();

    const consensus::ConsensusParams& m_params;
    // Salted so that peers cannot pick block hashes that collide in the table (hash flooding:
    // on test networks, proof of work is cheap enough to grind hashes into one bucket).
    std::unordered_map<primitives::BlockHash, std::unique_ptr<BlockIndex>, SaltedHasher> m_entries;
    BlockIndex* m_genesis = nullptr;
    BlockIndex* m_best_header = nullptr;
    uint64_t m_next_sequence = 0;
    std::set<BlockIndex*, CandidateOrder> m_candidates;
    // Entries with data whose parent's chain still lacks data, keyed by that parent.
    std::unordered_multimap<const BlockIndex*, BlockIndex*> m_unlinked;
    std::unordered_map<const BlockIndex*, consensus::BlockValidationError> m_failure_reasons;
    std::unordered_set<const BlockIndex*> m_dirty;
};

}  // namespace tonari::bitcoin::chain
