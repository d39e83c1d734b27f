// Wallet records in a KvStore (see wallet_store.h).
#include "bitcoin/wallet/wallet_store.h"

#include "bitcoin/wallet/secure_wipe.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wallet {
namespace {

constexpr uint8_t KEY_META = 'M';
constexpr uint8_t KEY_SEED = 'S';
constexpr uint8_t KEY_NEXT_INDEX = 'N';
constexpr uint8_t KEY_BEST_BLOCK = 'B';
constexpr uint8_t KEY_TX = 'T';
// Identifies a wallet store, so Open on some other database fails instead of misreading it.
constexpr std::string_view META_MAGIC = "tonari-wallet";
constexpr uint8_t SEED_RECORD_VERSION = 1;
// Longest mnemonic text stored (24 words fit in 215 characters).
constexpr size_t MAX_STORED_MNEMONIC = 1024;

WalletError StorageError(const storage::StorageError& e) {
    return WalletError::Make(e.IsCorruption() ? WalletErrorCode::Corrupt : WalletErrorCode::StorageFailure,
                             "Wallet storage: " + e.ToString());
}

WalletError Corrupt(std::string what) {
    return WalletError::Make(WalletErrorCode::Corrupt, "Wallet storage is corrupt: " + std::move(what));
}

util::Bytes Key1(uint8_t prefix) {
    return {prefix};
}

util::Bytes NextIndexKey(OutputType type, uint32_t chain) {
    return {KEY_NEXT_INDEX, static_cast<uint8_t>(type), static_cast<uint8_t>(chain)};
}

util::Bytes TxKey(const primitives::Txid& txid) {
    util::Bytes key = {KEY_TX};
    util::Append(key, txid.get().span());
    return key;
}

std::optional<WalletMeta> DecodeMeta(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    const util::ByteSpan magic = r.ReadSpan(META_MAGIC.size());
    if (r.failed() ||
        std::string_view(reinterpret_cast<const char*>(magic.data()), magic.size()) != META_MAGIC) {
        return std::nullopt;
    }
    WalletMeta meta;
    meta.version = r.ReadU32LE();
    const uint8_t name_len = r.ReadU8();
    const util::ByteSpan name = r.ReadSpan(name_len);
    meta.birth_time = r.ReadI64LE();
    if (r.failed() || !r.empty()) return std::nullopt;
    const auto network =
        encoding::ParseNetwork(std::string_view(reinterpret_cast<const char*>(name.data()), name.size()));
    if (!network) return std::nullopt;
    meta.network = *network;
    return meta;
}

std::optional<WalletSeed> DecodeSeed(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    if (r.ReadU8() != SEED_RECORD_VERSION) return std::nullopt;
    WalletSeed seed;
    r.ReadInto(seed.seed);
    const uint16_t len = r.ReadU16LE();
    if (len > MAX_STORED_MNEMONIC) return std::nullopt;
    const util::ByteSpan text = r.ReadSpan(len);
    if (r.failed() || !r.empty()) return std::nullopt;
    seed.mnemonic.assign(text.begin(), text.end());
    return seed;
}

}  // namespace

void WalletBatch::PutMeta(const WalletMeta& meta) {
    util::ByteWriter w;
    w.WriteBytes(util::AsBytes(META_MAGIC));
    w.WriteU32LE(meta.version);
    const std::string_view name = encoding::NetworkName(meta.network);
    w.WriteU8(static_cast<uint8_t>(name.size()));
    w.WriteBytes(util::AsBytes(name));
    w.WriteI64LE(meta.birth_time);
    m_batch.Put(Key1(KEY_META), w.data());
}

void WalletBatch::PutSeed(const WalletSeed& seed) {
    util::ByteWriter w;
    w.WriteU8(SEED_RECORD_VERSION);
    w.WriteBytes(seed.seed);
    w.WriteU16LE(static_cast<uint16_t>(seed.mnemonic.size()));
    w.WriteBytes(util::AsBytes(seed.mnemonic));
    util::Bytes value = w.Take();
    m_batch.Put(Key1(KEY_SEED), value);
    detail::SecureWipe(value);
}

void WalletBatch::PutNextIndex(OutputType type, uint32_t chain, uint32_t next) {
    util::ByteWriter w;
    w.WriteU32LE(next);
    m_batch.Put(NextIndexKey(type, chain), w.data());
}

void WalletBatch::PutBestBlock(const BestBlock& block) {
    util::ByteWriter w;
    w.WriteBytes(block.hash.get().span());
    w.WriteI32LE(block.height);
    m_batch.Put(Key1(KEY_BEST_BLOCK), w.data());
}

void WalletBatch::PutTx(const WalletTx& wtx) {
    m_batch.Put(TxKey(wtx.txid), EncodeWalletTx(wtx));
}

void WalletBatch::EraseTx(const primitives::Txid& txid) {
    m_batch.Delete(TxKey(txid));
}

util::Result<bool, WalletError> WalletStore::HasWallet() const {
    auto exists = m_kv->Exists(Key1(KEY_META));
    if (!exists) return util::Fail(StorageError(exists.error()));
    return *exists;
}

util::Result<WalletContents, WalletError> WalletStore::Load() const {
    WalletContents out;
    auto meta_bytes = m_kv->Get(Key1(KEY_META));
    if (!meta_bytes) return util::Fail(StorageError(meta_bytes.error()));
    if (!*meta_bytes)
        return util::Fail(WalletError::Make(WalletErrorCode::NotFound, "No wallet in this store"));
    const auto meta = DecodeMeta(**meta_bytes);
    if (!meta) return util::Fail(Corrupt("meta record"));
    if (meta->version != WALLET_STORE_VERSION) {
        return util::Fail(Corrupt("unknown wallet format version " + std::to_string(meta->version)));
    }
    out.meta = *meta;

    auto seed_bytes = m_kv->Get(Key1(KEY_SEED));
    if (!seed_bytes) return util::Fail(StorageError(seed_bytes.error()));
    if (!*seed_bytes) return util::Fail(Corrupt("seed record missing"));
    auto seed = DecodeSeed(**seed_bytes);
    detail::SecureWipe(**seed_bytes);
    if (!seed) return util::Fail(Corrupt("seed record"));
    out.seed = std::move(*seed);

    for (OutputType type : ALL_OUTPUT_TYPES) {
        for (uint32_t chain : {EXTERNAL_CHAIN, INTERNAL_CHAIN}) {
            auto v = m_kv->Get(NextIndexKey(type, chain));
            if (!v) return util::Fail(StorageError(v.error()));
            if (!*v) continue;  // never advanced
            if ((*v)->size() != 4) return util::Fail(Corrupt("next index record"));
            util::ByteReader r(**v);
            out.next_index[static_cast<size_t>(type)][chain] = r.ReadU32LE();
        }
    }

    auto best = m_kv->Get(Key1(KEY_BEST_BLOCK));
    if (!best) return util::Fail(StorageError(best.error()));
    if (*best) {
        if ((*best)->size() != 36) return util::Fail(Corrupt("best block record"));
        util::ByteReader r(**best);
        util::Uint256 hash;
        r.ReadInto(hash.mutable_span());
        out.best_block = BestBlock{primitives::BlockHash(hash), r.ReadI32LE()};
    }

    const util::Bytes tx_prefix = Key1(KEY_TX);
    auto it = m_kv->NewIterator();
    for (it->Seek(tx_prefix); it->Valid() && storage::HasPrefix(it->Key(), tx_prefix); it->Next()) {
        auto wtx = DecodeWalletTx(it->Value());
        if (!wtx) return util::Fail(Corrupt("transaction record"));
        const util::ByteSpan key_txid = it->Key().subspan(1);
        if (!std::equal(key_txid.begin(), key_txid.end(), wtx->txid.get().begin(), wtx->txid.get().end())) {
            return util::Fail(Corrupt("transaction record under the wrong txid"));
        }
        out.txs.push_back(std::move(*wtx));
    }
    if (auto s = it->GetStatus(); !s) return util::Fail(StorageError(s.error()));
    return out;
}

util::Result<void, WalletError> WalletStore::Write(const WalletBatch& batch, bool sync) {
    if (batch.Empty()) return {};
    if (auto s = m_kv->Write(batch.batch(), sync); !s) return util::Fail(StorageError(s.error()));
    return {};
}

util::Result<std::unique_ptr<storage::KvStore>, WalletError> OpenWalletKv(const std::filesystem::path& dir,
                                                                          bool create) {
    std::error_code ec;
    if (!create && !std::filesystem::is_directory(dir, ec)) {
        return util::Fail(WalletError::Make(WalletErrorCode::NotFound, "Wallet not found: " + dir.string()));
    }
    storage::KvOptions options;
    options.create_if_missing = create;
    // A wallet is small: a modest cache and memtable suffice.
    options.cache_mb = 4;
    options.write_buffer_mb = 4;
    options.max_open_files = 64;
    auto kv = storage::KvStore::OpenRocksDb(dir, options);
    if (!kv) return util::Fail(StorageError(kv.error()));
    return std::move(*kv);
}

}  // namespace tonari::bitcoin::wallet
