// Pruning: the choice of files (oldest first, never the appending ones or those holding recent
// blocks, stopping under the target), and a chainstate on small real files that prunes as it
// grows, keeps the last MIN_BLOCKS_TO_KEEP blocks, survives a reopen, reorganises within its
// window, refuses a fork below it, and refuses to open without prune mode once it has pruned.
#include <gtest/gtest.h>

#include <set>

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/disk_store.h"
#include "bitcoin/chain/disk_test_node.h"
#include "bitcoin/chain/prune.h"
#include "bitcoin/chain/test_node.h"
#include "bitcoin/primitives/merkle.h"
#include "storage/test_temp_dir.h"

namespace tonari::bitcoin::chain {
namespace {

using fixture::NOW;
using fixture::Regtest;

constexpr BlockFileKind BLK = BlockFileKind::Blocks;
constexpr BlockFileKind REV = BlockFileKind::Undo;

std::set<BlockFileKey> Keys(const std::vector<BlockFileInfo>& files) {
    std::set<BlockFileKey> out;
    for (const auto& f : files) out.insert({f.kind, f.file});
    return out;
}

TEST(ChooseFilesToPrune, OldestFirstUntilUnderTheTarget) {
    const uint64_t mib = uint64_t{1} << 20;
    const std::vector<BlockFileInfo> files = {
        {BLK, 0, 100 * mib, false}, {BLK, 1, 100 * mib, false}, {BLK, 2, 100 * mib, false},
        {BLK, 3, 50 * mib, true},   {REV, 0, 10 * mib, false},  {REV, 1, 5 * mib, true},
    };
    const FileLastHeights heights = {{{BLK, 0}, 100}, {{BLK, 1}, 200}, {{BLK, 2}, 300},
                                     {{BLK, 3}, 350}, {{REV, 0}, 250}, {{REV, 1}, 350}};
    // 365 MiB in all. Under a 400 MiB target with the buffer: nothing to do.
    EXPECT_TRUE(ChooseFilesToPrune(files, heights, 1000, 400 * mib).empty());
    // 300 MiB target: blk0 (last height 100) brings it to 265 + 17 < 300.
    EXPECT_EQ(Keys(ChooseFilesToPrune(files, heights, 1000, 300 * mib)), (std::set<BlockFileKey>{{BLK, 0}}));
    // 250 MiB target: blk0, then blk1 (last height 200) bring it to 165 + 17 < 250.
    EXPECT_EQ(Keys(ChooseFilesToPrune(files, heights, 1000, 250 * mib)),
              (std::set<BlockFileKey>{{BLK, 0}, {BLK, 1}}));
    // Only files whose every record is at or below the prunable height qualify.
    EXPECT_EQ(Keys(ChooseFilesToPrune(files, heights, 150, 1 * mib)), (std::set<BlockFileKey>{{BLK, 0}}));
    // Manual: every eligible file, never the appending ones, even when all is old.
    EXPECT_EQ(Keys(ChooseFilesToPrune(files, heights, 1000, std::nullopt)),
              (std::set<BlockFileKey>{{BLK, 0}, {BLK, 1}, {BLK, 2}, {REV, 0}}));
    // A file no index entry refers to (left by a crash after a prune) always qualifies.
    const std::vector<BlockFileInfo> orphan = {{BLK, 7, 1 * mib, false}, {BLK, 8, 1 * mib, true}};
    EXPECT_EQ(Keys(ChooseFilesToPrune(orphan, {}, 0, std::nullopt)), (std::set<BlockFileKey>{{BLK, 7}}));
}

// A pruning node on real files of 64 KiB, so a few hundred small blocks span many files.
struct PruningNode : fixture::DiskNode {
    static constexpr uint64_t FILE_SIZE = 64 << 10;
    PruningNode(const std::filesystem::path& dir, PruneOptions prune) : DiskNode(dir, WithPrune(prune), FILE_SIZE) {}
    static ChainstateOptions WithPrune(PruneOptions prune) {
        ChainstateOptions options;
        options.prune = prune;
        return options;
    }
};

// A block of about 4 KB (an OP_RETURN of padding in the coinbase) on top of `prev`.
primitives::Block Grow(const BlockIndex& prev, uint8_t branch) {
    BlockTemplate t;
    t.prev_hash = prev.hash;
    t.height = prev.height + 1;
    t.time = static_cast<uint32_t>(prev.GetMedianTimePast() + 1 + branch);
    t.bits = Regtest().genesis.header.bits;
    t.payout_script = util::Bytes{0x51};
    t.coinbase_extra = {branch, 0x00};
    primitives::Block block = AssembleBlock(t, Regtest());
    util::Bytes padding = {0x6a, 0x4d, 0xa0, 0x0f};  // OP_RETURN OP_PUSHDATA2 4000
    padding.resize(padding.size() + 4000, 0x00);
    block.txs[0].outputs.push_back({0, padding});
    block.header.merkle_root = primitives::BlockMerkleRoot(block).root;
    auto solved = SolveBlock(block, Regtest());
    EXPECT_TRUE(solved);
    return *solved;
}

PruneOptions Automatic() {
    // A target far below the buffer: every file that may go, goes.
    return PruneOptions{.enabled = true, .target_bytes = 1, .prune_after_height = 100};
}

TEST(Pruning, KeepsTheWindowAndSurvivesAReopen) {
    storage::test::TestTempDir dir;
    std::vector<primitives::BlockHash> hashes;
    {
        PruningNode node(dir.path(), Automatic());
        ASSERT_TRUE(node.loaded) << node.loaded.error().message;
        for (int i = 0; i < 700; ++i) {
            const auto block = Grow(*node.chain->Tip(), 0);
            hashes.push_back(block.header.ComputeHash());
            ASSERT_TRUE(node.chain->ProcessBlock(block, NOW)) << i;
            // Before PruneAfterHeight nothing goes.
            if (i + 1 == 100) {
                EXPECT_EQ(node.chain->PruneHeight(), std::nullopt);
            }
        }
        const int tip = node.chain->Chain().Height();
        ASSERT_EQ(tip, 700);
        const auto pruned = node.chain->PruneHeight();
        ASSERT_TRUE(pruned);
        EXPECT_GT(*pruned, 300);
        EXPECT_LE(*pruned, tip - MIN_BLOCKS_TO_KEEP);
        // Every block of the window is readable, everything below the prune height is gone.
        for (int h = tip - MIN_BLOCKS_TO_KEEP; h <= tip; ++h) {
            const BlockIndex* e = node.chain->Chain()[h];
            ASSERT_TRUE(e->HaveData()) << h;
            EXPECT_TRUE(node.store->ReadBlock(e->data_pos)) << h;
            EXPECT_TRUE(node.store->ReadUndo(e->undo_pos, e->prev->hash)) << h;
        }
        for (int h = 1; h <= *pruned; ++h) {
            const BlockIndex* e = node.chain->Chain()[h];
            EXPECT_TRUE(node.chain->IsBlockPruned(*e) || !e->HasStatus(BLOCK_HAVE_UNDO)) << h;
        }
        EXPECT_TRUE(node.chain->IsBlockPruned(*node.chain->Chain()[1]));
        EXPECT_FALSE(node.chain->IsBlockPruned(*node.chain->Tip()));
        // Files on disk: far fewer than the ~45 the chain filled (700 blocks of 4 KB in 64 KiB).
        EXPECT_LT(node.store->FilesSize(), uint64_t{(MIN_BLOCKS_TO_KEEP + 40) * 4200});
        // A reorganisation within the window: a branch from 10 blocks back, one block longer.
        const BlockIndex* fork = node.chain->Chain()[tip - 10];
        const BlockIndex* b = fork;
        for (int i = 0; i < 11; ++i) {
            auto accepted = node.chain->AcceptBlock(Grow(*b, 1), NOW);
            ASSERT_TRUE(accepted);
            b = *accepted;
        }
        ASSERT_TRUE(node.chain->ActivateBestChain());
        EXPECT_EQ(node.chain->Chain().Height(), tip + 1);
        EXPECT_EQ(node.chain->Tip(), b);
        EXPECT_NE(node.chain->Chain()[tip]->hash, hashes[static_cast<size_t>(tip) - 1]);
        ASSERT_TRUE(node.chain->Flush(true));
    }
    {
        // Reopened: the tip, the pruned state and further growth all carry on.
        PruningNode node(dir.path(), Automatic());
        ASSERT_TRUE(node.loaded) << node.loaded.error().message;
        EXPECT_EQ(node.chain->Chain().Height(), 701);
        EXPECT_TRUE(node.chain->IsBlockPruned(*node.chain->Chain()[1]));
        for (int i = 0; i < 50; ++i) ASSERT_TRUE(node.chain->ProcessBlock(Grow(*node.chain->Tip(), 0), NOW));
        EXPECT_EQ(node.chain->Chain().Height(), 751);
        // A fork below the window cannot be followed: its blocks would need undo data pruned
        // long ago. The node keeps its tip, whatever work the branch has.
        const BlockIndex* deep = node.chain->Chain()[400];
        const BlockIndex* b = deep;
        for (int i = 0; i < 400; ++i) {
            auto block = Grow(*b, 2);
            auto accepted = node.chain->AcceptBlock(block, NOW);
            ASSERT_TRUE(accepted);
            b = *accepted;
        }
        ASSERT_TRUE(node.chain->ActivateBestChain());
        EXPECT_EQ(node.chain->Chain().Height(), 751);
        ASSERT_TRUE(node.chain->Flush(true));
    }
    {
        // Without prune mode the pruned store is refused with Core's advice.
        PruningNode node(dir.path(), PruneOptions{});
        ASSERT_FALSE(node.loaded);
        EXPECT_NE(node.loaded.error().message.find("-reindex to go back to unpruned mode"), std::string::npos);
    }
}

TEST(Pruning, ManualPruneStopsAtTheRequestedHeight) {
    storage::test::TestTempDir dir;
    PruningNode node(dir.path(), PruneOptions{.enabled = true, .target_bytes = 0, .prune_after_height = 100});
    ASSERT_TRUE(node.loaded);
    for (int i = 0; i < 600; ++i) ASSERT_TRUE(node.chain->ProcessBlock(Grow(*node.chain->Tip(), 0), NOW));
    // Manual mode never prunes by itself.
    EXPECT_EQ(node.chain->PruneHeight(), std::nullopt);
    ASSERT_TRUE(node.chain->PruneManual(150));
    const auto h = node.chain->PruneHeight();
    ASSERT_TRUE(h);
    EXPECT_LE(*h, 150);
    EXPECT_GT(*h, 100);  // whole 64 KiB files of ~15 blocks: within one file of the request
    EXPECT_TRUE(node.chain->Chain()[*h + 1]->HaveData());
    // A pruned block received again (a peer sent it) is stored and readable again; the tip
    // does not move.
    const BlockIndex* tenth = node.chain->Chain()[10];
    ASSERT_TRUE(node.chain->IsBlockPruned(*tenth));
    const auto again = Grow(*node.chain->Chain()[9], 0);
    ASSERT_EQ(again.header.ComputeHash(), tenth->hash);
    ASSERT_TRUE(node.chain->ProcessBlock(again, NOW));
    EXPECT_FALSE(node.chain->IsBlockPruned(*tenth));
    EXPECT_TRUE(node.store->ReadBlock(tenth->data_pos));
    EXPECT_EQ(node.chain->Chain().Height(), 600);
    // Asking for more than the window allows keeps the last MIN_BLOCKS_TO_KEEP.
    ASSERT_TRUE(node.chain->PruneManual(600));
    EXPECT_LE(*node.chain->PruneHeight(), 600 - MIN_BLOCKS_TO_KEEP);
    EXPECT_TRUE(node.chain->Chain()[600 - MIN_BLOCKS_TO_KEEP + 1]->HaveData());
}

}  // namespace
}  // namespace tonari::bitcoin::chain
