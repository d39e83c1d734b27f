// The miner's template and nonce search.
#include "bitcoin/miner/miner.h"

#include <gtest/gtest.h>

#include "bitcoin/chain/test_node.h"
#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::miner {
namespace {

using chain::fixture::MemoryNode;
using chain::fixture::NOW;
using chain::fixture::Regtest;

TEST(Miner, TemplatesConnectAndTheLowestNonceWins) {
    MemoryNode n;
    ASSERT_TRUE(n.chain.Load());
    util::WorkerPool pool(2);
    for (int i = 0; i < 20; ++i) {
        const primitives::Block tmpl = CreateBlockTemplate(n.chain, {.payout_script = {0x51}, .txs = {}, .fees = 0,
                                                                     .coinbase_extra = {}, .now = NOW});
        EXPECT_EQ(tmpl.header.prev_block, n.chain.Tip()->hash);
        EXPECT_GT(tmpl.header.time, n.chain.Tip()->GetMedianTimePast());
        const SolveResult solved = SolveBlock(tmpl, Regtest(), pool, 1'000'000);
        ASSERT_TRUE(solved.block);
        EXPECT_EQ(solved.tries, uint64_t{solved.block->header.nonce} + 1);
        // Every lower nonce fails: the search is deterministic whatever the threads did.
        primitives::BlockHeader h = solved.block->header;
        for (uint32_t nonce = 0; nonce < solved.block->header.nonce; ++nonce) {
            h.nonce = nonce;
            EXPECT_FALSE(consensus::CheckProofOfWork(h.ComputeHash(), h.bits, Regtest()));
        }
        auto r = n.chain.ProcessBlock(*solved.block, NOW);
        ASSERT_TRUE(r) << r.error().message;
    }
    EXPECT_EQ(n.chain.Chain().Height(), 20);
}

TEST(Miner, GivesUpAfterMaxTries) {
    MemoryNode n;
    ASSERT_TRUE(n.chain.Load());
    util::WorkerPool pool(2);
    primitives::Block tmpl = CreateBlockTemplate(n.chain, {.payout_script = {0x51}, .txs = {}, .fees = 0,
                                                           .coinbase_extra = {}, .now = NOW});
    tmpl.header.bits = 0x1d00ffff;  // mainnet difficulty: no solution in a few thousand tries
    const SolveResult r = SolveBlock(tmpl, Regtest(), pool, 5000);
    EXPECT_FALSE(r.block);
    EXPECT_EQ(r.tries, 5000u);
    EXPECT_EQ(SolveBlock(tmpl, Regtest(), pool, 0).tries, 0u);
}

}  // namespace
}  // namespace tonari::bitcoin::miner
