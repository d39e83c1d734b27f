// Compact block reconstruction: a block survives BuildCompactBlock -> PartialBlock with the
// transactions offered from a "mempool", missing ones are asked for by index and filled in,
// and self-contradicting messages, wrong fills and short-id collisions are told apart.
#include "bitcoin/p2p/partial_block.h"

#include <gtest/gtest.h>

#include "bitcoin/primitives/merkle.h"

namespace tonari::bitcoin::p2p {
namespace {

using primitives::Tx;

Tx Coinbase() {
    Tx tx;
    tx.inputs.resize(1);
    tx.inputs[0].script_sig = {0x01, 0x07, 0x00};
    tx.outputs.push_back({50'0000'0000, {0x51}});
    return tx;
}

// A distinct transaction; odd seeds carry a witness, so wtxid and txid differ.
Tx Spend(uint8_t seed) {
    Tx tx;
    tx.inputs.resize(1);
    tx.inputs[0].prevout.txid.get().data()[0] = seed;
    tx.inputs[0].prevout.index = seed;
    if (seed % 2 == 1) tx.inputs[0].witness = {util::Bytes(72, seed), util::Bytes(33, 0x02)};
    tx.outputs.push_back({1000 + seed, {0x00, 0x14}});
    return tx;
}

primitives::Block MakeBlock(size_t txs) {
    primitives::Block b;
    b.header.version = 4;
    b.header.time = 1'700'000'000;
    b.header.bits = 0x207fffff;
    b.txs.push_back(Coinbase());
    for (size_t i = 0; i < txs; ++i) b.txs.push_back(Spend(static_cast<uint8_t>(i + 1)));
    b.header.merkle_root = primitives::BlockMerkleRoot(b).root;
    return b;
}

void OfferAll(PartialBlock& partial, const primitives::Block& block, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
        partial.Offer(primitives::ComputeWtxid(block.txs[i]), std::make_shared<const Tx>(block.txs[i]));
    }
}

TEST(PartialBlock, RebuildsFromTheMempoolAlone) {
    const auto block = MakeBlock(10);
    const auto msg = BuildCompactBlock(block, 42);
    ASSERT_EQ(msg.prefilled.size(), 1u);
    EXPECT_EQ(msg.prefilled[0].index, 0u);
    ASSERT_EQ(msg.short_ids.size(), 10u);
    // Round trip through the wire encoding, as a peer would see it.
    auto decoded = wire::CmpctBlockMsg::Decode(msg.Encode());
    ASSERT_TRUE(decoded);
    PartialBlock partial;
    ASSERT_EQ(partial.Init(*decoded), PartialBlock::Status::Ok);
    EXPECT_EQ(partial.Hash(), block.header.ComputeHash());
    EXPECT_FALSE(partial.IsComplete());
    OfferAll(partial, block, 1, block.txs.size());
    // Unrelated transactions in the pool match nothing.
    partial.Offer(primitives::ComputeWtxid(Spend(200)), std::make_shared<const Tx>(Spend(200)));
    EXPECT_TRUE(partial.IsComplete());
    EXPECT_EQ(partial.FromMempoolCount(), 10u);
    auto rebuilt = partial.Finish({});
    ASSERT_TRUE(rebuilt);
    EXPECT_EQ(rebuilt->header.ComputeHash(), block.header.ComputeHash());
    EXPECT_EQ(rebuilt->txs, block.txs);
}

TEST(PartialBlock, AsksForWhatIsMissingAndFillsItIn) {
    const auto block = MakeBlock(8);
    PartialBlock partial;
    ASSERT_EQ(partial.Init(BuildCompactBlock(block, 7)), PartialBlock::Status::Ok);
    OfferAll(partial, block, 1, 4);  // 1..3 known; 4..8 missing
    const std::vector<uint32_t> want{4, 5, 6, 7, 8};
    EXPECT_EQ(partial.MissingIndexes(), want);
    std::vector<Tx> missing(block.txs.begin() + 4, block.txs.end());
    // One too few is the peer's fault.
    auto short_fill = partial.Finish({missing.begin(), missing.end() - 1});
    ASSERT_FALSE(short_fill);
    EXPECT_EQ(short_fill.error(), PartialBlock::Status::Invalid);
    // Other transactions than the block's: the merkle root tells, the full block is needed.
    std::vector<Tx> wrong = missing;
    wrong[2] = Spend(99);
    auto wrong_fill = partial.Finish(wrong);
    ASSERT_FALSE(wrong_fill);
    EXPECT_EQ(wrong_fill.error(), PartialBlock::Status::Failed);
    auto rebuilt = partial.Finish(missing);
    ASSERT_TRUE(rebuilt);
    EXPECT_EQ(rebuilt->txs, block.txs);
}

TEST(PartialBlock, ACollidingCandidateEmptiesTheSlot) {
    const auto block = MakeBlock(3);
    PartialBlock partial;
    ASSERT_EQ(partial.Init(BuildCompactBlock(block, 1)), PartialBlock::Status::Ok);
    // Real 48-bit collisions cannot be made on purpose; a candidate filed under slot 2's wtxid
    // stands in for a pool transaction whose short id happens to match.
    const Tx impostor = Spend(77);
    partial.Offer(primitives::ComputeWtxid(block.txs[2]), std::make_shared<const Tx>(impostor));
    OfferAll(partial, block, 1, 2);
    EXPECT_TRUE(partial.MissingIndexes() == std::vector<uint32_t>{3});
    // The real transaction matches the same slot: two candidates, so neither is trusted.
    OfferAll(partial, block, 2, 4);
    EXPECT_EQ(partial.MissingIndexes(), std::vector<uint32_t>{2});
    // The same transaction offered again is not a new collision, and the slot stays empty.
    OfferAll(partial, block, 1, 4);
    EXPECT_EQ(partial.MissingIndexes(), std::vector<uint32_t>{2});
    auto rebuilt = partial.Finish({block.txs[2]});
    ASSERT_TRUE(rebuilt);
    EXPECT_EQ(rebuilt->txs, block.txs);
}

TEST(PartialBlock, RejectsSelfContradictingMessages) {
    const auto block = MakeBlock(4);
    PartialBlock partial;
    wire::CmpctBlockMsg empty;
    empty.header = block.header;
    EXPECT_EQ(partial.Init(empty), PartialBlock::Status::Invalid);

    auto past_end = BuildCompactBlock(block, 3);
    past_end.prefilled.push_back({9, block.txs[1]});  // 4 short ids + 2 prefilled = 6 slots
    EXPECT_EQ(partial.Init(past_end), PartialBlock::Status::Invalid);

    auto repeated = BuildCompactBlock(block, 3);
    repeated.short_ids.pop_back();
    repeated.prefilled.push_back({0, block.txs[1]});
    EXPECT_EQ(partial.Init(repeated), PartialBlock::Status::Invalid);

    auto null_tx = BuildCompactBlock(block, 3);
    null_tx.short_ids.pop_back();
    null_tx.prefilled.push_back({4, Tx{}});
    EXPECT_EQ(partial.Init(null_tx), PartialBlock::Status::Invalid);

    // Equal short ids: not the sender's fault (salted per block), but unusable.
    auto twins = BuildCompactBlock(block, 3);
    twins.short_ids[1] = twins.short_ids[0];
    EXPECT_EQ(partial.Init(twins), PartialBlock::Status::Failed);
}

TEST(PartialBlock, ShortIdsDependOnTheNonce) {
    const auto block = MakeBlock(2);
    EXPECT_NE(BuildCompactBlock(block, 1).short_ids, BuildCompactBlock(block, 2).short_ids);
}

}  // namespace
}  // namespace tonari::bitcoin::p2p
