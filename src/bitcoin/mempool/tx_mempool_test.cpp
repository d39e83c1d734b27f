// The pool's bookkeeping alone, on synthetic transactions (no chain, no signatures): links
// and package totals through random families, removal, eviction order and the rolling fee.
#include <gtest/gtest.h>

#include <random>

#include "bitcoin/mempool/tx_mempool.h"

namespace tonari::bitcoin::mempool {
namespace {

using primitives::Amount;
using primitives::OutPoint;
using primitives::Tx;

// A "confirmed" outpoint nobody else uses.
OutPoint Confirmed(uint32_t n) {
    util::Uint256 id;
    id.data()[0] = static_cast<uint8_t>(n);
    id.data()[1] = static_cast<uint8_t>(n >> 8);
    id.data()[31] = 0xcc;
    return OutPoint{primitives::Txid(id), 0};
}

Tx MakeTx(const std::vector<OutPoint>& inputs, size_t outputs, uint32_t salt) {
    Tx tx;
    for (const auto& p : inputs) {
        primitives::TxIn in;
        in.prevout = p;
        tx.inputs.push_back(in);
    }
    for (size_t i = 0; i < outputs; ++i) tx.outputs.push_back({1000, {0x51, static_cast<uint8_t>(salt)}});
    tx.locktime = salt;
    return tx;
}

MempoolEntry Entry(const Tx& tx, Amount fee, int64_t vsize = 100) {
    MempoolEntry e;
    e.tx = std::make_shared<const Tx>(tx);
    e.fee = fee;
    e.vsize = vsize;
    e.weight = vsize * 4;
    e.sigop_cost = 1;
    return e;
}

TEST(TxMempool, TotalsFollowAFamily) {
    TxMempool pool;
    const Tx a = MakeTx({Confirmed(1)}, 2, 1);
    const Tx b = MakeTx({OutPoint{primitives::ComputeTxid(a), 0}}, 1, 2);
    const Tx c = MakeTx({OutPoint{primitives::ComputeTxid(a), 1}, OutPoint{primitives::ComputeTxid(b), 0}}, 1, 3);
    pool.Add(Entry(a, 100));
    pool.Add(Entry(b, 200));
    const MempoolEntry& ec = pool.Add(Entry(c, 400));
    const MempoolEntry* ea = pool.Get(primitives::ComputeTxid(a));
    EXPECT_EQ(ea->descendants.count, 3);
    EXPECT_EQ(ea->descendants.fees, 700);
    EXPECT_EQ(ec.ancestors.count, 3);
    EXPECT_EQ(ec.ancestors.vsize, 300);
    EXPECT_EQ(ec.parents.size(), 2u);
    EXPECT_EQ(pool.Spender(OutPoint{primitives::ComputeTxid(a), 1}), &ec);
    EXPECT_TRUE(pool.SanityCheck());

    // Removing b takes c along (a descendant); a's totals shrink back to itself.
    const primitives::Txid bid = primitives::ComputeTxid(b);
    pool.RemoveWithDescendants(std::span(&bid, 1), RemovalReason::Conflict);
    EXPECT_EQ(pool.Size(), 1u);
    EXPECT_EQ(ea->descendants.count, 1);
    EXPECT_EQ(ea->children.size(), 0u);
    EXPECT_TRUE(pool.SanityCheck());
}

TEST(TxMempool, AParentAddedAfterItsChildIsLinked) {
    // After a reorg the parent comes back while its child is already in the pool.
    TxMempool pool;
    const Tx parent = MakeTx({Confirmed(1)}, 1, 1);
    const Tx child = MakeTx({OutPoint{primitives::ComputeTxid(parent), 0}}, 1, 2);
    pool.Add(Entry(child, 500));
    const MempoolEntry& p = pool.Add(Entry(parent, 100));
    EXPECT_EQ(p.descendants.count, 2);
    EXPECT_EQ(pool.Get(primitives::ComputeTxid(child))->ancestors.fees, 600);
    EXPECT_TRUE(pool.SanityCheck());
    // Mining the parent leaves the child, now without in-pool ancestors.
    pool.RemoveForBlock(std::span(&parent, 1));
    EXPECT_EQ(pool.Get(primitives::ComputeTxid(child))->ancestors.count, 1);
    EXPECT_TRUE(pool.SanityCheck());
}

TEST(TxMempool, RandomFamiliesStayConsistent) {
    std::mt19937 rng(7);
    TxMempool pool;
    std::vector<std::string> removed_reasons;
    pool.SetRemovalListener([&](const MempoolEntry&, RemovalReason r) { removed_reasons.emplace_back(RemovalReasonName(r)); });
    std::vector<OutPoint> unspent;
    uint32_t confirmed = 0;
    size_t adds = 0;
    size_t removes = 0;
    for (uint32_t step = 0; step < 600; ++step) {
        const int op = static_cast<int>(rng() % 10);
        if (op < 7 || pool.Size() == 0) {
            std::vector<OutPoint> inputs;
            const size_t n = 1 + rng() % 3;
            for (size_t i = 0; i < n; ++i) {
                if (!unspent.empty() && rng() % 3 != 0) {
                    const size_t k = rng() % unspent.size();
                    inputs.push_back(unspent[k]);
                    unspent.erase(unspent.begin() + static_cast<long>(k));
                } else {
                    inputs.push_back(Confirmed(++confirmed));
                }
            }
            const Tx tx = MakeTx(inputs, 1 + rng() % 3, step);
            pool.Add(Entry(tx, 100 + static_cast<Amount>(rng() % 5000), 100 + static_cast<int64_t>(rng() % 300)));
            for (uint32_t i = 0; i < tx.outputs.size(); ++i) unspent.push_back({primitives::ComputeTxid(tx), i});
            ++adds;
        } else {
            const auto entries = pool.Entries();
            const primitives::Txid victim = entries[rng() % entries.size()]->txid;
            pool.RemoveWithDescendants(std::span(&victim, 1), RemovalReason::Expiry);
            ++removes;
            // Outputs of removed transactions are no longer spendable; spent-by-removed
            // outpoints are lost to the test (harmless: they are never reused).
            std::erase_if(unspent, [&](const OutPoint& p) {
                return !pool.Contains(p.txid) && p.txid.get().data()[31] != 0xcc;
            });
        }
        ASSERT_TRUE(pool.SanityCheck()) << "step " << step;
    }
    EXPECT_GT(adds, 300u);
    EXPECT_GT(removes, 50u);
    EXPECT_FALSE(removed_reasons.empty());
    EXPECT_EQ(removed_reasons.front(), "expiry");
}

TEST(TxMempool, EvictionTakesTheLowestPackageAndRaisesTheFloor) {
    TxMempool pool;
    const Tx cheap = MakeTx({Confirmed(1)}, 1, 1);
    const Tx rich = MakeTx({Confirmed(2)}, 1, 2);
    const Tx middle = MakeTx({Confirmed(3)}, 1, 3);
    pool.Add(Entry(cheap, 100));     // 1 sat/vB
    pool.Add(Entry(rich, 5000));     // 50 sat/vB
    pool.Add(Entry(middle, 1000));   // 10 sat/vB
    // A high-paying child lifts its parent's package above the middle one.
    const Tx child = MakeTx({OutPoint{primitives::ComputeTxid(cheap), 0}}, 1, 4);
    pool.Add(Entry(child, 3000));    // package (100 + 3000) / 200 = 15.5 sat/vB
    const policy::FeeRate incremental(1000);
    const size_t target = pool.DynamicMemoryUsage() - 1;
    const auto evicted = pool.TrimToSize(target, incremental);
    ASSERT_EQ(evicted.size(), 1u);
    EXPECT_EQ(evicted[0], primitives::ComputeTxid(middle));
    // The floor: the evicted package's rate (10 sat/vB) plus the increment.
    EXPECT_EQ(pool.GetMinFee(0, target, incremental), policy::FeeRate(11'000));
    // Without a block it does not decay; after one it halves within 12 hours (or faster
    // while the pool is nearly empty).
    EXPECT_EQ(pool.GetMinFee(100'000, target, incremental), policy::FeeRate(11'000));
    pool.NoteBlock();
    EXPECT_LT(pool.GetMinFee(100'000 + 12 * 3600, target, incremental), policy::FeeRate(5'600));
    EXPECT_TRUE(pool.SanityCheck());
}

}  // namespace
}  // namespace tonari::bitcoin::mempool
