// Block index entries: ancestor lookup through skip pointers, median-time-past, the chain
// ordering, and the stored record.
#include "bitcoin/chain/block_index.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <utility>

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::chain {
namespace {

int ClearLowestSetBit(int n) {
    return n & (n - 1);
}

}  // namespace

primitives::BlockHeader BlockIndex::GetHeader() const {
    primitives::BlockHeader h;
    h.version = version;
    if (prev != nullptr) h.prev_block = prev->hash;
    h.merkle_root = merkle_root;
    h.time = time;
    h.bits = bits;
    h.nonce = nonce;
    return h;
}

int SkipHeight(int height) {
    if (height < 2) return 0;
    // Even heights jump to the height with their lowest set bit cleared. Odd heights jump a
    // little less far, which keeps the distances mixed so any target is reached quickly.
    if (height % 2 == 0) return ClearLowestSetBit(height);
    return ClearLowestSetBit(ClearLowestSetBit(height - 1)) + 1;
}

void BuildSkip(BlockIndex& index) {
    index.skip = index.prev != nullptr ? index.prev->GetAncestor(SkipHeight(index.height)) : nullptr;
}

const BlockIndex* BlockIndex::GetAncestor(int target_height) const {
    if (target_height < 0 || target_height > height) return nullptr;
    const BlockIndex* walk = this;
    int walk_height = height;
    while (walk_height > target_height) {
        const int skip_height = SkipHeight(walk_height);
        const int prev_skip_height = SkipHeight(walk_height - 1);
        // Jump when the skip lands exactly on the target, or lands above it and the parent's
        // skip would not have made the better jump (a parent skipping much shorter yet still
        // at or above the target is the faster route).
        const bool jump = walk->skip != nullptr &&
                          (skip_height == target_height ||
                           (skip_height > target_height &&
                            !(prev_skip_height < skip_height - 2 && prev_skip_height >= target_height)));
        if (jump) {
            walk = walk->skip;
            walk_height = skip_height;
        } else {
            assert(walk->prev != nullptr);
            walk = walk->prev;
            --walk_height;
        }
    }
    return walk;
}

BlockIndex* BlockIndex::GetAncestor(int target_height) {
    return const_cast<BlockIndex*>(std::as_const(*this).GetAncestor(target_height));
}

int64_t BlockIndex::GetMedianTimePast() const {
    std::array<int64_t, MEDIAN_TIME_SPAN> times{};
    size_t n = 0;
    for (const BlockIndex* p = this; p != nullptr && n < times.size(); p = p->prev) times[n++] = p->Time();
    std::sort(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(n));
    return times[n / 2];
}

bool BetterChain(const BlockIndex& a, const BlockIndex& b) {
    if (a.chain_work != b.chain_work) return a.chain_work > b.chain_work;
    if (a.sequence_id != b.sequence_id) return a.sequence_id < b.sequence_id;
    return a.hash < b.hash;
}

const BlockIndex* LastCommonAncestor(const BlockIndex* a, const BlockIndex* b) {
    if (a == nullptr || b == nullptr) return nullptr;
    if (a->height > b->height) a = a->GetAncestor(b->height);
    if (b->height > a->height) b = b->GetAncestor(a->height);
    while (a != b && a != nullptr && b != nullptr) {
        a = a->prev;
        b = b->prev;
    }
    return a == b ? a : nullptr;
}

DiskBlockIndex ToDisk(const BlockIndex& index) {
    return DiskBlockIndex{.header = index.GetHeader(),
                          .height = index.height,
                          .status = index.status,
                          .tx_count = index.tx_count,
                          .data_pos = index.data_pos,
                          .undo_pos = index.undo_pos};
}

util::Bytes SerializeBlockIndex(const DiskBlockIndex& entry) {
    util::ByteWriter w(DISK_BLOCK_INDEX_SIZE);
    w.WriteU8(DISK_BLOCK_INDEX_FORMAT);
    w.WriteU32LE(static_cast<uint32_t>(entry.height));
    w.WriteU32LE(entry.status);
    w.WriteU32LE(entry.tx_count);
    w.WriteI32LE(entry.data_pos.file);
    w.WriteU32LE(entry.data_pos.offset);
    w.WriteI32LE(entry.undo_pos.file);
    w.WriteU32LE(entry.undo_pos.offset);
    primitives::EncodeHeader(w, entry.header);
    assert(w.size() == DISK_BLOCK_INDEX_SIZE);
    return w.Take();
}

util::Result<DiskBlockIndex, BlockIndexDecodeError> DecodeBlockIndex(util::ByteSpan bytes) {
    if (bytes.size() != DISK_BLOCK_INDEX_SIZE) return util::Fail(BlockIndexDecodeError::BadLength);
    util::ByteReader r(bytes);
    if (r.ReadU8() != DISK_BLOCK_INDEX_FORMAT) return util::Fail(BlockIndexDecodeError::UnknownFormat);
    DiskBlockIndex e;
    e.height = r.ReadI32LE();
    e.status = r.ReadU32LE();
    e.tx_count = r.ReadU32LE();
    e.data_pos.file = r.ReadI32LE();
    e.data_pos.offset = r.ReadU32LE();
    e.undo_pos.file = r.ReadI32LE();
    e.undo_pos.offset = r.ReadU32LE();
    e.header = primitives::DecodeHeader(r);
    assert(!r.failed() && r.empty());  // the length was checked above
    if (e.height < 0) return util::Fail(BlockIndexDecodeError::BadHeight);
    if ((e.status & ~BLOCK_STATUS_KNOWN) != 0) return util::Fail(BlockIndexDecodeError::UnknownStatus);
    return e;
}

}  // namespace tonari::bitcoin::chain
