// CoinsDb and DiskBlockStore: the chainstate's durable storage over storage/.
#include "bitcoin/chain/disk_store.h"

#include <array>

namespace tonari::bitcoin::chain {
namespace {

constexpr uint8_t COIN_PREFIX = 'C';
constexpr uint8_t BEST_BLOCK_KEY = 'B';
constexpr uint8_t INDEX_PREFIX = 'b';
constexpr size_t COIN_KEY_SIZE = 1 + 32 + 4;

std::array<uint8_t, COIN_KEY_SIZE> CoinKey(const primitives::OutPoint& outpoint) {
    std::array<uint8_t, COIN_KEY_SIZE> key{};
    key[0] = COIN_PREFIX;
    std::copy(outpoint.txid.get().begin(), outpoint.txid.get().end(), key.begin() + 1);
    key[33] = static_cast<uint8_t>(outpoint.index >> 24);
    key[34] = static_cast<uint8_t>(outpoint.index >> 16);
    key[35] = static_cast<uint8_t>(outpoint.index >> 8);
    key[36] = static_cast<uint8_t>(outpoint.index);
    return key;
}

std::optional<primitives::OutPoint> OutPointFromKey(util::ByteSpan key) {
    if (key.size() != COIN_KEY_SIZE || key[0] != COIN_PREFIX) return std::nullopt;
    auto txid = util::Uint256::FromBytes(key.subspan(1, 32));
    if (!txid) return std::nullopt;
    const uint32_t index = (uint32_t{key[33]} << 24) | (uint32_t{key[34]} << 16) | (uint32_t{key[35]} << 8) | key[36];
    return primitives::OutPoint{primitives::Txid(*txid), index};
}

std::array<uint8_t, 33> IndexKey(const primitives::BlockHash& hash) {
    std::array<uint8_t, 33> key{};
    key[0] = INDEX_PREFIX;
    std::copy(hash.get().begin(), hash.get().end(), key.begin() + 1);
    return key;
}

StoreError FromStorage(const storage::StorageError& e) { return StoreError{e.message}; }

DiskPos ToDiskPos(const storage::FlatFilePos& pos) {
    return DiskPos{static_cast<int32_t>(pos.file), static_cast<uint32_t>(pos.offset)};
}

storage::FlatFilePos ToFlatPos(DiskPos pos) {
    return storage::FlatFilePos{static_cast<uint32_t>(pos.file), pos.offset};
}

}  // namespace

std::optional<Coin> CoinsDb::GetCoin(const primitives::OutPoint& outpoint) const {
    const auto key = CoinKey(outpoint);
    auto value = m_kv.Get(key);
    if (!value) {
        if (!m_read_error) m_read_error = value.error().message;
        return std::nullopt;
    }
    if (!*value) return std::nullopt;
    auto coin = DecodeCoin(**value);
    if (!coin) {
        if (!m_read_error) {
            m_read_error = "corrupt coin record for " + outpoint.txid.ToHex() + ":" + std::to_string(outpoint.index) +
                           " (" + std::string(CoinsDecodeErrorMessage(coin.error())) + ")";
        }
        return std::nullopt;
    }
    return std::move(*coin);
}

primitives::BlockHash CoinsDb::GetBestBlock() const {
    const uint8_t key[] = {BEST_BLOCK_KEY};
    auto value = m_kv.Get(key);
    if (!value) {
        if (!m_read_error) m_read_error = value.error().message;
        return {};
    }
    if (!*value) return {};
    auto hash = util::Uint256::FromBytes(**value);
    if (!hash) {
        if (!m_read_error) m_read_error = "corrupt best-block record in the coins database";
        return {};
    }
    return primitives::BlockHash(*hash);
}

util::Result<void, CoinsIoError> CoinsDb::BatchWrite(CoinsBatch& changes, const primitives::BlockHash& best_block) {
    storage::WriteBatch batch;
    changes.ForEach([&batch](CoinChange& change) {
        const auto key = CoinKey(change.outpoint);
        if (change.coin != nullptr) {
            batch.Put(key, SerializeCoin(*change.coin));
        } else {
            batch.Delete(key);
        }
    });
    const uint8_t best_key[] = {BEST_BLOCK_KEY};
    batch.Put(best_key, best_block.get().span());
    // One atomic, synced batch: after a crash the coins match exactly one best block.
    if (auto written = m_kv.Write(batch, true); !written) return util::Fail(CoinsIoError{written.error().message});
    return {};
}

util::Result<void, CoinsIoError> CoinsDb::ForEachCoin(
    const std::function<bool(const primitives::OutPoint&, const Coin&)>& fn) const {
    auto it = m_kv.NewIterator();
    const uint8_t prefix[] = {COIN_PREFIX};
    for (it->Seek(prefix); it->Valid() && storage::HasPrefix(it->Key(), prefix); it->Next()) {
        const auto outpoint = OutPointFromKey(it->Key());
        auto coin = DecodeCoin(it->Value());
        if (!outpoint || !coin) return util::Fail(CoinsIoError{"corrupt coin record in the coins database"});
        if (!fn(*outpoint, *coin)) return {};
    }
    if (auto status = it->GetStatus(); !status) return util::Fail(CoinsIoError{status.error().message});
    return {};
}

util::Result<std::unique_ptr<DiskBlockStore>, StoreError> DiskBlockStore::Open(storage::Env& env,
                                                                              const std::filesystem::path& blocks_dir,
                                                                              storage::KvStore& kv,
                                                                              storage::FileMagic magic,
                                                                              uint64_t max_file_size) {
    storage::FlatFileSeq::Options options;
    options.max_file_size = max_file_size;
    auto blocks = storage::FlatFileSeq::Open(env, blocks_dir, "blk", magic, options);
    if (!blocks) return util::Fail(FromStorage(blocks.error()));
    auto undo = storage::FlatFileSeq::Open(env, blocks_dir, "rev", magic, options);
    if (!undo) return util::Fail(FromStorage(undo.error()));
    return std::make_unique<DiskBlockStore>(std::move(*blocks), std::move(*undo), kv);
}

util::Result<DiskPos, StoreError> DiskBlockStore::WriteBlock(const primitives::Block& block) {
    auto pos = m_blocks->Append(primitives::SerializeBlock(block));
    if (!pos) return util::Fail(FromStorage(pos.error()));
    return ToDiskPos(*pos);
}

util::Result<primitives::Block, StoreError> DiskBlockStore::ReadBlock(DiskPos pos) const {
    if (pos.IsNull()) return util::Fail(StoreError{"block has no stored data"});
    auto bytes = m_blocks->Read(ToFlatPos(pos));
    if (!bytes) return util::Fail(FromStorage(bytes.error()));
    auto block = primitives::DecodeBlock(*bytes);
    if (!block) return util::Fail(StoreError{"stored block at file " + std::to_string(pos.file) + " offset " +
                                             std::to_string(pos.offset) + " does not decode"});
    return std::move(*block);
}

util::Result<DiskPos, StoreError> DiskBlockStore::WriteUndo(const BlockUndo& undo, const primitives::BlockHash& prev_hash) {
    auto pos = m_undo->Append(MakeUndoRecord(prev_hash, undo));
    if (!pos) return util::Fail(FromStorage(pos.error()));
    return ToDiskPos(*pos);
}

util::Result<BlockUndo, StoreError> DiskBlockStore::ReadUndo(DiskPos pos, const primitives::BlockHash& prev_hash) const {
    if (pos.IsNull()) return util::Fail(StoreError{"block has no stored undo data"});
    auto bytes = m_undo->Read(ToFlatPos(pos));
    if (!bytes) return util::Fail(FromStorage(bytes.error()));
    auto undo = ReadUndoRecord(prev_hash, *bytes);
    if (!undo) return util::Fail(StoreError{"undo record: " + std::string(CoinsDecodeErrorMessage(undo.error()))});
    return std::move(*undo);
}

util::Result<void, StoreError> DiskBlockStore::Flush() {
    if (auto b = m_blocks->Flush(true); !b) return util::Fail(FromStorage(b.error()));
    if (auto u = m_undo->Flush(true); !u) return util::Fail(FromStorage(u.error()));
    return {};
}

util::Result<void, StoreError> DiskBlockStore::WriteIndex(const std::vector<DiskBlockIndex>& entries) {
    storage::WriteBatch batch;
    for (const auto& e : entries) batch.Put(IndexKey(e.header.ComputeHash()), SerializeBlockIndex(e));
    if (auto written = m_kv.Write(batch, true); !written) return util::Fail(FromStorage(written.error()));
    return {};
}

util::Result<std::vector<DiskBlockIndex>, StoreError> DiskBlockStore::LoadIndex() const {
    std::vector<DiskBlockIndex> out;
    auto it = m_kv.NewIterator();
    const uint8_t prefix[] = {INDEX_PREFIX};
    for (it->Seek(prefix); it->Valid() && storage::HasPrefix(it->Key(), prefix); it->Next()) {
        auto entry = DecodeBlockIndex(it->Value());
        if (!entry) return util::Fail(StoreError{"corrupt block index record"});
        out.push_back(*entry);
    }
    if (auto status = it->GetStatus(); !status) return util::Fail(FromStorage(status.error()));
    return out;
}

std::vector<BlockFileInfo> DiskBlockStore::Files() const {
    std::vector<BlockFileInfo> out;
    for (const auto& [seq, kind] : {std::pair{m_blocks.get(), BlockFileKind::Blocks},
                                    std::pair{m_undo.get(), BlockFileKind::Undo}}) {
        const uint32_t appending = seq->CurrentFile();
        for (const auto& [file, size] : seq->FileSizes()) {
            out.push_back({.kind = kind, .file = static_cast<int32_t>(file), .size = size, .appending = file == appending});
        }
    }
    return out;
}

uint64_t DiskBlockStore::FilesSize() const { return m_blocks->TotalSize() + m_undo->TotalSize(); }

util::Result<void, StoreError> DiskBlockStore::RemoveFile(BlockFileKind kind, int32_t file) {
    if (file < 0) return util::Fail(StoreError{"no such block file"});
    storage::FlatFileSeq& seq = kind == BlockFileKind::Blocks ? *m_blocks : *m_undo;
    if (auto removed = seq.RemoveFile(static_cast<uint32_t>(file)); !removed) {
        return util::Fail(FromStorage(removed.error()));
    }
    return {};
}

}  // namespace tonari::bitcoin::chain
