// Everything that lives on the validation strand: the chain storage under the data directory
// (`<netdir>/chainstate`, RocksDB: coins and block index; `<netdir>/blocks`, blk/rev flat
// files; <netdir> is the data directory itself on main and `<datadir>/<network>` elsewhere,
// as Bitcoin Core lays it out), the Chainstate over them, and the mempool kept in step with
// the chain. One owner for everything, destroyed in the right order.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bitcoin/chain/block_tree.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/disk_store.h"
#include "bitcoin/chain/utxo_digest.h"
#include "bitcoin/encoding/network.h"
#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/miner/tx_selection.h"
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
    policy::FeeRate block_min_fee{policy::DEFAULT_BLOCK_MIN_TX_FEE};  // Core's -blockmintxfee
    // -assumevalid: the network's default when unset; a null hash (-assumevalid=0) checks every
    // script.
    std::optional<primitives::BlockHash> assume_valid;
    // Regtest parameters changed by -testactivationheight / -vbparams; the network's own when
    // unset.
    std::optional<consensus::ConsensusParams> params;
    // Core's -prune in MiB: 0 off, 1 manual (pruneblockchain), 550 or more automatic. The
    // caller checks the value.
    uint64_t prune_mib = 0;
};

// Core's PruneAfterHeight: automatic pruning waits for a chain this long.
int PruneAfterHeight(encoding::Network network);

class NodeStorage {
public:
    // Opens (creating) the storage and loads the chainstate. Errors are one-line messages
    // meant for the user (they say to use -reindex when that would help).
    static util::Result<std::unique_ptr<NodeStorage>, std::string> Open(const NodeStorageOptions& options);

    chain::Chainstate& Chain() { return *m_chainstate; }
    // The consensus parameters this node validates with; immutable after Open, so any thread
    // may read them.
    const consensus::ConsensusParams& Params() const { return *m_params; }
    chain::CoinsDb& CoinsDatabase() { return *m_coins_db; }
    chain::DiskBlockStore& Blocks() { return *m_blocks; }
    const std::filesystem::path& NetworkDir() const { return m_dir; }
    mempool::TxMempool& Mempool() { return m_mempool; }
    mempool::MempoolAccept& MempoolGate() { return *m_accept; }
    // What block templates take from the mempool (-blockmintxfee).
    const miner::SelectionOptions& Selection() const { return m_selection; }

    // Who hears of what happens on the strand: the wallets, the P2P relay, the dashboard's
    // event publisher and the ZMQ notifier, each in its own slot, told in that order (the chainstate and the mempool
    // have one listener each, installed by Open, which fans out to these).
    enum class ListenerSlot : size_t { Wallet, Relay, Dashboard, Notify };
    static constexpr size_t LISTENER_SLOTS = 4;
    // Every block connected or disconnected (after the mempool); nullptr: none.
    void SetChainListener(ListenerSlot slot, chain::ChainObserver* listener) { m_events.listeners[Index(slot)] = listener; }
    // Call after anything that may have moved the tip (blocks processed, invalidateblock,
    // reconsiderblock): transactions of disconnected blocks go back into the mempool and
    // entries no longer valid on the new tip leave; then the settled listeners (the P2P layer
    // announces the new tip) are told.
    void ChainSettled(int64_t now) {
        m_accept->ChainSettled(now);
        for (const auto& listener : m_settled) {
            if (listener) listener();
        }
    }
    void SetSettledListener(ListenerSlot slot, std::function<void()> listener) { m_settled[Index(slot)] = std::move(listener); }
    void SetTxAddedListener(ListenerSlot slot, mempool::TxMempool::AddListener listener) {
        m_tx_added[Index(slot)] = std::move(listener);
    }
    void SetTxRemovedListener(ListenerSlot slot, mempool::TxMempool::RemovalListener listener) {
        m_tx_removed[Index(slot)] = std::move(listener);
    }
    // sendrawtransaction of a transaction already in the mempool asks for it to be announced
    // again; the P2P layer listens (none: nothing to do).
    void SetRebroadcastListener(std::function<void(const mempool::MempoolEntry&)> listener) {
        m_rebroadcast = std::move(listener);
    }
    void Rebroadcast(const mempool::MempoolEntry& entry) {
        if (m_rebroadcast) m_rebroadcast(entry);
    }
    // The P2P layer's unbroadcast set (our transactions no peer has fetched yet), for the
    // mempool RPCs; without a P2P layer, nothing is unbroadcast.
    void SetUnbroadcastView(std::function<bool(const primitives::Txid&)> contains, std::function<size_t()> count) {
        m_unbroadcast_contains = std::move(contains);
        m_unbroadcast_count = std::move(count);
    }
    bool IsUnbroadcast(const primitives::Txid& txid) const { return m_unbroadcast_contains && m_unbroadcast_contains(txid); }
    bool HasUnbroadcastView() const { return static_cast<bool>(m_unbroadcast_contains); }
    size_t UnbroadcastCount() const { return m_unbroadcast_count ? m_unbroadcast_count() : 0; }

    // The last block template built (generate*, getblocktemplate), for getmininginfo's
    // currentblockweight (Core counts the 8000 weight units reserved for the coinbase) and
    // currentblocktx (transactions besides the coinbase).
    struct TemplateStats {
        uint64_t weight = 0;
        uint64_t txs = 0;
    };
    void NoteTemplate(const primitives::Block& block);
    const std::optional<TemplateStats>& LastTemplate() const { return m_last_template; }

    // Flushes the chainstate, then walks every coin on disk for the gettxoutsetinfo figures.
    // Errors are one-line messages (a damaged database says to -reindex).
    util::Result<chain::UtxoStats, std::string> ComputeUtxoStats(
        chain::UtxoHashType type = chain::UtxoHashType::HashSerialized);

    // Use Open.
    NodeStorage() = default;
    ~NodeStorage();
    NodeStorage(const NodeStorage&) = delete;
    NodeStorage& operator=(const NodeStorage&) = delete;

private:
    static size_t Index(ListenerSlot slot) { return static_cast<size_t>(slot); }

    // Forwards chain events to the mempool, then to the listeners.
    struct ChainEvents final : chain::ChainObserver {
        mempool::MempoolAccept* accept = nullptr;
        std::array<chain::ChainObserver*, LISTENER_SLOTS> listeners{};
        void BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) override;
        void BlockDisconnected(const primitives::Block& block, const chain::BlockIndex& index) override;
    };

    std::unique_ptr<const consensus::ConsensusParams> m_params;  // first: everything below refers to it
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
    std::array<std::function<void()>, LISTENER_SLOTS> m_settled;
    std::array<mempool::TxMempool::AddListener, LISTENER_SLOTS> m_tx_added;
    std::array<mempool::TxMempool::RemovalListener, LISTENER_SLOTS> m_tx_removed;
    std::function<void(const mempool::MempoolEntry&)> m_rebroadcast;
    std::function<bool(const primitives::Txid&)> m_unbroadcast_contains;
    std::function<size_t()> m_unbroadcast_count;
    std::optional<TemplateStats> m_last_template;
    miner::SelectionOptions m_selection;
};

}  // namespace tonari::bitcoin::node
