// Everything that lives on the validation strand: the chain storage under the data directory
// (`<netdir>/chainstate`, RocksDB: coins and block index; `<netdir>/blocks`, blk/rev flat
// files; <netdir> is the data directory itself on main and `<datadir>/<network>` elsewhere,
// as Bitcoin Core lays it out), the Chainstate over them, and the mempool kept in step with
// the chain. One owner for everything, destroyed in the right order.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "bitcoin/chain/block_tree.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/disk_store.h"
#include "bitcoin/chain/utxo_digest.h"
#include "bitcoin/encoding/network.h"
#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/script/sig_cache.h"
#include "storage/env.h"
#include "storage/kv.h"
#include "util/result.h"
#include "util/worker_pool.h"

namespace tonari::bitcoin::node {

struct NodeStorageOptions {
    std::filesystem::path data_dir;
    encoding::Network network = encoding::Network::Regtest;
    size_t dbcache_mib = 450;  // Bitcoin Core's -dbcache default
    bool reindex = false;      // wipe the chainstate and rebuild it from the block files
    uint32_t flush_every_blocks = 1000;
    size_t script_threads = 0;  // script verification threads, as Core's -par; 0: one per core
    // Benchmarks only: connect without script checks, to measure the bookkeeping alone.
    bool check_scripts = true;
    mempool::MempoolOptions mempool;
};

class NodeStorage {
public:
    // Opens (creating) the storage and loads the chainstate. Errors are one-line messages
    // meant for the user (they say to use -reindex when that would help).
    static util::Result<std::unique_ptr<NodeStorage>, std::string> Open(const NodeStorageOptions& options);

    chain::Chainstate& Chain() { return *m_chainstate; }
    chain::CoinsDb& CoinsDatabase() { return *m_coins_db; }
    chain::DiskBlockStore& Blocks() { return *m_blocks; }
    const std::filesystem::path& NetworkDir() const { return m_dir; }
    mempool::TxMempool& Mempool() { return m_mempool; }
    mempool::MempoolAccept& MempoolGate() { return *m_accept; }

    // Also told of every block connected or disconnected (after the mempool); nullptr: none.
    void SetChainListener(chain::ChainObserver* listener) { m_events.extra = listener; }
    // Call after anything that may have moved the tip (blocks processed, invalidateblock,
    // reconsiderblock): transactions of disconnected blocks go back into the mempool and
    // entries no longer valid on the new tip leave; then the settled listener (the P2P
    // layer, which announces the new tip) is told.
    void ChainSettled(int64_t now) {
        m_accept->ChainSettled(now);
        if (m_settled_listener) m_settled_listener();
    }
    void SetSettledListener(std::function<void()> listener) { m_settled_listener = std::move(listener); }
    // Who hears of transactions entering the mempool: the wallets and the P2P relay, each in
    // its own slot (the mempool itself has one listener, installed by Open).
    enum class TxListenerSlot { Wallet, Relay };
    void SetTxAddedListener(TxListenerSlot slot, mempool::TxMempool::AddListener listener) {
        (slot == TxListenerSlot::Wallet ? m_tx_added_wallet : m_tx_added_relay) = std::move(listener);
    }

    // Flushes the chainstate, then walks every coin on disk for the gettxoutsetinfo figures.
    // Errors are one-line messages (a damaged database says to -reindex).
    util::Result<chain::UtxoStats, std::string> ComputeUtxoStats();

    // Use Open.
    NodeStorage() = default;
    ~NodeStorage();
    NodeStorage(const NodeStorage&) = delete;
    NodeStorage& operator=(const NodeStorage&) = delete;

private:
    // Forwards chain events to the mempool, then to the extra listener (the wallet).
    struct ChainEvents final : chain::ChainObserver {
        mempool::MempoolAccept* accept = nullptr;
        chain::ChainObserver* extra = nullptr;
        void BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) override;
        void BlockDisconnected(const primitives::Block& block, const chain::BlockIndex& index) override;
    };

    std::filesystem::path m_dir;
    std::unique_ptr<storage::Env> m_env;
    std::unique_ptr<storage::KvStore> m_kv;
    std::unique_ptr<chain::DiskBlockStore> m_blocks;
    std::unique_ptr<chain::CoinsDb> m_coins_db;
    std::unique_ptr<util::WorkerPool> m_pool;
    std::unique_ptr<chain::BlockTree> m_tree;
    std::unique_ptr<chain::Chainstate> m_chainstate;
    // Signatures the mempool verified, so the block that mines them checks them for free.
    script::SignatureCache m_sig_cache;
    mempool::TxMempool m_mempool;
    std::unique_ptr<mempool::MempoolAccept> m_accept;
    ChainEvents m_events;
    std::function<void()> m_settled_listener;
    mempool::TxMempool::AddListener m_tx_added_wallet;
    mempool::TxMempool::AddListener m_tx_added_relay;
};

}  // namespace tonari::bitcoin::node
