// Tests for CheckBlockHeader / CheckBlock: real blocks pass (mainnet 413567 and the 206-block
// regtest chain), and for each rule a block modified to break exactly that rule fails with
// Bitcoin Core's reason. Modified regtest blocks get their merkle root recomputed and are
// re-mined (regtest's target accepts about every other hash), so proof of work never masks
// the rule under test.
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/pow.h"
#include "bitcoin/primitives/merkle.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::consensus {
namespace {

using encoding::Network;
using primitives::Block;
using primitives::Tx;
using primitives::TxOut;

constexpr uint8_t OP_CHECKSIG = 0xac;
constexpr uint8_t OP_CHECKMULTISIG = 0xae;

const ConsensusParams& Main() {
    return GetParams(Network::Main);
}
const ConsensusParams& Regtest() {
    return GetParams(Network::Regtest);
}

Block Block413567() {
    auto b = primitives::DecodeBlock(test::ReadTestFileBytes("blocks/block413567.raw"));
    EXPECT_TRUE(b);
    return b ? std::move(*b) : Block{};
}

std::vector<Block> RegtestChain() {
    std::vector<Block> out;
    for (const util::Bytes& raw : test::ReadTestHexLines("blocks/regtest_block_data.txt")) {
        auto b = primitives::DecodeBlock(raw);
        EXPECT_TRUE(b) << "regtest block " << out.size() + 1;
        if (b) out.push_back(std::move(*b));
    }
    return out;
}

// A regtest block with a coinbase and at least one other transaction.
Block RegtestBlockWithSpend() {
    for (Block& b : RegtestChain()) {
        if (b.txs.size() >= 2) return std::move(b);
    }
    ADD_FAILURE() << "no regtest block with a spend";
    return {};
}

// Recomputes the merkle root (unless told not to) and searches nonces until the header meets
// its target.
void Remine(Block& b, bool update_merkle = true) {
    if (update_merkle) b.header.merkle_root = primitives::BlockMerkleRoot(b).root;
    for (b.header.nonce = 0;; ++b.header.nonce) {
        if (CheckProofOfWork(b.header.ComputeHash(), b.header.bits, Regtest())) return;
        ASSERT_LT(b.header.nonce, 10'000u) << "regtest target should be met within a few tries";
    }
}

std::string Reason(const util::Result<void, BlockValidationError>& r) {
    return r ? std::string("ok") : std::string(ReasonString(r.error()));
}

TEST(CheckBlock, MainnetBlock413567Passes) {
    const Block b = Block413567();
    EXPECT_EQ(b.header.ComputeHash().ToHex(),
              "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069");
    EXPECT_EQ(b.header.prev_block.ToHex(),
              "00000000000000000542b54d29b12b523ff6c6474e0e86085bd3005ec6c5ce11");
    EXPECT_EQ(b.txs.size(), 1557u);
    EXPECT_EQ(Reason(CheckBlockHeader(b.header, Main())), "ok");
    EXPECT_EQ(Reason(CheckBlock(b, Main())), "ok");
    EXPECT_FALSE(FindWitnessCommitment(b));  // pre-segwit block
    // pow_limit only caps how easy a target may be, so mainnet's hard target is also
    // acceptable under regtest's limit (the reverse is refused: see HighHash).
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "ok");
}

TEST(CheckBlock, RegtestChainPassesAndLinksFromGenesis) {
    const std::vector<Block> chain = RegtestChain();
    ASSERT_EQ(chain.size(), 206u);
    primitives::BlockHash prev = Regtest().genesis_hash;
    int checked = 0;
    size_t commitments = 0;
    for (const Block& b : chain) {
        SCOPED_TRACE("height " + std::to_string(checked + 1));
        EXPECT_EQ(b.header.prev_block, prev);
        EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "ok");
        if (FindWitnessCommitment(b)) ++commitments;
        prev = b.header.ComputeHash();
        ++checked;
    }
    EXPECT_EQ(prev.ToHex(), "3de082158b117acd088306c395d09771bb7cbf0b7355796c1b1e0bd748ef9bed");
    std::cout << "[vectors] regtest_block_data.txt: " << checked << " blocks passed CheckBlock and chained ("
              << commitments << " with a witness commitment)\n";
    EXPECT_EQ(checked, 206);
    EXPECT_EQ(commitments, 206u);
}

// --- high-hash ---------------------------------------------------------------------------

TEST(CheckBlockRules, HighHash) {
    Block b = Block413567();
    b.header.nonce += 1;  // the hash no longer meets the target (odds of passing: ~2^-70)
    EXPECT_EQ(Reason(CheckBlockHeader(b.header, Main())), "high-hash");
    EXPECT_EQ(Reason(CheckBlock(b, Main())), "high-hash");
    EXPECT_EQ(Reason(CheckBlock(b, Main(), /*check_pow=*/false)), "ok");  // only PoW was broken
    // A valid regtest block claims a target above mainnet's limit.
    const Block reg = RegtestChain().at(0);
    EXPECT_EQ(Reason(CheckBlock(reg, Main())), "high-hash");
    // Invalid nBits encodings fail even with a low hash: negative, overflow, zero.
    for (uint32_t bits : {0x04923456u, 0xff123456u, 0x01003456u}) {
        Block bad = reg;
        bad.header.bits = bits;
        EXPECT_EQ(Reason(CheckBlockHeader(bad.header, Regtest())), "high-hash") << std::hex << bits;
    }
}

// --- merkle root -------------------------------------------------------------------------

TEST(CheckBlockRules, BadMerkleRoot) {
    Block b = RegtestBlockWithSpend();
    b.header.merkle_root.data()[0] ^= 1;
    Remine(b, /*update_merkle=*/false);
    auto r = CheckBlock(b, Regtest());
    EXPECT_EQ(Reason(r), "bad-txnmrklroot");
    EXPECT_TRUE(!r && IsMutation(r.error().reason));
    EXPECT_EQ(Reason(CheckBlock(b, Regtest(), true, /*check_merkle=*/false)), "ok");
    // Changing a transaction without updating the root is the same failure.
    Block c = RegtestBlockWithSpend();
    c.txs[1].locktime += 1;
    Remine(c, /*update_merkle=*/false);
    EXPECT_EQ(Reason(CheckBlock(c, Regtest())), "bad-txnmrklroot");
}

TEST(CheckBlockRules, DuplicateTransactionsMutation) {
    // CVE-2012-2459 on a real block: 1557 transactions (odd), so repeating the last one leaves
    // the merkle root, and therefore the header and its proof of work, unchanged.
    Block b = Block413567();
    ASSERT_EQ(b.txs.size() % 2, 1u);
    b.txs.push_back(b.txs.back());
    EXPECT_EQ(primitives::BlockMerkleRoot(b).root, b.header.merkle_root);
    auto r = CheckBlock(b, Main());
    EXPECT_EQ(Reason(r), "bad-txns-duplicate");
    EXPECT_TRUE(!r && IsMutation(r.error().reason));
    // The same on a re-mined regtest block with three transactions.
    Block reg = RegtestBlockWithSpend();
    reg.txs.resize(2);
    Tx extra = reg.txs[1];
    extra.locktime += 7;  // a distinct transaction
    reg.txs.push_back(extra);
    Remine(reg);
    ASSERT_EQ(Reason(CheckBlock(reg, Regtest())), "ok");
    reg.txs.push_back(extra);
    Remine(reg);
    EXPECT_EQ(Reason(CheckBlock(reg, Regtest())), "bad-txns-duplicate");
}

// --- size --------------------------------------------------------------------------------

TEST(CheckBlockRules, EmptyBlock) {
    Block b = RegtestChain().at(0);
    b.txs.clear();
    Remine(b);  // merkle root of nothing is null, which the header now carries
    ASSERT_TRUE(b.header.merkle_root.IsNull());
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "bad-blk-length");
}

TEST(CheckBlockRules, OversizeBlock) {
    Block b = RegtestBlockWithSpend();
    // Pad an OP_RETURN output of the spend so the stripped block is exactly 1,000,000 bytes.
    b.txs[1].outputs.push_back(TxOut{0, {0x6a}});
    const size_t limit = MAX_BLOCK_WEIGHT / WITNESS_SCALE_FACTOR;
    const size_t now = primitives::SerializedSize(b, false);
    // The script grows from 1 byte with a 1-byte length to n bytes with a 5-byte length.
    b.txs[1].outputs.back().script_pubkey.resize(limit - now + 1 - 4, 0x00);
    ASSERT_EQ(primitives::SerializedSize(b, false), limit);
    Remine(b);
    // Exactly at the limit is valid (the padded transaction alone is below its own limit).
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "ok");
    b.txs[1].outputs.back().script_pubkey.push_back(0x00);
    Remine(b);
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "bad-blk-length");
    // Witness bytes do not count towards this (context-free) limit.
    Block w = RegtestBlockWithSpend();
    w.txs[1].inputs[0].witness.push_back(util::Bytes(1'500'000, 0x00));
    Remine(w);
    EXPECT_EQ(Reason(CheckBlock(w, Regtest())), "ok");
}

// --- coinbase placement --------------------------------------------------------------------

TEST(CheckBlockRules, CoinbaseMissing) {
    Block b = RegtestBlockWithSpend();
    b.txs.erase(b.txs.begin());  // the spend is now first
    Remine(b);
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "bad-cb-missing");
    // Coinbase present but not first.
    Block c = RegtestBlockWithSpend();
    std::swap(c.txs[0], c.txs[1]);
    Remine(c);
    EXPECT_EQ(Reason(CheckBlock(c, Regtest())), "bad-cb-missing");
}

TEST(CheckBlockRules, CoinbaseMultiple) {
    Block b = RegtestBlockWithSpend();
    Tx second = b.txs[0];
    second.inputs[0].script_sig.push_back(0x00);  // a different coinbase, not a duplicate
    b.txs.push_back(second);
    Remine(b);
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "bad-cb-multiple");
}

// --- transactions inside the block -----------------------------------------------------------

TEST(CheckBlockRules, TransactionFailureCarriesTheTransactionReason) {
    Block b = RegtestBlockWithSpend();
    b.txs[0].inputs[0].script_sig.resize(1);
    Remine(b);
    auto r = CheckBlock(b, Regtest());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, BlockError::BadTransaction);
    EXPECT_EQ(r.error().tx_index, 0u);
    EXPECT_EQ(ReasonString(r.error()), "bad-cb-length");

    Block c = RegtestBlockWithSpend();
    c.txs[1].outputs[0].value = -1;
    Remine(c);
    r = CheckBlock(c, Regtest());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().tx_index, 1u);
    EXPECT_EQ(ReasonString(r.error()), "bad-txns-vout-negative");

    Block d = RegtestBlockWithSpend();
    d.txs[1].inputs.push_back(d.txs[1].inputs[0]);
    Remine(d);
    EXPECT_EQ(Reason(CheckBlock(d, Regtest())), "bad-txns-inputs-duplicate");
}

// --- sigops ------------------------------------------------------------------------------------

TEST(CheckBlockRules, TooManySigops) {
    Block b = RegtestBlockWithSpend();
    const unsigned before = [&] {
        unsigned n = 0;
        for (const Tx& tx : b.txs) n += LegacySigOpCount(tx);
        return n;
    }();
    const unsigned budget = MAX_BLOCK_SIGOPS_COST / WITNESS_SCALE_FACTOR;  // 20,000 legacy sigops
    ASSERT_LT(before, budget);
    // Fill the budget exactly: multisigs count 20 each, checksigs 1.
    const unsigned room = budget - before;
    util::Bytes script(room / 20, OP_CHECKMULTISIG);
    script.insert(script.end(), room % 20, OP_CHECKSIG);
    b.txs[1].outputs.push_back(TxOut{0, script});
    unsigned after = 0;
    for (const Tx& tx : b.txs) after += LegacySigOpCount(tx);
    ASSERT_EQ(after, budget);
    Remine(b);
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "ok");
    // One more CHECKSIG, counted in a scriptSig this time.
    b.txs[1].inputs[0].script_sig.push_back(OP_CHECKSIG);
    Remine(b);
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "bad-blk-sigops");
}

// --- order of checks -----------------------------------------------------------------------

TEST(CheckBlockRules, FirstFailureIsCoresFirstFailure) {
    // Oversize and a non-coinbase first transaction: size is checked first.
    Block b = RegtestBlockWithSpend();
    b.txs.erase(b.txs.begin());
    b.txs[0].outputs.push_back(TxOut{0, util::Bytes(1'000'001, 0x00)});
    Remine(b);
    EXPECT_EQ(Reason(CheckBlock(b, Regtest())), "bad-blk-length");
    // Two coinbases and a bad transaction: coinbase placement comes before transaction checks.
    Block c = RegtestBlockWithSpend();
    c.txs[1].outputs[0].value = -5;
    Tx cb2 = c.txs[0];
    cb2.inputs[0].script_sig.push_back(0x01);
    c.txs.push_back(cb2);
    Remine(c);
    EXPECT_EQ(Reason(CheckBlock(c, Regtest())), "bad-cb-multiple");
    // Bad PoW and a bad merkle root: PoW first.
    Block d = Block413567();
    d.header.nonce ^= 0x5a5a;
    d.txs.pop_back();
    EXPECT_EQ(Reason(CheckBlock(d, Main())), "high-hash");
    EXPECT_EQ(Reason(CheckBlock(d, Main(), false)), "bad-txnmrklroot");
}

// --- witness commitment ----------------------------------------------------------------------

TEST(WitnessCommitment, FindsTheLastMatchingOutput) {
    Block b = RegtestChain().at(0);
    const auto idx = FindWitnessCommitment(b);
    ASSERT_TRUE(idx);
    EXPECT_EQ(*idx, 1u);
    EXPECT_EQ(util::HexEncode(b.txs[0].outputs[*idx].script_pubkey).substr(0, 12), "6a24aa21a9ed");
    // A second commitment later on wins.
    TxOut again = b.txs[0].outputs[*idx];
    b.txs[0].outputs.push_back(again);
    EXPECT_EQ(FindWitnessCommitment(b), std::optional<size_t>(2));
    // Too short (37 bytes) or a wrong tag byte is not a commitment.
    b.txs[0].outputs.back().script_pubkey.resize(MINIMUM_WITNESS_COMMITMENT - 1);
    EXPECT_EQ(FindWitnessCommitment(b), std::optional<size_t>(1));
    b.txs[0].outputs[1].script_pubkey[5] ^= 1;
    EXPECT_FALSE(FindWitnessCommitment(b));
    // Extra bytes after the commitment are allowed.
    b.txs[0].outputs[1].script_pubkey[5] ^= 1;
    b.txs[0].outputs[1].script_pubkey.push_back(0x00);
    EXPECT_EQ(FindWitnessCommitment(b), std::optional<size_t>(1));
    EXPECT_FALSE(FindWitnessCommitment(Block{}));
}

}  // namespace
}  // namespace tonari::bitcoin::consensus
