// WalletStore: the wallet's records in its own storage::KvStore (a RocksDB folder per wallet,
// or the in-memory store in tests). One key per record, grouped by a prefix byte:
//   'M'                 meta: magic, format version, network, birth time
//   'S'                 the BIP32 seed (64 bytes) and the mnemonic it came from, if any
//   'N' type chain      next unused index of a chain (u32)
//   'B'                 last processed block: hash, height
//   'T' txid            a WalletTx record (wallet_tx.h)
// Batches are atomic (KvStore::Write); with sync=true they are durable when Write returns,
// which is how the wallet makes a key or a transaction permanent before anyone sees it.
//
// Secret material: the seed record is stored unencrypted (wallet encryption is not
// implemented); its serialized bytes are wiped after use.
// Thread-safety: as KvStore (any thread); the Wallet is the only writer.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bitcoin/encoding/network.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/wallet/output_type.h"
#include "bitcoin/wallet/wallet_error.h"
#include "bitcoin/wallet/wallet_tx.h"
#include "storage/kv.h"
#include "util/result.h"

namespace tonari::bitcoin::wallet {

inline constexpr uint32_t WALLET_STORE_VERSION = 1;

struct WalletMeta {
    uint32_t version = WALLET_STORE_VERSION;
    encoding::Network network = encoding::Network::Regtest;
    int64_t birth_time = 0;
};

struct WalletSeed {
    std::array<uint8_t, 64> seed{};
    std::string mnemonic;  // empty when the seed did not come from this wallet's mnemonic
};

struct BestBlock {
    primitives::BlockHash hash;
    int32_t height = -1;
    friend bool operator==(const BestBlock&, const BestBlock&) = default;
};

// Next unused index per (type, chain).
using NextIndexTable = std::array<std::array<uint32_t, 2>, OUTPUT_TYPE_COUNT>;

// Everything a wallet reads at open.
struct WalletContents {
    WalletMeta meta;
    WalletSeed seed;
    NextIndexTable next_index{};
    std::optional<BestBlock> best_block;
    std::vector<WalletTx> txs;
};

// Writes collected for one atomic KvStore::Write.
class WalletBatch {
public:
    void PutMeta(const WalletMeta& meta);
    void PutSeed(const WalletSeed& seed);
    void PutNextIndex(OutputType type, uint32_t chain, uint32_t next);
    void PutBestBlock(const BestBlock& block);
    void PutTx(const WalletTx& wtx);
    void EraseTx(const primitives::Txid& txid);
    bool Empty() const { return m_batch.Empty(); }
    const storage::WriteBatch& batch() const { return m_batch; }

private:
    storage::WriteBatch m_batch;
};

class WalletStore {
public:
    explicit WalletStore(std::unique_ptr<storage::KvStore> kv) : m_kv(std::move(kv)) {}

    // Whether the store holds a wallet (its meta record).
    util::Result<bool, WalletError> HasWallet() const;
    // Reads every record; Corrupt for a record that does not decode, NotFound without meta.
    util::Result<WalletContents, WalletError> Load() const;
    util::Result<void, WalletError> Write(const WalletBatch& batch, bool sync);

private:
    std::unique_ptr<storage::KvStore> m_kv;
};

// Opens the RocksDB store in `dir` for a wallet; with `create`, makes it if missing,
// otherwise a missing folder is NotFound.
util::Result<std::unique_ptr<storage::KvStore>, WalletError> OpenWalletKv(const std::filesystem::path& dir,
                                                                          bool create);

}  // namespace tonari::bitcoin::wallet
