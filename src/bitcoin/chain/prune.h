// Pruning policy (Bitcoin Core's -prune): which whole blk/rev files may be deleted, and which
// of them to delete to bring the block files under a size target. Pure functions over the
// files and the heights their records hold; the chainstate applies the choice (forgets the
// positions durably, then deletes the files).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "bitcoin/chain/block_store.h"

namespace tonari::bitcoin::chain {

// Blocks (with their undo data) kept below the tip whatever the target, so that a pruned node
// can still reorganise across a fork this deep, serve the recent blocks NODE_NETWORK_LIMITED
// peers may ask for (BIP159) and answer for the recent chain.
inline constexpr int MIN_BLOCKS_TO_KEEP = 288;
// The smallest automatic target (Core's MIN_DISK_SPACE_FOR_BLOCK_FILES): 288 blocks of up to
// about 2 MB each, with their undo data and the files being appended to, must fit.
inline constexpr uint64_t MIN_PRUNE_TARGET_BYTES = uint64_t{550} << 20;
// Headroom left under the target after pruning, so that the blocks written before the next
// check do not cross it (Core's block and undo file allocation chunks, 16 MiB + 1 MiB).
inline constexpr uint64_t PRUNE_BUFFER_BYTES = uint64_t{17} << 20;

struct PruneOptions {
    bool enabled = false;  // -prune: any non-zero value
    // Automatic pruning keeps the block files under this many bytes; 0: manual only
    // (-prune=1, pruneblockchain).
    uint64_t target_bytes = 0;
    // Automatic pruning waits until the chain is longer than this (Core's PruneAfterHeight:
    // 100,000 on main, 1,000 on the test networks), so young chains keep every block.
    int prune_after_height = 0;
};

// Key of one file: its kind and number.
using BlockFileKey = std::pair<BlockFileKind, int32_t>;

// Highest block height with a record (block or undo) in each file; files with no record the
// index knows of are absent (they hold only forgotten records and may always go).
using FileLastHeights = std::map<BlockFileKey, int>;

// The files to delete, lowest last height first (oldest data first). Never the files taking
// appends, never a file holding a record above `last_prunable_height`. With `target` set,
// stops as soon as the remaining files plus PRUNE_BUFFER_BYTES fit under it (nothing at all
// when they already do); without, takes every eligible file (pruneblockchain).
std::vector<BlockFileInfo> ChooseFilesToPrune(std::span<const BlockFileInfo> files, const FileLastHeights& heights,
                                              int last_prunable_height, std::optional<uint64_t> target);

}  // namespace tonari::bitcoin::chain
