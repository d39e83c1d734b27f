// ChainGenerator: its chains connect under full consensus in an in-memory chainstate, carry
// every spend kind, claim exactly their fees, are the same for the same seed and different
// for another; a corrupted signature of any kind gets its block rejected. And the framing of
// block-record files, with its error paths.
#include <gtest/gtest.h>

#include <array>
#include <iostream>
#include <map>
#include <memory>

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/chain/chain_generator.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/test_node.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/consensus/subsidy.h"

namespace tonari::bitcoin::chain {
namespace {

using primitives::Amount;
using primitives::Block;

using fixture::NOW;
using fixture::Regtest;

struct Node : fixture::MemoryNode {
    Node() { EXPECT_TRUE(chain.Load()); }
};

std::string Reason(const util::Result<void, ChainError>& r) {
    return r ? "accepted" : r.error().message;
}

// What an input spends, judged from its shape alone (not from the generator's bookkeeping).
enum class Shape { P2WPKH, P2TR, P2WSH_MULTISIG, P2PKH, Other };

Shape Classify(const primitives::TxIn& in) {
    const auto& w = in.witness;
    if (w.empty()) return in.script_sig.size() > 100 ? Shape::P2PKH : Shape::Other;
    if (!in.script_sig.empty()) return Shape::Other;
    if (w.size() == 1 && w[0].size() == 64) return Shape::P2TR;
    if (w.size() == 2 && w[1].size() == 33) return Shape::P2WPKH;
    if (w.size() == 4 && w[0].empty() && w[3].size() == 105) return Shape::P2WSH_MULTISIG;
    return Shape::Other;
}

ChainGeneratorOptions Options(uint64_t seed, size_t txs_per_block) {
    ChainGeneratorOptions options;
    options.seed = seed;
    options.txs_per_block = txs_per_block;
    return options;
}

// Re-makes the witness commitment and merkle root after an edit, and re-solves the block.
Block Recommit(Block block) {
    block.txs[0].outputs.pop_back();
    AddWitnessCommitment(block);
    return *SolveBlock(block, Regtest());
}

TEST(ChainGenerator, ChainConnectsUnderFullConsensus) {
    constexpr int BLOCKS = 130;
    constexpr size_t TXS = 20;
    ChainGenerator gen(Regtest(), Options(42, TXS));
    Node n;
    std::map<primitives::OutPoint, std::pair<Amount, int>> outputs;  // value, creating height
    std::array<size_t, 5> shapes{};
    size_t inputs = 0, txs = 0, same_block = 0, coinbase_spends = 0;
    uint32_t prev_time = Regtest().genesis.header.time;

    for (int h = 1; h <= BLOCKS; ++h) {
        const Block block = gen.Next();
        if (h == 1) {
            EXPECT_EQ(block.header.time, prev_time + 600);
        }
        EXPECT_GT(block.header.time, prev_time);
        prev_time = block.header.time;
        // Coinbase-only until the first coinbase is mature at height 101, full after.
        EXPECT_EQ(block.txs.size(), h <= 100 ? 1 : TXS + 1) << "height " << h;

        Amount fees = 0;
        for (size_t t = 0; t < block.txs.size(); ++t) {
            const auto& tx = block.txs[t];
            Amount in = 0, out = 0;
            if (t > 0) {
                ++txs;
                for (const auto& input : tx.inputs) {
                    auto it = outputs.find(input.prevout);
                    ASSERT_NE(it, outputs.end()) << "spends an output the chain never made";
                    in += it->second.first;
                    if (it->second.second == h) ++same_block;
                    if (it->second.second < 0) ++coinbase_spends;
                    outputs.erase(it);
                    ++shapes[static_cast<size_t>(Classify(input))];
                    ++inputs;
                }
            }
            const primitives::Txid txid = primitives::ComputeTxid(tx);
            for (uint32_t o = 0; o < tx.outputs.size(); ++o) {
                out += tx.outputs[o].value;
                outputs[{txid, o}] = {tx.outputs[o].value, t == 0 ? -h : h};  // negative: coinbase
            }
            if (t > 0) {
                EXPECT_GT(in, out);
                fees += in - out;
            } else {
                // Several outputs of mixed kinds, then the witness commitment.
                EXPECT_EQ(tx.outputs.size(), 9u);
            }
        }
        Amount claimed = 0;
        for (const auto& o : block.txs[0].outputs) claimed += o.value;
        EXPECT_EQ(claimed, consensus::GetBlockSubsidy(h, Regtest()) + fees) << "height " << h;

        const auto r = n.chain.ProcessBlock(block, NOW);
        ASSERT_TRUE(r) << "height " << h << ": " << Reason(r);
        ASSERT_EQ(n.chain.Chain().Height(), h);
        ASSERT_EQ(n.chain.Tip()->hash, gen.TipHash());
    }
    EXPECT_EQ(gen.Height(), BLOCKS);
    EXPECT_EQ(txs, 30 * TXS);
    EXPECT_EQ(inputs, gen.Stats().inputs);
    EXPECT_EQ(txs, gen.Stats().txs);
    EXPECT_EQ(shapes[static_cast<size_t>(Shape::Other)], 0u);
    const std::array<Shape, 4> kinds = {Shape::P2WPKH, Shape::P2TR, Shape::P2WSH_MULTISIG, Shape::P2PKH};
    for (size_t k = 0; k < kinds.size(); ++k) {
        // The shapes seen in the blocks agree with what the generator says it spent.
        EXPECT_EQ(shapes[static_cast<size_t>(kinds[k])], gen.Stats().inputs_by_kind[k]) << k;
    }
    // Roughly 3:3:3:1.
    for (Shape s : {Shape::P2WPKH, Shape::P2TR, Shape::P2WSH_MULTISIG}) {
        EXPECT_GT(shapes[static_cast<size_t>(s)], inputs / 5);
        EXPECT_LT(shapes[static_cast<size_t>(s)], inputs / 2);
    }
    EXPECT_GT(shapes[static_cast<size_t>(Shape::P2PKH)], inputs / 30);
    EXPECT_GT(same_block, 0u);
    EXPECT_GT(coinbase_spends, 0u);
    EXPECT_GT(inputs - same_block - coinbase_spends, 0u);  // outputs confirmed in earlier blocks
    EXPECT_EQ(same_block, gen.Stats().same_block_spends);
    EXPECT_EQ(coinbase_spends, gen.Stats().coinbase_spends);
    std::cout << "[generator] " << BLOCKS << " blocks connected: " << txs << " txs, " << inputs
              << " inputs (p2wpkh " << shapes[0] << ", p2tr " << shapes[1] << ", p2wsh 2-of-3 " << shapes[2]
              << ", p2pkh " << shapes[3] << "; same-block " << same_block << ", coinbase " << coinbase_spends
              << "), " << gen.Stats().signatures << " signatures\n";

    // The chainstate's UTXO set is exactly the outputs the blocks left unspent (minus the
    // unspendable witness commitments).
    ASSERT_TRUE(n.chain.Flush(true));
    EXPECT_EQ(n.coins_db.size(), outputs.size() - BLOCKS);
}

TEST(ChainGenerator, SameSeedSameChainOtherSeedOtherChain) {
    const ChainGeneratorOptions options = Options(7, 5);
    ChainGeneratorOptions other = options;
    other.seed = 8;
    ChainGenerator a(Regtest(), options), b(Regtest(), options), c(Regtest(), other);
    for (int h = 1; h <= 105; ++h) {
        const Block ba = a.Next(), bb = b.Next(), bc = c.Next();
        ASSERT_EQ(ba.header.ComputeHash(), bb.header.ComputeHash()) << h;
        ASSERT_EQ(primitives::SerializeBlock(ba), primitives::SerializeBlock(bb)) << h;
        ASSERT_NE(ba.header.ComputeHash(), bc.header.ComputeHash()) << h;
        if (h > 100) {
            ASSERT_EQ(ba.txs.size(), 6u) << h;
        }
    }
    EXPECT_EQ(a.TipHash(), b.TipHash());
    EXPECT_EQ(a.Stats().signatures, b.Stats().signatures);
}

TEST(ChainGenerator, CorruptedSignatureOfEachKindIsRejected) {
    ChainGenerator gen(Regtest(), Options(3, 40));
    Node n;
    for (int h = 1; h <= 102; ++h) ASSERT_TRUE(n.chain.ProcessBlock(gen.Next(), NOW)) << h;
    const Block good = gen.Next();
    const primitives::BlockHash tip = n.chain.Tip()->hash;

    // An input of this shape in a transaction none of whose outputs the block spends (so the
    // failure is the signature's, even where the edit changes the txid).
    auto find = [&good](Shape shape) -> std::pair<size_t, size_t> {
        for (size_t t = 1; t < good.txs.size(); ++t) {
            const primitives::Txid txid = primitives::ComputeTxid(good.txs[t]);
            bool spent_here = false;
            for (size_t u = t + 1; u < good.txs.size(); ++u) {
                for (const auto& in : good.txs[u].inputs) spent_here |= in.prevout.txid == txid;
            }
            if (spent_here) continue;
            for (size_t i = 0; i < good.txs[t].inputs.size(); ++i) {
                if (Classify(good.txs[t].inputs[i]) == shape) return {t, i};
            }
        }
        return {0, 0};
    };
    int cases = 0;
    for (Shape shape : {Shape::P2WPKH, Shape::P2TR, Shape::P2WSH_MULTISIG, Shape::P2PKH}) {
        const auto [t, i] = find(shape);
        ASSERT_NE(t, 0u) << "no input of shape " << static_cast<int>(shape);
        Block bad = good;
        auto& in = bad.txs[t].inputs[i];
        // A byte inside r of a DER signature (30 len 02 len r...), or inside s of a BIP340 one.
        switch (shape) {
            case Shape::P2WPKH:
                in.witness[0][10] ^= 0x01;
                break;
            case Shape::P2TR:
                in.witness[0][40] ^= 0x01;
                break;
            case Shape::P2WSH_MULTISIG:
                in.witness[2][10] ^= 0x01;
                break;
            default:
                in.script_sig[1 + 10] ^= 0x01;  // after the push opcode
                break;
        }
        bad = Recommit(std::move(bad));
        EXPECT_EQ(Reason(n.chain.ProcessBlock(bad, NOW)), "mandatory-script-verify-flag-failed")
            << "shape " << static_cast<int>(shape);
        EXPECT_EQ(n.chain.Tip()->hash, tip);
        ++cases;
    }
    EXPECT_EQ(cases, 4);
    // The untouched block still connects.
    EXPECT_TRUE(n.chain.ProcessBlock(good, NOW));
    EXPECT_EQ(n.chain.Tip()->hash, good.header.ComputeHash());
}

TEST(ChainGenerator, OptionsShapeTheChain) {
    // Taproot only, three inputs and three outputs per transaction, custom clock.
    ChainGeneratorOptions options = Options(11, 4);
    options.min_inputs = options.max_inputs = 3;
    options.outputs_per_tx = 3;
    options.coinbase_outputs = 3;
    options.mix = {.p2wpkh = 0, .p2tr = 1, .p2wsh_multisig = 0, .p2pkh = 0};
    options.first_block_time = 1'700'000'000;
    options.block_interval = 30;
    ChainGenerator gen(Regtest(), options);
    Node n;
    for (int h = 1; h <= 104; ++h) {
        const Block block = h == 103 ? gen.Next(0) : gen.Next();
        EXPECT_EQ(block.header.time, 1'700'000'000u + 30u * static_cast<uint32_t>(h - 1));
        EXPECT_EQ(block.txs[0].outputs.size(), 4u);  // three payouts + the commitment
        if (h > 100) {
            EXPECT_EQ(block.txs.size(), h == 103 ? 1u : 5u) << h;
        }
        for (size_t t = 1; t < block.txs.size(); ++t) {
            EXPECT_EQ(block.txs[t].inputs.size(), 3u);
            EXPECT_EQ(block.txs[t].outputs.size(), 3u);
            for (const auto& in : block.txs[t].inputs) EXPECT_EQ(Classify(in), Shape::P2TR);
        }
        ASSERT_TRUE(n.chain.ProcessBlock(block, NOW)) << h;
    }
    EXPECT_EQ(gen.Stats().inputs, gen.Stats().inputs_by_kind[static_cast<size_t>(GeneratedOutputKind::P2TR)]);
    EXPECT_EQ(gen.Stats().inputs, 3u * 4u * 3u);
}

// Asked for far more transactions than fit, the generator stops at the block's weight or
// sigop budget, and the block is still valid.
TEST(ChainGenerator, OversizedRequestStopsAtTheBlockBudget) {
    ChainGeneratorOptions options = Options(13, 0);
    options.mix = {.p2wpkh = 0, .p2tr = 0, .p2wsh_multisig = 1, .p2pkh = 1};  // the heaviest kinds
    ChainGenerator gen(Regtest(), options);
    Node n;
    for (int h = 1; h <= 100; ++h) ASSERT_TRUE(n.chain.ProcessBlock(gen.Next(), NOW)) << h;
    const Block full = gen.Next(1'000'000);
    const int64_t weight = primitives::BlockWeight(full);
    std::cout << "[generator] capped block: " << full.txs.size() - 1 << " txs, weight " << weight << "\n";
    EXPECT_LE(weight, consensus::MAX_BLOCK_WEIGHT);
    EXPECT_GT(weight, consensus::MAX_BLOCK_WEIGHT * 3 / 4);  // the cap is not wildly cautious
    const auto r = n.chain.ProcessBlock(full, NOW);
    EXPECT_TRUE(r) << Reason(r);
    EXPECT_EQ(n.chain.Chain().Height(), 101);
}

TEST(BlockRecords, RoundTripAndErrors) {
    ChainGenerator gen(Regtest(), Options(5, 3));
    std::vector<Block> blocks;
    for (int h = 0; h < 102; ++h) blocks.push_back(gen.Next());
    util::Bytes file;
    for (const auto& b : blocks) AppendBlockRecord(file, b);

    auto decoded = DecodeBlockRecords(file);
    ASSERT_TRUE(decoded);
    ASSERT_EQ(decoded->size(), blocks.size());
    for (size_t k = 0; k < blocks.size(); ++k) {
        EXPECT_EQ(primitives::SerializeBlock((*decoded)[k]), primitives::SerializeBlock(blocks[k])) << k;
    }
    // One record: the length, little-endian, then the block with its witnesses.
    const util::Bytes raw = primitives::SerializeBlock(blocks.back());
    const util::Bytes record = SerializeBlockRecord(blocks.back());
    ASSERT_EQ(record.size(), raw.size() + 4);
    EXPECT_EQ(record[0] | record[1] << 8 | record[2] << 16 | record[3] << 24, static_cast<int>(raw.size()));
    EXPECT_TRUE(std::equal(raw.begin(), raw.end(), record.begin() + 4));

    EXPECT_TRUE(DecodeBlockRecords({}) && DecodeBlockRecords({})->empty());

    auto expect_error = [](const util::Bytes& bytes, BlockRecordError e) {
        auto r = DecodeBlockRecords(bytes);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), e) << BlockRecordErrorMessage(r.error());
    };
    expect_error(util::Bytes(file.begin(), file.end() - 1), BlockRecordError::Truncated);
    expect_error({0x10, 0x00, 0x00}, BlockRecordError::Truncated);
    // A length past the maximum is refused from the header alone.
    expect_error({0xff, 0xff, 0xff, 0xff, 0x00}, BlockRecordError::TooLarge);
    expect_error({0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5}, BlockRecordError::BadBlock);
    // A record one byte longer than its block: trailing bytes inside the record.
    util::Bytes padded = record;
    padded.push_back(0);
    padded[0] = static_cast<uint8_t>(padded[0] + 1);
    if (padded[0] == 0) padded[1] = static_cast<uint8_t>(padded[1] + 1);
    expect_error(padded, BlockRecordError::BadBlock);

    const uint32_t max = MAX_BLOCK_RECORD_SIZE;
    const util::Bytes at_max = {static_cast<uint8_t>(max), static_cast<uint8_t>(max >> 8),
                                static_cast<uint8_t>(max >> 16), static_cast<uint8_t>(max >> 24)};
    EXPECT_EQ(*DecodeBlockRecordLength(at_max), max);
    const util::Bytes over = {static_cast<uint8_t>(max + 1), static_cast<uint8_t>((max + 1) >> 8),
                              static_cast<uint8_t>((max + 1) >> 16), static_cast<uint8_t>((max + 1) >> 24)};
    EXPECT_EQ(DecodeBlockRecordLength(over).error(), BlockRecordError::TooLarge);
    EXPECT_EQ(DecodeBlockRecordLength(util::Bytes{1, 2}).error(), BlockRecordError::Truncated);

    // Streaming: record by record from one reader.
    util::ByteReader reader(file);
    size_t count = 0;
    while (!reader.empty()) {
        auto b = ReadBlockRecord(reader);
        ASSERT_TRUE(b);
        EXPECT_EQ(b->header.ComputeHash(), blocks[count].header.ComputeHash());
        ++count;
    }
    EXPECT_EQ(count, blocks.size());
}

}  // namespace
}  // namespace tonari::bitcoin::chain
