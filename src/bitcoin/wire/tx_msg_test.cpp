// Tests for `tx`: decoder failures (truncation, trailing bytes, bad BIP144 flags) map onto
// WireError. Round trips of real transactions are in block_msg_test.cpp.
#include <gtest/gtest.h>

#include "bitcoin/primitives/block.h"
#include "bitcoin/wire/tx_msg.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

TEST(TxMsg, Errors) {
    // A regtest coinbase with witness (the first transaction of the first regtest block).
    const util::Bytes block = test::ReadTestHexLines("blocks/regtest_block_data.txt").at(0);
    const auto coinbase = primitives::DecodeBlock(block);
    ASSERT_TRUE(coinbase);
    ASSERT_TRUE(coinbase->txs.at(0).HasWitness());
    const util::Bytes raw = TxMsg{coinbase->txs.at(0)}.Encode();
    const auto back = TxMsg::Decode(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->tx, coinbase->txs.at(0));
    util::Bytes extra = raw;
    extra.push_back(0);
    EXPECT_EQ(TxMsg::Decode(extra).error(), WireError::TrailingBytes);
    EXPECT_EQ(TxMsg::Decode(util::ByteSpan(raw).first(raw.size() - 1)).error(), WireError::Truncated);
    // BIP144 marker followed by an unknown flag (2): Malformed.
    EXPECT_EQ(TxMsg::Decode(test::ParseHexOrFail("02000000" "0002" "00" "00" "00000000")).error(),
              WireError::Malformed);
    // Witness flag set but every witness empty: Malformed (Core: "Superfluous witness record").
    primitives::Tx tx;
    tx.inputs.resize(1);
    tx.outputs.resize(1);
    util::Bytes plain = primitives::SerializeTx(tx);
    util::Bytes superfluous(plain.begin(), plain.begin() + 4);
    util::Append(superfluous, util::Bytes{0x00, 0x01});
    superfluous.insert(superfluous.end(), plain.begin() + 4, plain.end() - 4);
    superfluous.push_back(0);  // empty witness stack for the one input
    superfluous.insert(superfluous.end(), plain.end() - 4, plain.end());
    EXPECT_EQ(TxMsg::Decode(superfluous).error(), WireError::Malformed);
    EXPECT_TRUE(TxMsg::Decode(plain));
}

}  // namespace
}  // namespace tonari::bitcoin::wire
