// Shared by the chain tests: a chainstate on real storage (RocksDB and flat files under a
// directory the test owns), opened and loaded in one step; `loaded` says how loading went.
#pragma once

#include <filesystem>
#include <memory>

#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/disk_store.h"
#include "bitcoin/chain/test_node.h"
#include "storage/env.h"
#include "storage/kv.h"

namespace tonari::bitcoin::chain::fixture {

struct DiskNode {
    std::unique_ptr<storage::Env> env = storage::Env::MakePosix();
    std::unique_ptr<storage::KvStore> kv;
    std::unique_ptr<DiskBlockStore> store;
    std::unique_ptr<CoinsDb> coins;
    BlockTree tree{Regtest()};
    std::unique_ptr<Chainstate> chain;
    util::Result<void, ChainError> loaded = util::Fail(ChainError::Io("not opened"));

    // `file_size`: the blk/rev file size (small files make pruning testable).
    explicit DiskNode(const std::filesystem::path& dir, const ChainstateOptions& options = {},
                      uint64_t file_size = storage::FlatFileSeq::MAX_FILE_SIZE) {
        auto opened = storage::KvStore::OpenRocksDb(dir / "chainstate", {});
        if (!opened) {
            loaded = util::Fail(ChainError::Io("cannot open the chainstate: " + opened.error().message));
            return;
        }
        kv = std::move(*opened);
        auto s = DiskBlockStore::Open(*env, dir / "blocks", *kv, Regtest().message_start, file_size);
        if (!s) {
            loaded = util::Fail(ChainError::Io("cannot open the block files: " + s.error().message));
            return;
        }
        store = std::move(*s);
        coins = std::make_unique<CoinsDb>(*kv);
        chain = std::make_unique<Chainstate>(tree, *store, *coins, options);
        loaded = chain->Load();
    }
};

}  // namespace tonari::bitcoin::chain::fixture
