// The chainstate on real storage (RocksDB and flat files in a temporary directory): the 206
// regtest blocks connect, survive a reopen with the same UTXO digest as the in-memory run,
// and a corrupt coin record is reported as a storage failure, never as an invalid block.
#include <gtest/gtest.h>

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/disk_store.h"
#include "bitcoin/chain/disk_test_node.h"
#include "bitcoin/chain/test_node.h"
#include "bitcoin/chain/utxo_digest.h"
#include "storage/test_temp_dir.h"
#include "test_data.h"

namespace tonari::bitcoin::chain {
namespace {

using fixture::NOW;
using fixture::Regtest;

std::vector<primitives::Block> RegtestBlocks() {
    std::vector<primitives::Block> out;
    for (const util::Bytes& raw : test::ReadTestHexLines("blocks/regtest_block_data.txt")) {
        auto b = primitives::DecodeBlock(raw);
        EXPECT_TRUE(b);
        if (b) out.push_back(std::move(*b));
    }
    return out;
}

util::Result<UtxoStats, UtxoDigestError> Digest(const CoinsDb& db) {
    return ComputeUtxoDigest([&db](const CoinVisitor& visit) {
        EXPECT_TRUE(db.ForEachCoin([&visit](const primitives::OutPoint& o, const Coin& c) {
            visit(o, c);
            return true;
        }));
    });
}

using fixture::DiskNode;

TEST(DiskChainstate, RegtestBlocksSurviveReopenWithTheSameDigest) {
    storage::test::TestTempDir dir;
    const auto blocks = RegtestBlocks();
    ASSERT_EQ(blocks.size(), 206u);

    // Reference: the same blocks in memory.
    BlockTree mem_tree{Regtest()};
    auto mem_store = MakeMemoryBlockStore();
    MemoryCoinsView mem_coins;
    Chainstate mem(mem_tree, *mem_store, mem_coins, {});
    ASSERT_TRUE(mem.Load());
    for (const auto& b : blocks) ASSERT_TRUE(mem.ProcessBlock(b, NOW));
    ASSERT_TRUE(mem.Flush(true));
    const auto expected = ComputeUtxoDigest(mem_coins);
    ASSERT_TRUE(expected);

    {
        DiskNode node(dir.path());
        ASSERT_TRUE(node.loaded) << node.loaded.error().message;
        for (size_t i = 0; i < 150; ++i) ASSERT_TRUE(node.chain->ProcessBlock(blocks[i], NOW)) << i;
        ASSERT_TRUE(node.chain->Flush(true));
    }
    {
        DiskNode node(dir.path());
        ASSERT_TRUE(node.loaded) << node.loaded.error().message;
        ASSERT_EQ(node.chain->Chain().Height(), 150);
        for (size_t i = 150; i < blocks.size(); ++i) ASSERT_TRUE(node.chain->ProcessBlock(blocks[i], NOW)) << i;
        ASSERT_TRUE(node.chain->Flush(true));
    }
    DiskNode node(dir.path());
    ASSERT_TRUE(node.loaded) << node.loaded.error().message;
    EXPECT_EQ(node.chain->Chain().Height(), 206);
    EXPECT_EQ(node.chain->Tip()->hash, mem.Tip()->hash);
    const auto got = Digest(*node.coins);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->hash_serialized, expected->hash_serialized);
    EXPECT_EQ(got->coins, expected->coins);
    std::cout << "[disk] 206 regtest blocks, reopened twice: " << got->coins << " coins, hash_serialized_3 "
              << got->hash_serialized.ToHex() << "\n";
}

TEST(DiskChainstate, UnflushedBlocksAreReconnectedAfterRestart) {
    storage::test::TestTempDir dir;
    const auto blocks = RegtestBlocks();
    {
        DiskNode node(dir.path());
        ASSERT_TRUE(node.loaded) << node.loaded.error().message;
        for (size_t i = 0; i < 120; ++i) ASSERT_TRUE(node.chain->ProcessBlock(blocks[i], NOW));
        ASSERT_TRUE(node.chain->Flush(true));
        // Blocks 121..130 are stored and connected in memory only: no flush before "the crash".
        for (size_t i = 120; i < 130; ++i) ASSERT_TRUE(node.chain->ProcessBlock(blocks[i], NOW));
    }
    DiskNode node(dir.path());
    ASSERT_TRUE(node.loaded) << node.loaded.error().message;
    // The coins are at 120; the blocks after it are not in the flushed index, so they are
    // simply received again.
    EXPECT_EQ(node.chain->Chain().Height(), 120);
    for (size_t i = 120; i < blocks.size(); ++i) ASSERT_TRUE(node.chain->ProcessBlock(blocks[i], NOW)) << i;
    EXPECT_EQ(node.chain->Chain().Height(), 206);
}

TEST(DiskChainstate, CorruptCoinIsAStorageErrorNotAnInvalidBlock) {
    // In memory (same code paths as RocksDB through the KvStore interface).
    auto kv = storage::KvStore::MakeMemoryKv();
    auto env = storage::Env::MakePosix();
    storage::test::TestTempDir dir;
    auto store = DiskBlockStore::Open(*env, dir.path() / "blocks", *kv, Regtest().message_start);
    ASSERT_TRUE(store);
    CoinsDb coins(*kv);
    BlockTree tree{Regtest()};
    Chainstate chain(tree, **store, coins, {});
    ASSERT_TRUE(chain.Load());
    const auto blocks = RegtestBlocks();
    // Connect up to just before the first block with a non-coinbase spend, then flush.
    size_t first_spend = 0;
    for (size_t i = 0; i < blocks.size() && first_spend == 0; ++i) {
        if (blocks[i].txs.size() > 1) first_spend = i;
    }
    ASSERT_GT(first_spend, 0u);
    for (size_t i = 0; i < first_spend; ++i) ASSERT_TRUE(chain.ProcessBlock(blocks[i], NOW));
    ASSERT_TRUE(chain.Flush(true));
    // Garble the record of the coin that block spends.
    const auto& prevout = blocks[first_spend].txs[1].inputs[0].prevout;
    storage::WriteBatch batch;
    util::Bytes key = {'C'};
    key.insert(key.end(), prevout.txid.get().begin(), prevout.txid.get().end());
    key.insert(key.end(), {static_cast<uint8_t>(prevout.index >> 24), static_cast<uint8_t>(prevout.index >> 16),
                           static_cast<uint8_t>(prevout.index >> 8), static_cast<uint8_t>(prevout.index)});
    ASSERT_TRUE(*kv->Exists(key));
    batch.Put(key, util::Bytes{0xff, 0xff, 0xff});
    ASSERT_TRUE(kv->Write(batch, true));

    auto r = chain.ProcessBlock(blocks[first_spend], NOW);
    ASSERT_FALSE(r);
    EXPECT_FALSE(r.error().IsInvalid());
    EXPECT_NE(r.error().message.find("-reindex"), std::string::npos) << r.error().message;
    // The block is not condemned.
    EXPECT_FALSE(tree.Lookup(blocks[first_spend].header.ComputeHash())->IsFailed());
}

}  // namespace
}  // namespace tonari::bitcoin::chain
