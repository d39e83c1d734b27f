// The chainstate end to end, in memory: the 206 real regtest blocks, then chains built here
// to break one rule at a time, competing branches, deep reorganisations, and an invalid
// block in the middle of the heavier branch.
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/header_check.h"
#include "bitcoin/chain/test_node.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/consensus/pow.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/script.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::chain {
namespace {

using consensus::BlockError;
using primitives::Block;
using primitives::Tx;

using fixture::NOW;
using fixture::Regtest;

// Anyone can spend an OP_TRUE output with an empty scriptSig: no keys needed in these tests.
const util::Bytes OP_TRUE_SCRIPT = {0x51};

struct Node : fixture::MemoryNode {
    Node() { EXPECT_TRUE(chain.Load()); }
};

// Builds, solves and returns a block on `prev` (an entry of node's tree).
Block Mine(const BlockIndex& prev, std::vector<Tx> txs = {}, util::Bytes extra = {},
           primitives::Amount fees = 0) {
    BlockTemplate tmpl;
    tmpl.prev_hash = prev.hash;
    tmpl.height = prev.height + 1;
    tmpl.time = static_cast<uint32_t>(prev.GetMedianTimePast() + 1 + prev.height % 7);
    tmpl.bits = prev.bits;
    tmpl.payout_script = OP_TRUE_SCRIPT;
    tmpl.txs = std::move(txs);
    tmpl.coinbase_extra = std::move(extra);
    tmpl.fees = fees;
    auto block = SolveBlock(AssembleBlock(tmpl, Regtest()), Regtest());
    EXPECT_TRUE(block);
    return block ? *block : Block{};
}

// Spends output `index` of `from` (an OP_TRUE output) into one OP_TRUE output of `value`.
Tx Spend(const Tx& from, uint32_t index, primitives::Amount value) {
    Tx tx;
    primitives::TxIn in;
    in.prevout = {primitives::ComputeTxid(from), index};
    tx.inputs.push_back(in);
    tx.outputs.push_back({value, OP_TRUE_SCRIPT});
    return tx;
}

// Extends the active tip by n blocks; returns them.
std::vector<Block> Extend(Node& n, int count) {
    std::vector<Block> blocks;
    for (int i = 0; i < count; ++i) {
        blocks.push_back(Mine(*n.chain.Tip()));
        auto r = n.chain.ProcessBlock(blocks.back(), NOW);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
    }
    return blocks;
}

std::string Reason(const util::Result<void, ChainError>& r) { return r ? "accepted" : r.error().message; }

TEST(Chainstate, RealRegtestBlocksConnectInOrder) {
    Node n;
    int count = 0;
    for (const util::Bytes& raw : test::ReadTestHexLines("blocks/regtest_block_data.txt")) {
        auto block = primitives::DecodeBlock(raw);
        ASSERT_TRUE(block);
        auto r = n.chain.ProcessBlock(*block, NOW);
        ASSERT_TRUE(r) << "block " << count + 1 << ": " << Reason(r);
        ++count;
        ASSERT_EQ(n.chain.Chain().Height(), count);
    }
    std::cout << "[vectors] regtest_block_data.txt: " << count << " blocks connected\n";
    EXPECT_EQ(count, 206);
    EXPECT_EQ(n.chain.Tip()->hash.ToHex(), "3de082158b117acd088306c395d09771bb7cbf0b7355796c1b1e0bd748ef9bed");
    ASSERT_TRUE(n.chain.Flush(true));
    EXPECT_EQ(n.coins_db.GetBestBlock(), n.chain.Tip()->hash);
    EXPECT_GT(n.coins_db.size(), 200u);
}

// Each case breaks exactly one rule; the block must be rejected with that reason and the
// tip must not move.
TEST(Chainstate, EachRuleRejectsItsBlock) {
    Node n;
    const auto mature = Extend(n, 101);  // the first coinbase is spendable at height 102
    const Tx& coinbase1 = mature[0].txs[0];
    const primitives::Amount value = coinbase1.outputs[0].value;

    auto expect_reject = [&n](const Block& block, const std::string& reason) {
        const primitives::BlockHash before = n.chain.Tip()->hash;
        auto r = n.chain.ProcessBlock(block, NOW);
        EXPECT_EQ(Reason(r), reason);
        EXPECT_EQ(n.chain.Tip()->hash, before);
    };

    // Coinbase claims more than subsidy + fees.
    {
        Block b = Mine(*n.chain.Tip(), {}, {}, 1);
        expect_reject(b, "bad-cb-amount");
    }
    // Spending a coin that does not exist.
    {
        Tx bogus = Spend(coinbase1, 7, 1000);
        expect_reject(Mine(*n.chain.Tip(), {bogus}), "bad-txns-inputs-missingorspent");
    }
    // Two transactions of one block spending the same coin (CVE-2018-17144).
    {
        Tx a = Spend(coinbase1, 0, value - 1000);
        Tx b = Spend(coinbase1, 0, value - 2000);
        expect_reject(Mine(*n.chain.Tip(), {a, b}), "bad-txns-inputs-missingorspent");
    }
    // Spending a coinbase before it is 100 blocks deep.
    {
        const Tx& young = mature[50].txs[0];
        expect_reject(Mine(*n.chain.Tip(), {Spend(young, 0, 1000)}), "bad-txns-premature-spend-of-coinbase");
    }
    // Outputs worth more than the inputs.
    {
        expect_reject(Mine(*n.chain.Tip(), {Spend(coinbase1, 0, value + 1)}), "bad-txns-in-belowout");
    }
    // A coinbase without the BIP34 height.
    {
        Block b = Mine(*n.chain.Tip());
        b.txs[0].inputs[0].script_sig = {0x00, 0x00};
        b.txs[0].outputs.pop_back();  // the old commitment; re-added with the new merkle root
        AddWitnessCommitment(b);
        b = *SolveBlock(b, Regtest());
        expect_reject(b, "bad-cb-height");
    }
    // A script that fails: OP_RETURN in the scriptSig, run before the spent OP_TRUE script.
    {
        Tx spend = Spend(coinbase1, 0, value - 1000);
        spend.inputs[0].script_sig = {0x6a};
        expect_reject(Mine(*n.chain.Tip(), {spend}, {}, 1000), "mandatory-script-verify-flag-failed");
    }
    // A timestamp not after the median time past.
    {
        Block b = Mine(*n.chain.Tip());
        b.header.time = static_cast<uint32_t>(n.chain.Tip()->GetMedianTimePast());
        b = *SolveBlock(b, Regtest());
        expect_reject(b, "time-too-old");
    }
    // The valid spend goes through, with its fee claimed by the coinbase.
    {
        Block ok = Mine(*n.chain.Tip(), {Spend(coinbase1, 0, value - 1000)}, {}, 1000);
        auto r = n.chain.ProcessBlock(ok, NOW);
        EXPECT_TRUE(r) << Reason(r);
        EXPECT_EQ(n.chain.Tip()->hash, ok.header.ComputeHash());
    }
}

// After the transactions of `b` were changed: a fresh witness commitment, merkle root and
// proof of work, so that only the change itself can be wrong.
Block Recommit(Block b) {
    b.txs[0].outputs.pop_back();
    AddWitnessCommitment(b);
    auto solved = SolveBlock(b, Regtest());
    EXPECT_TRUE(solved);
    return solved ? *solved : b;
}

// The rules of block structure and lock times, one block each, through the whole chainstate:
// rejected with the reason Bitcoin Core gives, tip unchanged, and the valid block of the same
// shape still accepted afterwards where a mutated copy shares its hash.
TEST(Chainstate, EachStructuralRuleRejectsItsBlock) {
    Node n;
    const auto mature = Extend(n, 110);
    auto coinbase = [&mature](int i) -> const Tx& { return mature[static_cast<size_t>(i)].txs[0]; };
    const primitives::Amount value = coinbase(0).outputs[0].value;

    auto expect_reject = [&n](const Block& block, const std::string& reason) {
        const primitives::BlockHash before = n.chain.Tip()->hash;
        auto r = n.chain.ProcessBlock(block, NOW);
        EXPECT_EQ(Reason(r), reason);
        EXPECT_EQ(n.chain.Tip()->hash, before) << reason;
    };
    auto expect_accept = [&n](const Block& block) {
        auto r = n.chain.ProcessBlock(block, NOW);
        EXPECT_TRUE(r) << Reason(r);
        EXPECT_EQ(n.chain.Tip()->hash, block.header.ComputeHash());
    };

    // Header rules, checked before any transaction is looked at.
    {
        Block b = Mine(*n.chain.Tip());
        while (consensus::CheckProofOfWork(b.header.ComputeHash(), b.header.bits, Regtest())) ++b.header.nonce;
        expect_reject(b, "high-hash");
    }
    {
        Block b = Mine(*n.chain.Tip());
        b.header.bits = 0x207ffffe;  // easier for nobody, but not what regtest demands
        expect_reject(*SolveBlock(b, Regtest()), "bad-diffbits");
    }
    {
        Block b = Mine(*n.chain.Tip());
        b.header.time = static_cast<uint32_t>(NOW + MAX_FUTURE_BLOCK_TIME + 1);
        expect_reject(*SolveBlock(b, Regtest()), "time-too-new");
    }
    {
        Block b = Mine(*n.chain.Tip());
        b.header.version = 3;  // BIP65 (version 4) is in force from height 1 on regtest
        expect_reject(*SolveBlock(b, Regtest()), "bad-version");
    }
    // Merkle root: a changed root, and the CVE-2012-2459 mutation that keeps the root.
    {
        Block b = Mine(*n.chain.Tip());
        b.header.merkle_root = util::Uint256{};
        expect_reject(*SolveBlock(b, Regtest()), "bad-txnmrklroot");
    }
    {
        Tx a = Spend(coinbase(0), 0, value - 1000);
        Tx c = Spend(coinbase(1), 0, value - 1000);
        const Block valid = Mine(*n.chain.Tip(), {a, c}, {}, 2000);
        Block mutated = valid;
        mutated.txs.push_back(c);  // three leaves hash like four with the last repeated
        ASSERT_EQ(primitives::BlockMerkleRoot(mutated).root, valid.header.merkle_root);
        ASSERT_EQ(mutated.header.ComputeHash(), valid.header.ComputeHash());
        expect_reject(mutated, "bad-txns-duplicate");
        // The mutated copy must not have poisoned the hash it shares with the real block.
        expect_accept(valid);
    }
    // Coinbase placement and shape.
    {
        Block b = Mine(*n.chain.Tip(), {Spend(coinbase(2), 0, value)});
        std::swap(b.txs[0], b.txs[1]);
        b.header.merkle_root = primitives::BlockMerkleRoot(b).root;
        expect_reject(*SolveBlock(b, Regtest()), "bad-cb-missing");
    }
    {
        Block b = Mine(*n.chain.Tip());
        b.txs.push_back(MakeCoinbase(n.chain.Chain().Height() + 1, OP_TRUE_SCRIPT, 1, {0x01}));
        expect_reject(Recommit(b), "bad-cb-multiple");
    }
    {
        Block b = Mine(*n.chain.Tip());
        b.txs[0].inputs[0].script_sig.resize(101, 0x00);
        expect_reject(Recommit(b), "bad-cb-length");
    }
    // One transaction spending the same coin twice.
    {
        Tx t = Spend(coinbase(2), 0, value - 1000);
        t.inputs.push_back(t.inputs[0]);
        expect_reject(Mine(*n.chain.Tip(), {t}, {}, 1000), "bad-txns-inputs-duplicate");
    }
    // Size, weight and signature operations.
    {
        Tx t = Spend(coinbase(2), 0, value - 1000);
        t.outputs.push_back({0, util::Bytes(consensus::MAX_BLOCK_WEIGHT / 4, 0x6a)});
        expect_reject(Mine(*n.chain.Tip(), {t}, {}, 1000), "bad-blk-length");
    }
    {
        // Witness bytes weigh one unit each against four for the rest: 4 MB of witness
        // passes the stripped-size check but not the weight limit.
        Tx t = Spend(coinbase(2), 0, value - 1000);
        t.inputs[0].witness = {util::Bytes(consensus::MAX_BLOCK_WEIGHT, 0x00)};
        expect_reject(Mine(*n.chain.Tip(), {t}, {}, 1000), "bad-blk-weight");
    }
    {
        // Legacy sigops cost 4 each: one more than 80,000 / 4 OP_CHECKSIGs in an output.
        Tx t = Spend(coinbase(2), 0, value - 1000);
        t.outputs.push_back({0, util::Bytes(consensus::MAX_BLOCK_SIGOPS_COST / 4 + 1, 0xac)});
        expect_reject(Mine(*n.chain.Tip(), {t}, {}, 1000), "bad-blk-sigops");
    }
    // A witness commitment that does not match the witnesses.
    {
        Block b = Mine(*n.chain.Tip());
        b.txs[0].outputs.back().script_pubkey.back() ^= 0x01;
        b.header.merkle_root = primitives::BlockMerkleRoot(b).root;
        expect_reject(*SolveBlock(b, Regtest()), "bad-witness-merkle-match");
    }
    // BIP113: a time lock is judged against the median time past, not the block's own time.
    {
        const BlockIndex& tip = *n.chain.Tip();
        Tx t = Spend(coinbase(2), 0, value - 1000);
        t.inputs[0].sequence = 0;  // not final, so the lock time counts
        t.locktime = static_cast<uint32_t>(tip.GetMedianTimePast());
        Block b = Mine(tip, {t}, {}, 1000);
        ASSERT_GT(b.header.time, t.locktime);  // final by block time, not by MTP
        expect_reject(b, "bad-txns-nonfinal");
        t.locktime -= 1;
        expect_accept(Mine(tip, {t}, {}, 1000));
    }
    // BIP68: an input confirmed one block ago, locked for five blocks.
    {
        const Tx parent = Spend(coinbase(3), 0, value - 1000);
        expect_accept(Mine(*n.chain.Tip(), {parent}, {}, 1000));
        Tx child = Spend(parent, 0, value - 2000);
        child.version = 2;
        child.inputs[0].sequence = 5;
        expect_reject(Mine(*n.chain.Tip(), {child}, {}, 1000), "bad-txns-nonfinal");
        child.version = 1;  // sequence locks apply to version 2 and later only
        expect_accept(Mine(*n.chain.Tip(), {child}, {}, 1000));
    }
    // BIP30: a transaction whose outputs are still unspent may not appear again.
    {
        const Tx t = Spend(coinbase(4), 0, value - 1000);
        expect_accept(Mine(*n.chain.Tip(), {t}, {}, 1000));
        expect_reject(Mine(*n.chain.Tip(), {t}, {}, 1000), "bad-txns-BIP30");
    }
}

TEST(Chainstate, MoreWorkWinsAndEqualWorkKeepsTheFirst) {
    Node n;
    Extend(n, 5);
    const BlockIndex* fork = n.chain.Tip();
    // Branch A: two blocks. Branch B: two blocks of equal work, seen later: A stays.
    Block a1 = Mine(*fork, {}, {0x0a});
    ASSERT_TRUE(n.chain.ProcessBlock(a1, NOW));
    Block a2 = Mine(*n.chain.Tip(), {}, {0x0a});
    ASSERT_TRUE(n.chain.ProcessBlock(a2, NOW));
    Block b1 = Mine(*fork, {}, {0x0b});
    ASSERT_TRUE(n.chain.ProcessBlock(b1, NOW));
    const BlockIndex* b1_index = n.chain.Tree().Lookup(b1.header.ComputeHash());
    ASSERT_NE(b1_index, nullptr);
    Block b2 = Mine(*b1_index, {}, {0x0b});
    ASSERT_TRUE(n.chain.ProcessBlock(b2, NOW));
    EXPECT_EQ(n.chain.Tip()->hash, a2.header.ComputeHash());
    // A third block on B: more work, reorganise.
    Block b3 = Mine(*n.chain.Tree().Lookup(b2.header.ComputeHash()), {}, {0x0b});
    ASSERT_TRUE(n.chain.ProcessBlock(b3, NOW));
    EXPECT_EQ(n.chain.Tip()->hash, b3.header.ComputeHash());
    EXPECT_EQ(n.chain.Chain().Height(), 8);
}

TEST(Chainstate, DeepReorgRestoresTheUtxoSetExactly) {
    Node n;
    Extend(n, 110);
    const BlockIndex* fork = n.chain.Tip();
    // Spend a coinbase on the first branch so the UTXO sets of the branches differ.
    const Block first = *n.store->ReadBlock(n.chain.Chain().At(1)->data_pos);
    const Tx& cb = first.txs[0];
    Block spend_block = Mine(*fork, {Spend(cb, 0, cb.outputs[0].value - 500)}, {}, 500);
    ASSERT_TRUE(n.chain.ProcessBlock(spend_block, NOW));
    Extend(n, 119);  // branch A: 120 blocks above the fork
    ASSERT_TRUE(n.chain.Flush(true));
    const auto utxos_a = n.coins_db.coins();

    // Branch B: 121 blocks from the fork, built without the spend.
    const BlockIndex* tip_b = fork;
    for (int i = 0; i < 121; ++i) {
        Block b = Mine(*tip_b, {}, {0x0b});
        ASSERT_TRUE(n.chain.ProcessBlock(b, NOW)) << i;
        tip_b = n.chain.Tree().Lookup(b.header.ComputeHash());
    }
    EXPECT_EQ(n.chain.Tip(), tip_b);
    EXPECT_EQ(n.chain.Chain().Height(), 110 + 121);
    ASSERT_TRUE(n.chain.Flush(true));
    // The spent coinbase is unspent again on branch B.
    EXPECT_TRUE(n.coins_db.HaveCoin({primitives::ComputeTxid(cb), 0}));
    EXPECT_NE(n.coins_db.coins(), utxos_a);
}

TEST(Chainstate, InvalidBlockInTheHeavierBranchFallsBack) {
    Node n;
    const auto base = Extend(n, 101);
    const BlockIndex* fork = n.chain.Tip();
    Extend(n, 2);  // branch A: fork + 2
    const primitives::BlockHash tip_a = n.chain.Tip()->hash;

    // Branch B: b0, b1 (spends a coin that does not exist, which only connecting can tell),
    // b2. Until b2 arrives, B has no more work than A, so nothing of B is connected.
    Block b0 = Mine(*fork, {}, {0x0b});
    ASSERT_TRUE(n.chain.ProcessBlock(b0, NOW));
    Block b1 = Mine(*n.chain.Tree().Lookup(b0.header.ComputeHash()), {Spend(base[0].txs[0], 5, 1000)}, {0x0b});
    ASSERT_TRUE(n.chain.ProcessBlock(b1, NOW));  // stored; equal work, A was first
    EXPECT_EQ(n.chain.Tip()->hash, tip_a);
    Block b2 = Mine(*n.chain.Tree().Lookup(b1.header.ComputeHash()), {}, {0x0b});
    // More work: the chainstate reorganises onto B, finds b1 invalid and returns to A.
    EXPECT_EQ(Reason(n.chain.ProcessBlock(b2, NOW)), "bad-prevblk");
    EXPECT_EQ(n.chain.Tip()->hash, tip_a);
    const BlockIndex* bad = n.chain.Tree().Lookup(b1.header.ComputeHash());
    ASSERT_NE(bad, nullptr);
    ASSERT_TRUE(n.chain.Tree().FailureReason(*bad));
    EXPECT_EQ(consensus::ReasonString(*n.chain.Tree().FailureReason(*bad)), "bad-txns-inputs-missingorspent");
    EXPECT_TRUE(n.chain.Tree().Lookup(b2.header.ComputeHash())->IsFailed());
    EXPECT_FALSE(n.chain.Tree().Lookup(b0.header.ComputeHash())->IsFailed());
    // Building on the failed branch is refused, and the tip still does not move.
    EXPECT_EQ(Reason(n.chain.ProcessBlock(Mine(*n.chain.Tree().Lookup(b2.header.ComputeHash())), NOW)),
              "bad-prevblk");
    EXPECT_EQ(n.chain.Tip()->hash, tip_a);
}

TEST(Chainstate, ReloadFromStoreContinues) {
    BlockTree tree{Regtest()};
    auto store = MakeMemoryBlockStore();
    MemoryCoinsView coins_db;
    primitives::BlockHash tip;
    {
        Chainstate chain(tree, *store, coins_db, {});
        ASSERT_TRUE(chain.Load());
        for (int i = 0; i < 20; ++i) ASSERT_TRUE(chain.ProcessBlock(Mine(*chain.Tip()), NOW));
        ASSERT_TRUE(chain.Flush(true));
        tip = chain.Tip()->hash;
    }
    BlockTree tree2{Regtest()};
    Chainstate again(tree2, *store, coins_db, {});
    auto loaded = again.Load();
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(again.Tip()->hash, tip);
    EXPECT_EQ(again.Chain().Height(), 20);
    EXPECT_TRUE(again.ProcessBlock(Mine(*again.Tip()), NOW));
}

}  // namespace
}  // namespace tonari::bitcoin::chain

namespace tonari::bitcoin::chain {
namespace {

// Records the observer calls as "+height" / "-height".
struct RecordingObserver : ChainObserver {
    std::vector<std::string> events;
    void BlockConnected(const Block&, const BlockIndex& index) override {
        events.push_back("+" + std::to_string(index.height));
    }
    void BlockDisconnected(const Block&, const BlockIndex& index) override {
        events.push_back("-" + std::to_string(index.height));
    }
};

TEST(Chainstate, InvalidateAndReconsiderMoveTheTipAndTellTheObserver) {
    Node n;
    RecordingObserver observer;
    n.chain.SetObserver(&observer);
    Extend(n, 6);
    const BlockIndex* fork = n.chain.Chain()[3];
    // A shorter side branch of one block on height 3.
    Block side = Mine(*fork, {}, {0x5e});
    ASSERT_TRUE(n.chain.ProcessBlock(side, NOW));
    EXPECT_EQ(n.chain.Chain().Height(), 6);
    observer.events.clear();

    // Invalidating height 5 leaves 4 as the best valid tip (4 beats the side branch's 4 only
    // by arriving first), disconnecting 6 then 5.
    BlockIndex* h5 = const_cast<BlockIndex*>(n.chain.Chain()[5]);
    const primitives::BlockHash h6_hash = n.chain.Tip()->hash;
    ASSERT_TRUE(n.chain.InvalidateBlock(*h5));
    EXPECT_EQ(n.chain.Chain().Height(), 4);
    EXPECT_TRUE(h5->IsFailed());
    EXPECT_TRUE(n.chain.Tree().Lookup(h6_hash)->IsFailed());
    EXPECT_EQ(observer.events, (std::vector<std::string>{"-6", "-5"}));

    // Invalidating height 4 too: the side branch (height 4, equal work to main's 3+1) wins.
    observer.events.clear();
    BlockIndex* h4 = const_cast<BlockIndex*>(n.chain.Chain()[4]);
    ASSERT_TRUE(n.chain.InvalidateBlock(*h4));
    EXPECT_EQ(n.chain.Tip()->hash, side.header.ComputeHash());
    EXPECT_EQ(observer.events, (std::vector<std::string>{"-4", "+4"}));

    // Reconsidering height 5 clears it, its descendant 6 and its ancestor 4: back to 6.
    observer.events.clear();
    ASSERT_TRUE(n.chain.ReconsiderBlock(*h5));
    EXPECT_EQ(n.chain.Tip()->hash, h6_hash);
    EXPECT_FALSE(h4->IsFailed());
    EXPECT_EQ(observer.events, (std::vector<std::string>{"-4", "+4", "+5", "+6"}));

    // The genesis cannot be invalidated.
    EXPECT_FALSE(n.chain.InvalidateBlock(n.chain.Tree().Genesis()));
    n.chain.SetObserver(nullptr);
}

}  // namespace
}  // namespace tonari::bitcoin::chain
