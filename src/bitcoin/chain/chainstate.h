// Chainstate: the node's copy of the ledger. It owns the active chain and the coins cache,
// accepts blocks (header rules, block rules, storage), and moves its tip to the most-work
// valid chain: connecting blocks forward, disconnecting back to a fork for a reorganisation,
// and, when a block of the better branch turns out invalid, marking it (and everything on it)
// failed and settling on the best chain that remains — the old one if need be.
//
// Durability: blocks and undo records go to the BlockStore as they are accepted; the block
// index and the coins are written in Flush, which first makes the block data durable, then
// the index, then the coins with their best block in one atomic batch. A crash at any point
// leaves coins that match some connected block, an index that only refers to durable data,
// and Load() restarts from there.
//
// Not thread-safe: owned by the validation strand. The tree, store and coins database passed
// in must outlive it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "bitcoin/chain/active_chain.h"
#include "bitcoin/chain/block_store.h"
#include "bitcoin/chain/block_tree.h"
#include "bitcoin/chain/chain_observer.h"
#include "bitcoin/chain/coins.h"
#include "bitcoin/chain/connect_block.h"
#include "bitcoin/chain/prune.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/block.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

// What went wrong: a block broke a rule (the sender's fault), or the environment failed
// (disk, corruption: the node must stop and tell the user).
struct ChainError {
    enum class Kind { Invalid, Io };
    Kind kind = Kind::Invalid;
    consensus::BlockValidationError invalid;  // for Kind::Invalid
    std::string message;                      // for Kind::Io, and a description for Invalid

    static ChainError Io(std::string msg) { return {Kind::Io, {}, std::move(msg)}; }
    static ChainError Rejected(const consensus::BlockValidationError& e);
    bool IsInvalid() const { return kind == Kind::Invalid; }
};

struct ChainstateOptions {
    // Coins cache budget (Bitcoin Core's -dbcache); above it the cache is written out.
    size_t coins_cache_bytes = size_t{450} << 20;
    // Also write everything out after this many connected blocks (0: only when the cache is
    // full), bounding the work a restart after a crash has to redo.
    uint32_t flush_every_blocks = 1000;
    ConnectOptions connect;
    // Core's -assumevalid: scripts of this block's ancestors are not checked while they are
    // also ancestors of the best header, that header has the network's minimum chain work,
    // and they lie more than two weeks of proof-of-work below it. Null: check everything.
    primitives::BlockHash assume_valid{};
    // Core's -prune (prune.h): delete old block and undo files, automatically under a size
    // target or when asked (PruneManual).
    PruneOptions prune{};
};

// Core's GetBlockProofEquivalentTime: how many seconds of the network's block spacing the
// work between `to` and `from` stands for, measured at `tip`'s difficulty (negative when
// `from` has more work).
int64_t BlockProofEquivalentTime(const BlockIndex& to, const BlockIndex& from, const BlockIndex& tip,
                                 const consensus::ConsensusParams& params);

// A tip older than this (Core's -maxtipage default) means the node is still catching up.
inline constexpr int64_t MAX_TIP_AGE_SECONDS = 24 * 60 * 60;

// Core's IsInitialBlockDownload test, without its latch: no tip, less work than the network's
// minimum, or a tip older than MAX_TIP_AGE_SECONDS at `now`.
bool IsInitialBlockDownload(const BlockIndex* tip, const consensus::ConsensusParams& params, int64_t now);

// Blocks this far below the best header (in proof-of-work time) may skip their scripts under
// -assumevalid: an attacker would need two weeks of the network's work to pass off a chain.
inline constexpr int64_t ASSUME_VALID_MIN_DEPTH_SECONDS = 60 * 60 * 24 * 7 * 2;

class Chainstate {
public:
    Chainstate(BlockTree& tree, BlockStore& store, CoinsView& coins_db, ChainstateOptions options);
    Chainstate(const Chainstate&) = delete;
    Chainstate& operator=(const Chainstate&) = delete;

    // Loads the block index from the store, puts the tip at the coins' best block (connecting
    // the genesis when the coins are empty), then moves to the best chain the stored blocks
    // allow.
    util::Result<void, ChainError> Load();

    // Checks a block's header and contents and stores it; does not connect it. Returns its
    // entry (also when already stored). `now` is the node's adjusted time. `stored_at` says
    // the block is already in the block files there (-reindex), so it is not written again.
    util::Result<BlockIndex*, ChainError> AcceptBlock(const primitives::Block& block, int64_t now,
                                                      const DiskPos* stored_at = nullptr);

    // Moves the tip to the best valid chain with data. Invalid blocks met on the way are
    // marked failed, not reported: the tip just settles elsewhere.
    util::Result<void, ChainError> ActivateBestChain();

    // AcceptBlock, then ActivateBestChain; reports the block's own failure if connecting it
    // proved it invalid.
    util::Result<void, ChainError> ProcessBlock(const primitives::Block& block, int64_t now,
                                                const DiskPos* stored_at = nullptr);

    // Bitcoin Core's TestBlockValidity: whether `block`, built on the current tip, passes
    // every rule (proof of work optional, for templates), without storing or connecting it.
    util::Result<void, ChainError> TestBlockValidity(const primitives::Block& block, int64_t now, bool check_pow);

    // Bitcoin Core's invalidateblock: treats `index` (and everything built on it) as invalid,
    // disconnecting it if it is on the active chain, then moves to the best chain left. The
    // genesis cannot be invalidated (a caller error, reported as Kind::Invalid).
    util::Result<void, ChainError> InvalidateBlock(BlockIndex& index);
    // Bitcoin Core's reconsiderblock: forgets every failure mark on `index`, its ancestors
    // and its descendants, then moves to the best chain (which may bring it back).
    util::Result<void, ChainError> ReconsiderBlock(BlockIndex& index);

    // Told of every block connected to or disconnected from the active chain from now on
    // (nullptr: nobody). Must outlive the chainstate or be reset first.
    void SetObserver(ChainObserver* observer) { m_observer = observer; }

    // Writes the block index and the coins. Without `force`, only when the coins cache is
    // over its budget.
    util::Result<void, ChainError> Flush(bool force);

    const ActiveChain& Chain() const { return m_chain; }
    const BlockIndex* Tip() const { return m_chain.Tip(); }
    CoinsViewCache& Coins() { return *m_coins; }
    BlockTree& Tree() { return m_tree; }
    const BlockTree& Tree() const { return m_tree; }
    const consensus::ConsensusParams& Params() const { return m_tree.Params(); }

    // Core's IsInitialBlockDownload with its latch: once the node has caught up it stays out
    // of initial block download, so a quiet spell (no block for a day) does not stop relay.
    bool IsInitialBlockDownload(int64_t now);

    // --- pruning (prune.h) ---
    bool IsPruneMode() const { return m_options.prune.enabled; }
    const PruneOptions& Pruning() const { return m_options.prune; }
    // Core's IsBlockPruned: the block's data was received once and pruning has deleted it.
    bool IsBlockPruned(const BlockIndex& index) const {
        return IsPruneMode() && index.tx_count != 0 && !index.HaveData();
    }
    // Core's GetPruneHeight: the height of the last active-chain block missing its data or
    // undo record below an unbroken run of complete blocks up to the tip; nullopt when nothing
    // is missing.
    std::optional<int> PruneHeight() const;
    // pruneblockchain: deletes every file whose records all lie at or below `height`, capped
    // at MIN_BLOCKS_TO_KEEP below the tip. Only in prune mode (callers check).
    util::Result<void, ChainError> PruneManual(int height);
    // Bytes the block and undo files take on disk.
    uint64_t BlockFilesSize() const { return m_store.FilesSize(); }

    // Whether connecting `index` may skip its scripts under -assumevalid (see the option).
    bool SkipScripts(const BlockIndex& index) const;
    // Blocks connected without their scripts checked, since start (getblockchaininfo-like
    // figures for logs and tests).
    uint64_t AssumedValidBlocks() const { return m_assumed_valid_blocks; }

private:
    util::Result<void, ChainError> ConnectTip(BlockIndex& index, const primitives::Block* block);
    // Block data, index and coins, in that order (see Durability above).
    util::Result<void, ChainError> WriteOut();
    // Automatic pruning, when the files have grown past the target.
    util::Result<void, ChainError> MaybePrune();
    util::Result<void, ChainError> PruneFiles(int last_prunable_height, std::optional<uint64_t> target);
    // Whether the tip can move to `best`: every block to disconnect still has its data and
    // undo record, every block to connect its data (pruning may have deleted them).
    bool Reachable(const BlockIndex& best, const BlockIndex* fork) const;
    util::Result<void, ChainError> DisconnectTip();

    BlockTree& m_tree;
    BlockStore& m_store;
    CoinsView& m_coins_db;
    ChainstateOptions m_options;
    std::unique_ptr<CoinsViewCache> m_coins;
    ActiveChain m_chain;
    // The block ProcessBlock is handling, so connecting it needs no read back from the store.
    const primitives::Block* m_pending_block = nullptr;
    const BlockIndex* m_pending_index = nullptr;
    uint32_t m_blocks_since_flush = 0;
    ChainObserver* m_observer = nullptr;
    uint64_t m_assumed_valid_blocks = 0;
    bool m_left_ibd = false;
    // After an automatic prune that could not get under the target: no new scan before the
    // tip reaches this height or the number of files changes.
    int m_prune_retry_height = 0;
    size_t m_prune_retry_files = 0;
};

}  // namespace tonari::bitcoin::chain
