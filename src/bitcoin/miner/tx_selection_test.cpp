// Template transaction selection over a real pool: packages by ancestor fee rate (a child
// pays for its parent), parents before children, weight limits, the minimum fee rate, and a
// block built from the selection is valid on the chain.
#include <gtest/gtest.h>

#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/test_chain.h"
#include "bitcoin/miner/miner.h"
#include "bitcoin/miner/tx_selection.h"

namespace tonari::bitcoin::miner {
namespace {

using mempool::fixture::OutputsOf;
using mempool::fixture::TestChain;
using mempool::fixture::Utxo;
using primitives::Tx;

constexpr int64_t T0 = 1'700'000'000;

struct Fixture {
    TestChain node{110};
    mempool::TxMempool pool;
    mempool::MempoolAccept accept{node.chain, pool, mempool::MempoolOptions{}};

    Tx Add(const std::vector<Utxo>& in, primitives::Amount fee, bool bypass = false) {
        primitives::Amount total = 0;
        for (const auto& u : in) total += u.value;
        Tx tx = node.Spend(in, {total - fee});
        mempool::AcceptOptions options;
        options.bypass_limits = bypass;
        auto r = accept.Accept(tx, T0, options);
        EXPECT_TRUE(r) << (r ? "" : r.error().ToString());
        return tx;
    }
};

std::vector<primitives::Txid> Txids(const Selection& s) {
    std::vector<primitives::Txid> out;
    for (const auto* e : s.entries) out.push_back(e->txid);
    return out;
}

TEST(TxSelection, AChildPaysForItsParent) {
    Fixture f;
    const Tx parent = f.Add({f.node.Coinbase(0)}, 110);                 // ~1 sat/vB
    const Tx middle = f.Add({f.node.Coinbase(1)}, 1100);                // ~10 sat/vB
    const Tx child = f.Add({OutputsOf(parent)[0]}, 5500);               // ~50 sat/vB
    const Selection s = SelectTransactions(f.pool);
    const std::vector<primitives::Txid> expected = {primitives::ComputeTxid(parent), primitives::ComputeTxid(child),
                                                    primitives::ComputeTxid(middle)};
    EXPECT_EQ(Txids(s), expected);
    EXPECT_EQ(s.fees, 110 + 1100 + 5500);

    // The block built from it is valid and empties the pool of those transactions.
    std::vector<Tx> txs;
    for (const auto* e : s.entries) txs.push_back(*e->tx);
    primitives::Block block = CreateBlockTemplate(f.node.chain, {.payout_script = f.node.script, .txs = txs,
                                                                 .fees = s.fees, .coinbase_extra = {}, .now = T0});
    util::WorkerPool workers(1);
    auto solved = SolveBlock(block, f.node.chain.Params(), workers, 1'000'000);
    ASSERT_TRUE(solved.block);
    auto processed = f.node.chain.ProcessBlock(*solved.block, chain::fixture::NOW);
    ASSERT_TRUE(processed) << processed.error().message;
    f.accept.BlockConnected(*solved.block);
    EXPECT_EQ(f.pool.Size(), 0u);
}

TEST(TxSelection, RespectsWeightAndMinimumFeeRate) {
    Fixture f;
    const Tx rich = f.Add({f.node.Coinbase(0)}, 5000);
    f.Add({f.node.Coinbase(1)}, 2000);
    f.Add({f.node.Coinbase(2)}, 50, /*bypass=*/true);  // below 1 sat/vB
    SelectionOptions one_sat;
    one_sat.min_fee_rate = policy::FeeRate(1000);
    EXPECT_EQ(SelectTransactions(f.pool, one_sat).entries.size(), 2u);
    // Core 30's default -blockmintxfee (0.001 sat/vB) takes it too.
    EXPECT_EQ(SelectTransactions(f.pool).entries.size(), 3u);

    SelectionOptions tight;
    tight.max_weight = COINBASE_RESERVED_WEIGHT + primitives::TxVirtualSize(rich) * 4 + 1;
    const Selection s = SelectTransactions(f.pool, tight);
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0]->txid, primitives::ComputeTxid(rich));
    EXPECT_LE(s.weight + COINBASE_RESERVED_WEIGHT, tight.max_weight);
}

TEST(TxSelection, LongChainsComeOutInOrder) {
    Fixture f;
    Utxo next = f.node.Coinbase(0);
    std::vector<primitives::Txid> chain;
    for (int i = 0; i < 20; ++i) {
        const Tx tx = f.Add({next}, 200 + 100 * i);
        chain.push_back(primitives::ComputeTxid(tx));
        next = OutputsOf(tx)[0];
    }
    EXPECT_EQ(Txids(SelectTransactions(f.pool)), chain);
}

}  // namespace
}  // namespace tonari::bitcoin::miner
