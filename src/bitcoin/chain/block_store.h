// Where the chainstate keeps full blocks and their undo records, and how it persists the
// block index. The durable implementations live over storage/ (flat files and the KV store);
// the in-memory ones here serve tests and tools that need no disk.
//
// Errors are environment failures (I/O, corruption), never a peer's fault: callers treat
// them as fatal for the chainstate. Not thread-safe: the validation strand owns the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/chain/undo.h"
#include "bitcoin/primitives/block.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

struct StoreError {
    std::string message;
};

// The two file sequences a store keeps (blkNNNNN.dat and revNNNNN.dat); pruning deletes
// whole files of either.
enum class BlockFileKind { Blocks, Undo };

struct BlockFileInfo {
    BlockFileKind kind = BlockFileKind::Blocks;
    int32_t file = 0;
    uint64_t size = 0;
    bool appending = false;  // the file new records go to: never deleted
};

class BlockStore {
public:
    virtual ~BlockStore() = default;
    virtual util::Result<DiskPos, StoreError> WriteBlock(const primitives::Block& block) = 0;
    virtual util::Result<primitives::Block, StoreError> ReadBlock(DiskPos pos) const = 0;
    // Undo records carry a checksum over the parent's hash, so a torn or misplaced record is
    // detected when read back.
    virtual util::Result<DiskPos, StoreError> WriteUndo(const BlockUndo& undo,
                                                        const primitives::BlockHash& prev_hash) = 0;
    virtual util::Result<BlockUndo, StoreError> ReadUndo(DiskPos pos, const primitives::BlockHash& prev_hash) const = 0;
    // Makes everything written so far durable (fsync); called before the block index or the
    // coins that refer to it are written.
    virtual util::Result<void, StoreError> Flush() = 0;

    // Block index persistence: entries added or changed, and all of them at startup.
    virtual util::Result<void, StoreError> WriteIndex(const std::vector<DiskBlockIndex>& entries) = 0;
    virtual util::Result<std::vector<DiskBlockIndex>, StoreError> LoadIndex() const = 0;

    // Files on disk, for pruning; a store without files (memory) has none and prunes nothing.
    virtual std::vector<BlockFileInfo> Files() const { return {}; }
    virtual uint64_t FilesSize() const { return 0; }
    // Deletes one file. Every position in it must already be forgotten durably (the index
    // written without it): a record read from a removed file fails.
    virtual util::Result<void, StoreError> RemoveFile(BlockFileKind /*kind*/, int32_t /*file*/) {
        return util::Fail(StoreError{"this block store keeps no files"});
    }
};

// Keeps everything in memory (serialized, so reads exercise the same decoding as disk).
std::unique_ptr<BlockStore> MakeMemoryBlockStore();

}  // namespace tonari::bitcoin::chain
