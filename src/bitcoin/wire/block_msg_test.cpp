// Tests for `block`: real regtest blocks (witness serialization) round-trip byte for byte, and
// their transactions as `tx`; decoder failures map onto WireError.
#include <gtest/gtest.h>

#include "bitcoin/wire/block_msg.h"
#include "bitcoin/wire/tx_msg.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

std::vector<util::Bytes> RegtestBlocks() { return test::ReadTestHexLines("blocks/regtest_block_data.txt"); }

TEST(BlockMsg, RegtestBlocksRoundTrip) {
    const auto blocks = RegtestBlocks();
    ASSERT_GT(blocks.size(), 100u);
    size_t txs = 0;
    for (const util::Bytes& raw : blocks) {
        const auto m = BlockMsg::Decode(raw);
        ASSERT_TRUE(m) << ToString(m.error());
        EXPECT_EQ(m->Encode(), raw);
        txs += m->block.txs.size();
        for (const auto& tx : m->block.txs) {
            TxMsg t{tx};
            const auto back = TxMsg::Decode(t.Encode());
            ASSERT_TRUE(back);
            EXPECT_EQ(*back, t);
        }
    }
    EXPECT_GT(txs, blocks.size());
    EXPECT_EQ(BlockMsg::COMMAND, "block");
    EXPECT_EQ(TxMsg::COMMAND, "tx");
}

TEST(BlockMsg, Errors) {
    const util::Bytes raw = RegtestBlocks().at(0);
    util::Bytes extra = raw;
    extra.push_back(0);
    EXPECT_EQ(BlockMsg::Decode(extra).error(), WireError::TrailingBytes);
    EXPECT_EQ(BlockMsg::Decode(util::ByteSpan(raw).first(raw.size() - 1)).error(), WireError::Truncated);
    EXPECT_EQ(BlockMsg::Decode(util::ByteSpan(raw).first(79)).error(), WireError::Truncated);
    EXPECT_EQ(BlockMsg::Decode({}).error(), WireError::Truncated);
}

}  // namespace
}  // namespace tonari::bitcoin::wire
