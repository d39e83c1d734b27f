// Tests for transactions, blocks and merkle roots against real mainnet and regtest blocks,
// plus the decoder's behaviour on malformed and hostile input.
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/primitives/transaction.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::primitives {
namespace {

using util::Bytes;

Bytes GenesisBytes() {
    std::string hex = test::ReadTestFile("blocks/genesis_mainnet.hex");
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    return test::ParseHexOrFail(hex);
}

std::vector<Bytes> RegtestBlocks() {
    std::vector<Bytes> out;
    std::istringstream in(test::ReadTestFile("blocks/regtest_block_data.txt"));
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) out.push_back(test::ParseHexOrFail(line));
    }
    return out;
}

TEST(Block, MainnetBlock413567) {
    const Bytes raw = test::ReadTestFileBytes("blocks/block413567.raw");
    ASSERT_EQ(raw.size(), 999887u);
    auto block = DecodeBlock(raw);
    ASSERT_TRUE(block) << DecodeErrorMessage(block.error());
    EXPECT_EQ(block->header.ComputeHash().ToHex(),
              "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069");
    EXPECT_EQ(block->header.prev_block.ToHex(),
              "00000000000000000542b54d29b12b523ff6c6474e0e86085bd3005ec6c5ce11");
    EXPECT_EQ(block->txs.size(), 1557u);
    const MerkleRoot root = BlockMerkleRoot(*block);
    EXPECT_EQ(root.root, block->header.merkle_root);
    EXPECT_FALSE(root.mutated);
    EXPECT_TRUE(block->txs[0].IsCoinbase());
    EXPECT_EQ(SerializeBlock(*block), raw);
    EXPECT_EQ(SerializedSize(*block), raw.size());
    EXPECT_EQ(BlockWeight(*block), static_cast<int64_t>(raw.size()) * 4);  // no witness data
}

TEST(Block, MainnetGenesis) {
    const Bytes raw = GenesisBytes();
    auto block = DecodeBlock(raw);
    ASSERT_TRUE(block);
    EXPECT_EQ(block->header.ComputeHash().ToHex(),
              "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    ASSERT_EQ(block->txs.size(), 1u);
    EXPECT_EQ(ComputeTxid(block->txs[0]).get(), block->header.merkle_root);
    EXPECT_EQ(SerializedSize(block->txs[0]), 204u);
    EXPECT_EQ(TxWeight(block->txs[0]), 816);
    EXPECT_EQ(TxVirtualSize(block->txs[0]), 204);
}

TEST(Block, RegtestChainRoundTripsWithWitnesses) {
    const auto blocks = RegtestBlocks();
    ASSERT_EQ(blocks.size(), 206u);
    size_t witness_txs = 0, txs = 0;
    auto prev = BlockHash(*util::Uint256::FromHex("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"));
    for (const Bytes& raw : blocks) {
        auto block = DecodeBlock(raw);
        ASSERT_TRUE(block);
        EXPECT_EQ(block->header.prev_block, prev);
        prev = block->header.ComputeHash();
        EXPECT_EQ(SerializeBlock(*block), raw);
        EXPECT_EQ(BlockMerkleRoot(*block).root, block->header.merkle_root);
        for (const Tx& tx : block->txs) {
            ++txs;
            if (!tx.HasWitness()) continue;
            ++witness_txs;
            EXPECT_NE(ComputeTxid(tx).get(), ComputeWtxid(tx).get());
            EXPECT_GT(SerializedSize(tx, true), SerializedSize(tx, false));
            EXPECT_EQ(TxWeight(tx), 3 * static_cast<int64_t>(SerializedSize(tx, false)) +
                                        static_cast<int64_t>(SerializedSize(tx, true)));
        }
    }
    EXPECT_EQ(txs, 231u);
    EXPECT_GT(witness_txs, 0u);
    EXPECT_EQ(prev.ToHex(), "3de082158b117acd088306c395d09771bb7cbf0b7355796c1b1e0bd748ef9bed");
    std::cout << "[vectors] regtest_block_data.txt: 206 blocks, " << txs << " txs round-tripped\n";
}

// A segwit transaction taken from the regtest vectors, for mutation tests.
Tx FirstWitnessTx() {
    for (const Bytes& raw : RegtestBlocks()) {
        auto block = DecodeBlock(raw);
        if (!block) continue;
        for (const Tx& tx : block->txs) {
            if (tx.HasWitness() && !tx.IsCoinbase()) return tx;
        }
    }
    ADD_FAILURE() << "no witness transaction in regtest vectors";
    return {};
}

TEST(Tx, EveryTruncationFailsCleanly) {
    const Bytes raw = SerializeTx(FirstWitnessTx());
    ASSERT_FALSE(raw.empty());
    for (size_t n = 0; n < raw.size(); ++n) {
        auto tx = DecodeTx(util::ByteSpan(raw.data(), n));
        EXPECT_FALSE(tx) << "prefix of length " << n << " decoded";
    }
    EXPECT_TRUE(DecodeTx(raw));
}

TEST(Tx, TrailingBytesRejected) {
    Bytes raw = SerializeTx(FirstWitnessTx());
    raw.push_back(0);
    auto tx = DecodeTx(raw);
    ASSERT_FALSE(tx);
    EXPECT_EQ(tx.error(), DecodeError::TrailingBytes);
}

TEST(Tx, UnknownWitnessFlagRejected) {
    Bytes raw = SerializeTx(FirstWitnessTx());
    ASSERT_EQ(raw[4], 0x00);
    ASSERT_EQ(raw[5], 0x01);
    raw[5] = 0x03;
    auto tx = DecodeTx(raw);
    ASSERT_FALSE(tx);
    EXPECT_EQ(tx.error(), DecodeError::UnknownWitnessFlag);
}

TEST(Tx, SuperfluousWitnessRejected) {
    Tx tx = FirstWitnessTx();
    for (TxIn& in : tx.inputs) in.witness.clear();
    Bytes raw = SerializeTx(tx);  // no witness now: re-add marker, flag and empty stacks
    Bytes forged(raw.begin(), raw.begin() + 4);
    forged.push_back(0x00);
    forged.push_back(0x01);
    forged.insert(forged.end(), raw.begin() + 4, raw.end() - 4);
    for (size_t i = 0; i < tx.inputs.size(); ++i) forged.push_back(0x00);
    forged.insert(forged.end(), raw.end() - 4, raw.end());
    auto decoded = DecodeTx(forged);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(), DecodeError::SuperfluousWitness);
}

TEST(Tx, AbsurdCountsDoNotAllocate) {
    // version, then a CompactSize claiming 0x01ffffff inputs with no data behind it.
    const Bytes raw{0x02, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0x01};
    auto tx = DecodeTx(raw);
    ASSERT_FALSE(tx);
    EXPECT_EQ(tx.error(), DecodeError::Truncated);
    // Same for a block claiming many transactions.
    Bytes block(80, 0);
    block.insert(block.end(), {0xfe, 0xff, 0xff, 0xff, 0x01});
    EXPECT_FALSE(DecodeBlock(block));
}

TEST(Tx, EmptyInputsWithZeroFlagIsEmptyTransaction) {
    // Bitcoin Core reads "00 00" after the version as no inputs and no outputs.
    const Bytes raw{0x01, 0, 0, 0, 0x00, 0x00, 0, 0, 0, 0};
    auto tx = DecodeTx(raw);
    ASSERT_TRUE(tx);
    EXPECT_TRUE(tx->inputs.empty());
    EXPECT_TRUE(tx->outputs.empty());
}

TEST(Tx, RoundTripBuiltTransaction) {
    Tx tx;
    tx.version = 1;
    TxIn in;
    in.prevout.index = 7;
    in.script_sig = {0x51};
    in.witness = {{0x01, 0x02}, {}};
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{5000, Bytes(300, 0x6a)});  // forces a 3-byte CompactSize
    tx.locktime = 99;
    const Bytes raw = SerializeTx(tx);
    auto back = DecodeTx(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, tx);
    EXPECT_EQ(SerializedSize(tx), raw.size());
}

TEST(Merkle, MutationIsDetected) {
    util::Uint256 a, b, c;
    a.data()[0] = 1;
    b.data()[0] = 2;
    c.data()[0] = 3;
    const MerkleRoot three = ComputeMerkleRoot({a, b, c});
    const MerkleRoot four = ComputeMerkleRoot({a, b, c, c});
    EXPECT_EQ(three.root, four.root);  // the CVE-2012-2459 ambiguity
    EXPECT_FALSE(three.mutated);
    EXPECT_TRUE(four.mutated);
    EXPECT_EQ(ComputeMerkleRoot({a}).root, a);
    EXPECT_TRUE(ComputeMerkleRoot({}).root.IsNull());
}

TEST(Header, DecodeRequiresExactly80Bytes) {
    const Bytes raw = GenesisBytes();
    EXPECT_TRUE(DecodeHeader(util::ByteSpan(raw.data(), 80)));
    EXPECT_FALSE(DecodeHeader(util::ByteSpan(raw.data(), 79)));
    EXPECT_FALSE(DecodeHeader(util::ByteSpan(raw.data(), 81)));
}

}  // namespace
}  // namespace tonari::bitcoin::primitives
