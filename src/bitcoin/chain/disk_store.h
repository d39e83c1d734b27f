// Durable chainstate storage. Coins and the block index live in one key-value store
// (RocksDB under `<datadir>/chainstate`), blocks and undo records in append-only flat files
// (`<datadir>/blocks/blkNNNNN.dat`, `revNNNNN.dat`, framed with the network's magic bytes).
//
// Key layout in the KV store:
//   'C' txid(32, internal order) index(4, big-endian)  -> Coin (coins.h format)
//   'B'                                                -> best block hash of the coins
//   'b' block hash(32)                                 -> DiskBlockIndex (block_index.h)
// Big-endian indexes keep the coins in outpoint order, the order the UTXO digest needs.
//
// Not thread-safe: the validation strand owns both objects. The KV store and Env must
// outlive them.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bitcoin/chain/block_store.h"
#include "bitcoin/chain/coins.h"
#include "storage/env.h"
#include "storage/flat_file.h"
#include "storage/kv.h"

namespace tonari::bitcoin::chain {

class CoinsDb final : public CoinsView {
public:
    explicit CoinsDb(storage::KvStore& kv) : m_kv(kv) {}

    std::optional<Coin> GetCoin(const primitives::OutPoint& outpoint) const override;
    primitives::BlockHash GetBestBlock() const override;
    util::Result<void, CoinsIoError> BatchWrite(CoinsBatch& changes, const primitives::BlockHash& best_block) override;
    std::optional<std::string> ReadError() const override { return m_read_error; }

    // Every coin in outpoint order; stops early when fn returns false. An error means the
    // database could not be read to the end.
    util::Result<void, CoinsIoError> ForEachCoin(
        const std::function<bool(const primitives::OutPoint&, const Coin&)>& fn) const;

private:
    storage::KvStore& m_kv;
    mutable std::optional<std::string> m_read_error;
};

class DiskBlockStore final : public BlockStore {
public:
    // Opens (creating) the blk/rev sequences under `blocks_dir`.
    // `max_file_size` is the blk/rev file size (Core's 128 MiB; tests use small files to
    // exercise pruning).
    static util::Result<std::unique_ptr<DiskBlockStore>, StoreError> Open(
        storage::Env& env, const std::filesystem::path& blocks_dir, storage::KvStore& kv, storage::FileMagic magic,
        uint64_t max_file_size = storage::FlatFileSeq::MAX_FILE_SIZE);

    util::Result<DiskPos, StoreError> WriteBlock(const primitives::Block& block) override;
    util::Result<primitives::Block, StoreError> ReadBlock(DiskPos pos) const override;
    util::Result<DiskPos, StoreError> WriteUndo(const BlockUndo& undo, const primitives::BlockHash& prev_hash) override;
    util::Result<BlockUndo, StoreError> ReadUndo(DiskPos pos, const primitives::BlockHash& prev_hash) const override;
    util::Result<void, StoreError> Flush() override;
    util::Result<void, StoreError> WriteIndex(const std::vector<DiskBlockIndex>& entries) override;
    util::Result<std::vector<DiskBlockIndex>, StoreError> LoadIndex() const override;
    std::vector<BlockFileInfo> Files() const override;
    uint64_t FilesSize() const override;
    util::Result<void, StoreError> RemoveFile(BlockFileKind kind, int32_t file) override;

    // The block files, for -reindex scans.
    const storage::FlatFileSeq& Blocks() const { return *m_blocks; }

    // Use Open; public only so that it can be made with std::make_unique.
    DiskBlockStore(std::unique_ptr<storage::FlatFileSeq> blocks, std::unique_ptr<storage::FlatFileSeq> undo,
                   storage::KvStore& kv)
        : m_blocks(std::move(blocks)), m_undo(std::move(undo)), m_kv(kv) {}

private:
    std::unique_ptr<storage::FlatFileSeq> m_blocks;
    std::unique_ptr<storage::FlatFileSeq> m_undo;
    storage::KvStore& m_kv;
};

}  // namespace tonari::bitcoin::chain
