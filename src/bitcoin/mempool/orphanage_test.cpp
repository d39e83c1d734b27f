// The orphanage's bounds: count, size and time limits, random eviction, and lookups of
// children by parent, by peer and by block.
#include <gtest/gtest.h>

#include "bitcoin/mempool/orphanage.h"

namespace tonari::bitcoin::mempool {
namespace {

primitives::Tx Orphan(uint32_t n, const primitives::OutPoint& spends) {
    primitives::Tx tx;
    primitives::TxIn in;
    in.prevout = spends;
    tx.inputs.push_back(in);
    tx.outputs.push_back({1000, {0x51}});
    tx.locktime = n;
    return tx;
}

primitives::OutPoint Missing(uint32_t n) {
    util::Uint256 id;
    id.data()[0] = static_cast<uint8_t>(n);
    id.data()[1] = static_cast<uint8_t>(n >> 8);
    return {primitives::Txid(id), 0};
}

TEST(Orphanage, HoldsAtMostTheLimitAndEvictsAtRandom) {
    Orphanage orphans(10, 42);
    for (uint32_t i = 0; i < 1000; ++i) orphans.Add(Orphan(i, Missing(i)), static_cast<PeerId>(i % 3), 100);
    EXPECT_EQ(orphans.Size(), 10u);
    // The survivors are not simply the last ten added.
    size_t recent = 0;
    for (uint32_t i = 990; i < 1000; ++i) recent += orphans.Contains(primitives::ComputeWtxid(Orphan(i, Missing(i))));
    EXPECT_LT(recent, 10u);
}

TEST(Orphanage, RefusesOversizedAndDuplicates) {
    Orphanage orphans;
    primitives::Tx big = Orphan(1, Missing(1));
    big.outputs[0].script_pubkey.assign(100'001, 0x51);  // 400,004+ weight units
    EXPECT_FALSE(orphans.Add(big, 1, 0));
    const primitives::Tx tx = Orphan(2, Missing(2));
    EXPECT_TRUE(orphans.Add(tx, 1, 0));
    EXPECT_FALSE(orphans.Add(tx, 2, 0));
    EXPECT_EQ(orphans.Size(), 1u);
}

TEST(Orphanage, FindsChildrenAndForgetsByPeerBlockAndAge) {
    Orphanage orphans;
    primitives::Tx parent = Orphan(7, Missing(7));
    const primitives::Txid ptxid = primitives::ComputeTxid(parent);
    const primitives::Tx child1 = Orphan(1, {ptxid, 0});
    const primitives::Tx child2 = Orphan(2, {ptxid, 0});  // a double spend of the same output
    const primitives::Tx stranger = Orphan(3, Missing(3));
    ASSERT_TRUE(orphans.Add(child1, 1, 0));
    ASSERT_TRUE(orphans.Add(child2, 2, 10));
    ASSERT_TRUE(orphans.Add(stranger, 2, 20));
    const auto children = orphans.ChildrenOf(parent);
    ASSERT_EQ(children.size(), 2u);
    EXPECT_EQ(*children[0], child1);  // oldest first

    EXPECT_EQ(orphans.EraseForPeer(1), 1u);
    EXPECT_EQ(orphans.Size(), 2u);

    primitives::Block block;
    block.txs.push_back(Orphan(9, Missing(3)));  // spends what `stranger` spends
    EXPECT_EQ(orphans.EraseForBlock(block), 1u);
    EXPECT_FALSE(orphans.Contains(primitives::ComputeWtxid(stranger)));

    EXPECT_EQ(orphans.Expire(10 + ORPHAN_EXPIRY_SECONDS - 1), 0u);
    EXPECT_EQ(orphans.Expire(10 + ORPHAN_EXPIRY_SECONDS), 1u);
    EXPECT_EQ(orphans.Size(), 0u);
    EXPECT_TRUE(orphans.ChildrenOf(parent).empty());
}

}  // namespace
}  // namespace tonari::bitcoin::mempool
