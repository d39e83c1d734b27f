// Opens a node's chain storage under its data directory: `<datadir>/<network>/chainstate`
// (RocksDB: coins and block index) and `<datadir>/<network>/blocks` (blk/rev flat files),
// and the Chainstate over them. One owner for everything, destroyed in the right order.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "bitcoin/chain/block_tree.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/disk_store.h"
#include "bitcoin/encoding/network.h"
#include "storage/env.h"
#include "storage/kv.h"
#include "util/result.h"
#include "util/worker_pool.h"

namespace tonari::app {

struct NodeStorageOptions {
    std::filesystem::path data_dir;
    bitcoin::encoding::Network network = bitcoin::encoding::Network::Regtest;
    size_t dbcache_mib = 450;  // Bitcoin Core's -dbcache default
    bool reindex = false;      // wipe the chainstate and rebuild it from the block files
    uint32_t flush_every_blocks = 1000;
};

class NodeStorage {
public:
    // Opens (creating) the storage and loads the chainstate. Errors are one-line messages
    // meant for the user (they say to use -reindex when that would help).
    static util::Result<std::unique_ptr<NodeStorage>, std::string> Open(const NodeStorageOptions& options);

    bitcoin::chain::Chainstate& Chain() { return *m_chainstate; }
    bitcoin::chain::CoinsDb& CoinsDatabase() { return *m_coins_db; }
    bitcoin::chain::DiskBlockStore& Blocks() { return *m_blocks; }
    const std::filesystem::path& NetworkDir() const { return m_dir; }

    // Use Open.
    NodeStorage() = default;

private:
    std::filesystem::path m_dir;
    std::unique_ptr<storage::Env> m_env;
    std::unique_ptr<storage::KvStore> m_kv;
    std::unique_ptr<bitcoin::chain::DiskBlockStore> m_blocks;
    std::unique_ptr<bitcoin::chain::CoinsDb> m_coins_db;
    std::unique_ptr<util::WorkerPool> m_pool;
    std::unique_ptr<bitcoin::chain::BlockTree> m_tree;
    std::unique_ptr<bitcoin::chain::Chainstate> m_chainstate;
};

}  // namespace tonari::app
