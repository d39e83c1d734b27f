// NodeStorage: wiring of RocksDB, the block files and the chainstate for one data directory.
#include "bitcoin/node/node_storage.h"

#include "bitcoin/miner/tx_selection.h"

#include "bitcoin/consensus/params.h"

namespace tonari::bitcoin::node {

int PruneAfterHeight(encoding::Network network) {
    return network == encoding::Network::Main ? 100'000 : 1'000;
}

util::Result<std::unique_ptr<NodeStorage>, std::string> NodeStorage::Open(const NodeStorageOptions& options) {
    auto node = std::make_unique<NodeStorage>();
    node->m_params = std::make_unique<const consensus::ConsensusParams>(
        options.params ? *options.params : consensus::GetParams(options.network));
    const consensus::ConsensusParams& params = *node->m_params;
    // Bitcoin Core's layout: main in the data directory itself, other networks in a folder.
    node->m_dir = options.network == encoding::Network::Main ? options.data_dir : options.data_dir / std::string(params.name);
    node->m_env = storage::Env::MakePosix();
    const auto chainstate_dir = node->m_dir / "chainstate";
    if (options.reindex) {
        if (auto destroyed = storage::KvStore::DestroyRocksDb(chainstate_dir); !destroyed) {
            return util::Fail("cannot remove " + chainstate_dir.string() + ": " + destroyed.error().message);
        }
    }
    // A quarter of the cache budget for RocksDB's own block cache, the rest for the coins; at
    // Core's minimum of 4 MiB that leaves 3 for the coins: a large UTXO set is written often.
    storage::KvOptions kv_options;
    const size_t dbcache_mib = std::max<size_t>(options.dbcache_mib, 4);
    kv_options.cache_mb = std::max<size_t>(1, dbcache_mib / 4);
    auto kv = storage::KvStore::OpenRocksDb(chainstate_dir, kv_options);
    if (!kv) return util::Fail("cannot open " + chainstate_dir.string() + ": " + kv.error().message);
    node->m_kv = std::move(*kv);
    auto blocks = chain::DiskBlockStore::Open(*node->m_env, node->m_dir / "blocks", *node->m_kv,
                                                       params.message_start);
    if (!blocks) return util::Fail("cannot open the block files: " + blocks.error().message);
    node->m_blocks = std::move(*blocks);
    node->m_coins_db = std::make_unique<chain::CoinsDb>(*node->m_kv);
    node->m_pool = std::make_unique<util::WorkerPool>(options.script_threads);
    node->m_tree = std::make_unique<chain::BlockTree>(params);
    chain::ChainstateOptions chain_options;
    chain_options.coins_cache_bytes = (dbcache_mib - kv_options.cache_mb) << 20;
    chain_options.connect.pool = node->m_pool.get();
    chain_options.connect.check_scripts = options.check_scripts;
    chain_options.connect.sig_cache = &node->m_sig_cache;
    chain_options.flush_every_blocks = options.flush_every_blocks;
    chain_options.assume_valid = options.assume_valid ? *options.assume_valid : params.default_assume_valid;
    chain_options.prune.enabled = options.prune_mib != 0;
    chain_options.prune.target_bytes = options.prune_mib > 1 ? options.prune_mib << 20 : 0;
    chain_options.prune.prune_after_height = PruneAfterHeight(options.network);
    node->m_chainstate = std::make_unique<chain::Chainstate>(*node->m_tree, *node->m_blocks,
                                                                      *node->m_coins_db, chain_options);
    if (auto loaded = node->m_chainstate->Load(); !loaded) return util::Fail(loaded.error().message);
    node->m_accept = std::make_unique<mempool::MempoolAccept>(*node->m_chainstate, node->m_mempool, options.mempool,
                                                              &node->m_sig_cache);
    node->m_events.accept = node->m_accept.get();
    node->m_selection.min_fee_rate = options.block_min_fee;
    node->m_chainstate->SetObserver(&node->m_events);
    NodeStorage* self = node.get();
    node->m_mempool.SetAddListener([self](const mempool::MempoolEntry& e) {
        for (const auto& listener : self->m_tx_added) {
            if (listener) listener(e);
        }
    });
    node->m_mempool.SetRemovalListener([self](const mempool::MempoolEntry& e, mempool::RemovalReason reason) {
        for (const auto& listener : self->m_tx_removed) {
            if (listener) listener(e, reason);
        }
    });
    return node;
}

NodeStorage::~NodeStorage() {
    if (m_chainstate) m_chainstate->SetObserver(nullptr);
}

void NodeStorage::ChainEvents::BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) {
    accept->BlockConnected(block);
    for (auto* listener : listeners) {
        if (listener != nullptr) listener->BlockConnected(block, index);
    }
}

void NodeStorage::ChainEvents::BlockDisconnected(const primitives::Block& block, const chain::BlockIndex& index) {
    accept->BlockDisconnected(block);
    for (auto* listener : listeners) {
        if (listener != nullptr) listener->BlockDisconnected(block, index);
    }
}

void NodeStorage::NoteTemplate(const primitives::Block& block) {
    // Core counts the weight block assembly sets aside for the coinbase.
    TemplateStats stats{.weight = static_cast<uint64_t>(miner::COINBASE_RESERVED_WEIGHT), .txs = 0};
    for (size_t i = 1; i < block.txs.size(); ++i) {
        stats.weight += static_cast<uint64_t>(primitives::TxWeight(block.txs[i]));
        ++stats.txs;
    }
    m_last_template = stats;
}

util::Result<chain::UtxoStats, std::string> NodeStorage::ComputeUtxoStats(chain::UtxoHashType type) {
    if (auto flushed = m_chainstate->Flush(true); !flushed) return util::Fail(flushed.error().message);
    std::string read_error;
    auto stats = chain::ComputeUtxoDigest([&](const chain::CoinVisitor& visit) {
        auto walked = m_coins_db->ForEachCoin([&visit](const primitives::OutPoint& o, const chain::Coin& c) {
            visit(o, c);
            return true;
        });
        if (!walked) read_error = walked.error().message;
    }, type);
    if (!read_error.empty()) return util::Fail(read_error + " (restart with -reindex to rebuild the chain state)");
    if (!stats) return util::Fail(std::string("the coins database is not in outpoint order"));
    return *stats;
}

}  // namespace tonari::bitcoin::node
