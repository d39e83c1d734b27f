// BlockIndex: what the node remembers about one block header it has accepted — the header
// fields, its place in the tree (parent, height, skip pointer), the cumulative work of the chain
// ending at it, how far it has been validated, and where its data and undo records are stored.
//
// Entries are owned by a BlockTree (block_tree.h), which sets the linking fields (prev, skip,
// height, chain_work, sequence_id) when it inserts them; everything else reads them. An entry
// never moves once created, so BlockIndex pointers stay valid for the tree's lifetime.
// Not thread-safe: entries are read and changed on the validation strand only.
//
// SerializeBlockIndex / DecodeBlockIndex give the record the block index is persisted as (one
// value per block in the KV store, keyed by hash); the tree rebuilds links from it on load.
#pragma once

#include <cstdint>

#include "bitcoin/consensus/arith_uint256.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/ids.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

// Status bits. HEADER_VALID is set on every entry (only headers that passed the header checks
// are inserted). The chainstate raises TRANSACTIONS_VALID and SCRIPTS_VALID as a block passes
// the block checks and is connected; FAILED marks a block found invalid and FAILED_CHILD every
// block built on one.
inline constexpr uint32_t BLOCK_HEADER_VALID = 1u << 0;
inline constexpr uint32_t BLOCK_HAVE_DATA = 1u << 1;           // full block stored at data_pos
inline constexpr uint32_t BLOCK_HAVE_UNDO = 1u << 2;           // undo record stored at undo_pos
inline constexpr uint32_t BLOCK_FAILED = 1u << 3;              // this block broke a rule
inline constexpr uint32_t BLOCK_FAILED_CHILD = 1u << 4;        // an ancestor broke a rule
inline constexpr uint32_t BLOCK_TRANSACTIONS_VALID = 1u << 5;  // passed the block checks
inline constexpr uint32_t BLOCK_SCRIPTS_VALID = 1u << 6;       // connected once: fully valid
inline constexpr uint32_t BLOCK_FAILED_MASK = BLOCK_FAILED | BLOCK_FAILED_CHILD;
inline constexpr uint32_t BLOCK_STATUS_KNOWN = (1u << 7) - 1;  // every bit defined above

// Blocks whose timestamps the median-time-past takes the median of (BIP113).
inline constexpr int MEDIAN_TIME_SPAN = 11;

// Where a block or undo record lives in the flat files: file number and byte offset.
// file < 0 means "not stored".
struct DiskPos {
    int32_t file = -1;
    uint32_t offset = 0;

    bool IsNull() const { return file < 0; }
    friend bool operator==(const DiskPos&, const DiskPos&) = default;
};

struct BlockIndex {
    primitives::BlockHash hash;

    // Header fields (the previous block's hash is prev->hash; the genesis has none).
    int32_t version = 0;
    util::Uint256 merkle_root;
    uint32_t time = 0;
    uint32_t bits = 0;
    uint32_t nonce = 0;

    // Tree links, set by the owning BlockTree.
    BlockIndex* prev = nullptr;
    // An ancestor further back (at SkipHeight(height)), so GetAncestor takes O(log n) steps.
    BlockIndex* skip = nullptr;
    int height = 0;
    // Total expected hashes of the chain from genesis up to and including this block.
    consensus::ArithUint256 chain_work;
    // Order of arrival, for choosing between chains of equal work: the lower id came first
    // and wins. Re-stamped when the block's data arrives (see BlockTree::ReceivedBlockData).
    uint64_t sequence_id = 0;

    uint32_t status = 0;
    uint32_t tx_count = 0;  // transactions in this block; 0 until its data is received
    // Transactions in the chain up to and including this block; 0 unless this block and every
    // ancestor have their data. Only such blocks can become the tip. Memory only.
    uint64_t chain_tx_count = 0;
    DiskPos data_pos;
    DiskPos undo_pos;

    primitives::BlockHeader GetHeader() const;
    int64_t Time() const { return time; }

    bool HasStatus(uint32_t bits_set) const { return (status & bits_set) == bits_set; }
    bool IsFailed() const { return (status & BLOCK_FAILED_MASK) != 0; }
    bool HaveData() const { return (status & BLOCK_HAVE_DATA) != 0; }
    // This block and all its ancestors have data: the chain up to here can be connected.
    bool HaveChainData() const { return chain_tx_count != 0; }

    // The ancestor at `target_height` (this entry itself at its own height), or nullptr when
    // target_height is negative or above this entry. Follows skip pointers when they are set.
    const BlockIndex* GetAncestor(int target_height) const;
    BlockIndex* GetAncestor(int target_height);

    // Median of the timestamps of this block and up to ten ancestors (BIP113). A block's
    // timestamp must exceed its parent's median-time-past.
    int64_t GetMedianTimePast() const;
};

// Height of the ancestor an entry at `height` keeps as its skip pointer. Chosen so that every
// ancestor is reachable in O(log height) jumps (the scheme Bitcoin Core uses).
int SkipHeight(int height);

// Sets index.skip from index.prev (which must already have its own skip set).
void BuildSkip(BlockIndex& index);

// True when `a` is the better chain tip than `b`: more work, or equal work and seen first
// (lower sequence id). Ties of both (only possible for distinct trees) fall back to the hash,
// so the order is total.
bool BetterChain(const BlockIndex& a, const BlockIndex& b);

// Deepest block that is an ancestor of (or equal to) both; nullptr when either is null or
// they share no ancestor (entries from different trees).
const BlockIndex* LastCommonAncestor(const BlockIndex* a, const BlockIndex* b);

// --- persistence ------------------------------------------------------------------------------

// The fields of an entry that are stored; links, work, chain_tx_count and sequence ids are
// recomputed when the tree is loaded.
struct DiskBlockIndex {
    primitives::BlockHeader header;  // prev_block included, so the tree can be relinked
    int height = 0;
    uint32_t status = 0;
    uint32_t tx_count = 0;
    DiskPos data_pos;
    DiskPos undo_pos;

    friend bool operator==(const DiskBlockIndex&, const DiskBlockIndex&) = default;
};

// Record layout, version 1 (little-endian, 109 bytes):
//   u8 format (=1) | u32 height | u32 status | u32 tx_count |
//   i32 data file | u32 data offset | i32 undo file | u32 undo offset | 80-byte header
inline constexpr uint8_t DISK_BLOCK_INDEX_FORMAT = 1;
inline constexpr size_t DISK_BLOCK_INDEX_SIZE = 1 + 4 * 3 + 8 * 2 + primitives::BlockHeader::SIZE;

enum class BlockIndexDecodeError {
    BadLength,      // not exactly DISK_BLOCK_INDEX_SIZE bytes
    UnknownFormat,  // format byte this version cannot read
    BadHeight,      // negative height
    UnknownStatus,  // status bits this version does not define
};

DiskBlockIndex ToDisk(const BlockIndex& index);
util::Bytes SerializeBlockIndex(const DiskBlockIndex& entry);
util::Result<DiskBlockIndex, BlockIndexDecodeError> DecodeBlockIndex(util::ByteSpan bytes);

}  // namespace tonari::bitcoin::chain
