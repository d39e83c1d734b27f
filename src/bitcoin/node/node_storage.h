// Opens a node's chain storage under its data directory: `<netdir>/chainstate` (RocksDB: coins
// and block index) and `<netdir>/blocks` (blk/rev flat files), where <netdir> is the data
// directory itself on main and `<datadir>/<network>` elsewhere, as Bitcoin Core lays it out;
// and the Chainstate over them. One owner for everything, destroyed in the right order.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "bitcoin/chain/block_tree.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/disk_store.h"
#include "bitcoin/chain/utxo_digest.h"
#include "bitcoin/encoding/network.h"
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

    // Flushes the chainstate, then walks every coin on disk for the gettxoutsetinfo figures.
    // Errors are one-line messages (a damaged database says to -reindex).
    util::Result<chain::UtxoStats, std::string> ComputeUtxoStats();

    // Use Open.
    NodeStorage() = default;

private:
    std::filesystem::path m_dir;
    std::unique_ptr<storage::Env> m_env;
    std::unique_ptr<storage::KvStore> m_kv;
    std::unique_ptr<chain::DiskBlockStore> m_blocks;
    std::unique_ptr<chain::CoinsDb> m_coins_db;
    std::unique_ptr<util::WorkerPool> m_pool;
    std::unique_ptr<chain::BlockTree> m_tree;
    std::unique_ptr<chain::Chainstate> m_chainstate;
};

}  // namespace tonari::bitcoin::node
