// Tests for ContextualCheckBlock, GetBlockScriptFlags and the BIP30 helpers. The real
// 206-block regtest chain passes at its heights; for each rule a block is modified to break
// exactly that rule (with the witness commitment recomputed where the modification would
// otherwise trip it first) and must fail with Core's reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "bitcoin/chain/block_verify.h"
#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/primitives/hash_writer.h"
#include "bitcoin/primitives/merkle.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::chain {
namespace {

using consensus::ConsensusParams;
using primitives::Block;
using primitives::BlockHash;
using util::Bytes;

const ConsensusParams& Regtest() {
    return consensus::GetParams(encoding::Network::Regtest);
}
const ConsensusParams& Main() {
    return consensus::GetParams(encoding::Network::Main);
}

BlockHash HashHex(std::string_view hex) {
    return BlockHash(util::Uint256::FromHex(hex).value());
}

struct Chain {
    std::vector<Block> blocks;  // blocks[h] is the block at height h (blocks[0]: genesis)
    std::vector<int64_t> times;

    int64_t Mtp(int height) const {
        std::vector<int64_t> w(times.begin() + std::max(0, height - 10), times.begin() + height + 1);
        std::sort(w.begin(), w.end());
        return w[w.size() / 2];
    }
};

const Chain& RegtestChain() {
    static const Chain chain = [] {
        Chain c;
        c.blocks.push_back(Regtest().genesis);
        c.times.push_back(Regtest().genesis.header.time);
        std::istringstream in(test::ReadTestFile("blocks/regtest_block_data.txt"));
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            auto b = primitives::DecodeBlock(test::ParseHexOrFail(line));
            EXPECT_TRUE(b);
            if (!b) continue;
            c.times.push_back(b->header.time);
            c.blocks.push_back(std::move(*b));
        }
        return c;
    }();
    return chain;
}

std::string Reason(const util::Result<void, consensus::BlockValidationError>& r) {
    return r ? std::string("ok") : std::string(consensus::ReasonString(r.error()));
}

std::string Check(const Block& b, int height, const ConsensusParams& params = Regtest()) {
    return Reason(ContextualCheckBlock(b, height, RegtestChain().Mtp(height - 1), params));
}

// Rewrites the (last) commitment to match the block's witnesses and coinbase nonce.
void FixCommitment(Block& b) {
    const auto pos = consensus::FindWitnessCommitment(b);
    ASSERT_TRUE(pos);
    primitives::HashWriter h;
    h.WriteBytes(primitives::BlockWitnessMerkleRoot(b).root.span());
    h.WriteBytes(b.txs[0].inputs[0].witness.at(0));
    const util::Uint256 c = h.GetHashD();
    std::copy(c.begin(), c.end(), b.txs[0].outputs[*pos].script_pubkey.begin() + 6);
}

// The height of the first regtest block with a segwit spend (a non-coinbase tx with witness).
int FirstSegwitSpendHeight() {
    const Chain& c = RegtestChain();
    for (size_t h = 1; h < c.blocks.size(); ++h) {
        for (size_t i = 1; i < c.blocks[h].txs.size(); ++i) {
            if (c.blocks[h].txs[i].HasWitness()) return static_cast<int>(h);
        }
    }
    return -1;
}

TEST(ContextualCheckBlock, RegtestChainPasses) {
    const Chain& c = RegtestChain();
    ASSERT_EQ(c.blocks.size(), 207u);
    int passed = 0;
    for (int h = 1; h < static_cast<int>(c.blocks.size()); ++h) {
        ASSERT_EQ(Check(c.blocks[h], h), "ok") << "height " << h;
        ++passed;
    }
    std::cout << "[vectors] regtest_block_data.txt: " << passed << " blocks pass ContextualCheckBlock\n";
    EXPECT_EQ(passed, 206);
}

TEST(ContextualCheckBlock, EmptyBlockIsMissingItsCoinbase) {
    EXPECT_EQ(Check(Block{}, 1), "bad-cb-missing");
}

// --- BIP34 -------------------------------------------------------------------------------

TEST(Bip34, HeightPrefixEncodings) {
    const std::pair<int, std::string_view> cases[] = {
        {0, "00"},          {1, "51"},           {2, "52"},           {16, "60"},
        {17, "0111"},       {127, "017f"},       {128, "028000"},     {255, "02ff00"},
        {256, "020001"},    {32767, "02ff7f"},   {32768, "03008000"}, {227931, "035b7a03"},
        {8388607, "03ffff7f"}, {8388608, "0400008000"}, {2147483647, "04ffffff7f"},
    };
    for (const auto& [height, hex] : cases) EXPECT_EQ(util::HexEncode(CoinbaseHeightPrefix(height)), hex) << height;
    // The regtest chain was mined by Core, so its coinbases show the same encodings.
    const Chain& c = RegtestChain();
    EXPECT_EQ(c.blocks[1].txs[0].inputs[0].script_sig.at(0), 0x51);
    EXPECT_EQ(c.blocks[16].txs[0].inputs[0].script_sig.at(0), 0x60);
    EXPECT_EQ(util::HexEncode(util::ByteSpan(c.blocks[17].txs[0].inputs[0].script_sig).first(2)), "0111");
    EXPECT_EQ(util::HexEncode(util::ByteSpan(c.blocks[128].txs[0].inputs[0].script_sig).first(3)), "028000");
}

TEST(Bip34, WrongHeightIsRefused) {
    const Chain& c = RegtestChain();
    // A block carried to another height.
    EXPECT_EQ(Check(c.blocks[17], 18), "bad-cb-height");
    EXPECT_EQ(Check(c.blocks[16], 17), "bad-cb-height");
    EXPECT_EQ(Check(c.blocks[128], 129), "bad-cb-height");
    // OP_1 where height 1 is due is right; a data push of 1 (01 01) is not.
    Block b = c.blocks[1];
    b.txs[0].inputs[0].script_sig = {0x01, 0x01, 0x00};
    EXPECT_EQ(Check(b, 1), "bad-cb-height");
    // A scriptSig shorter than the prefix.
    b = c.blocks[128];
    b.txs[0].inputs[0].script_sig = {0x02, 0x80};
    EXPECT_EQ(Check(b, 128), "bad-cb-height");
    // Extra bytes after the prefix are allowed.
    b = c.blocks[128];
    b.txs[0].inputs[0].script_sig = {0x02, 0x80, 0x00};
    EXPECT_EQ(Check(b, 128), "ok");
    // Before BIP34 activation nothing is required.
    ConsensusParams early = Regtest();
    early.bip34_height = 200;
    EXPECT_EQ(Check(c.blocks[17], 18, early), "ok");
    EXPECT_EQ(Check(c.blocks[17], 200, early), "bad-cb-height");
}

// --- witness commitment ------------------------------------------------------------------

TEST(WitnessCommitment, NonceMustBeOne32ByteItem) {
    Block b = RegtestChain().blocks[5];
    ASSERT_EQ(Check(b, 5), "ok");
    b.txs[0].inputs[0].witness = {Bytes(33, 0)};
    EXPECT_EQ(Check(b, 5), "bad-witness-nonce-size");
    b.txs[0].inputs[0].witness = {Bytes(31, 0)};
    EXPECT_EQ(Check(b, 5), "bad-witness-nonce-size");
    b.txs[0].inputs[0].witness = {Bytes(32, 0), Bytes(32, 0)};
    EXPECT_EQ(Check(b, 5), "bad-witness-nonce-size");
    b.txs[0].inputs[0].witness = {};
    EXPECT_EQ(Check(b, 5), "bad-witness-nonce-size");
    // Any 32-byte value is allowed, if the commitment covers it.
    b.txs[0].inputs[0].witness = {Bytes(32, 0x42)};
    EXPECT_EQ(Check(b, 5), "bad-witness-merkle-match");
    FixCommitment(b);
    EXPECT_EQ(Check(b, 5), "ok");
}

TEST(WitnessCommitment, CommitmentMustMatch) {
    Block b = RegtestChain().blocks[5];
    const auto pos = consensus::FindWitnessCommitment(b);
    ASSERT_TRUE(pos);
    b.txs[0].outputs[*pos].script_pubkey[20] ^= 0x01;
    EXPECT_EQ(Check(b, 5), "bad-witness-merkle-match");
    // The last commitment output counts: a correct one after a wrong one passes ...
    Block two = RegtestChain().blocks[5];
    const auto good = two.txs[0].outputs[*pos];
    two.txs[0].outputs[*pos].script_pubkey[20] ^= 0x01;
    two.txs[0].outputs.push_back(good);
    EXPECT_EQ(Check(two, 5), "ok");
    // ... and a wrong one after a correct one fails.
    std::swap(two.txs[0].outputs[*pos], two.txs[0].outputs.back());
    EXPECT_EQ(Check(two, 5), "bad-witness-merkle-match");
}

TEST(WitnessCommitment, SegwitSpendWitnessIsCommitted) {
    const int h = FirstSegwitSpendHeight();
    ASSERT_GT(h, 0) << "the regtest chain should contain a segwit spend";
    Block b = RegtestChain().blocks[h];
    ASSERT_EQ(Check(b, h), "ok");
    size_t i = 1;
    while (!b.txs[i].HasWitness()) ++i;
    b.txs[i].inputs[0].witness.back().push_back(0x00);  // mutate the witness only
    EXPECT_EQ(Check(b, h), "bad-witness-merkle-match");
    EXPECT_TRUE(consensus::IsMutation(consensus::BlockError::BadWitnessMerkleMatch));
    FixCommitment(b);
    EXPECT_EQ(Check(b, h), "ok");
}

TEST(WitnessCommitment, WitnessWithoutCommitmentIsUnexpected) {
    Block b = RegtestChain().blocks[5];
    const auto pos = consensus::FindWitnessCommitment(b);
    ASSERT_TRUE(pos);
    b.txs[0].outputs.erase(b.txs[0].outputs.begin() + static_cast<std::ptrdiff_t>(*pos));
    EXPECT_EQ(Check(b, 5), "unexpected-witness");  // the coinbase nonce is witness data
    b.txs[0].inputs[0].witness.clear();
    EXPECT_EQ(Check(b, 5), "ok");  // a block without commitment and without witnesses

    // A segwit spend with the commitment removed.
    const int h = FirstSegwitSpendHeight();
    Block s = RegtestChain().blocks[h];
    const auto spos = consensus::FindWitnessCommitment(s);
    s.txs[0].outputs.erase(s.txs[0].outputs.begin() + static_cast<std::ptrdiff_t>(*spos));
    s.txs[0].inputs[0].witness.clear();
    EXPECT_EQ(Check(s, h), "unexpected-witness");
}

TEST(WitnessCommitment, BeforeSegwitNoWitnessAtAll) {
    ConsensusParams pre = Regtest();
    pre.segwit_height = 1000;
    Block b = RegtestChain().blocks[5];
    // Commitment and nonce are present, but before activation they are not recognised.
    EXPECT_EQ(Check(b, 5, pre), "unexpected-witness");
    b.txs[0].inputs[0].witness.clear();
    EXPECT_EQ(Check(b, 5, pre), "ok");  // the commitment output itself is just an OP_RETURN
    EXPECT_EQ(Check(b, 5), "bad-witness-nonce-size");  // but after activation it needs its nonce
}

// --- weight ------------------------------------------------------------------------------

TEST(BlockWeight, LimitIsInclusive) {
    const int h = FirstSegwitSpendHeight();
    Block b = RegtestChain().blocks[h];
    size_t i = 1;
    while (!b.txs[i].HasWitness()) ++i;
    auto& item = b.txs[i].inputs[0].witness.back();
    // Grow a witness item until the block weighs exactly MAX_BLOCK_WEIGHT (witness bytes weigh
    // one unit each, so this converges once the item's length prefix stops growing).
    for (int round = 0; round < 5; ++round) {
        const int64_t w = primitives::BlockWeight(b);
        if (w == consensus::MAX_BLOCK_WEIGHT) break;
        item.resize(static_cast<size_t>(static_cast<int64_t>(item.size()) + consensus::MAX_BLOCK_WEIGHT - w));
    }
    ASSERT_EQ(primitives::BlockWeight(b), consensus::MAX_BLOCK_WEIGHT);
    FixCommitment(b);
    EXPECT_EQ(Check(b, h), "ok");
    item.push_back(0);
    FixCommitment(b);
    ASSERT_EQ(primitives::BlockWeight(b), consensus::MAX_BLOCK_WEIGHT + 1);
    EXPECT_EQ(Check(b, h), "bad-blk-weight");
    // Weight is judged only after the commitment: an uncommitted fat witness is a mutation.
    item.push_back(0);
    EXPECT_EQ(Check(b, h), "bad-witness-merkle-match");
}

// --- lock times --------------------------------------------------------------------------

TEST(ContextualCheckBlock, NonFinalTransactions) {
    const Chain& c = RegtestChain();
    const int h = 150;
    Block b = c.blocks[h];
    // The coinbase's own lock time is checked too (and its wtxid is not committed, so this
    // changes nothing else).
    b.txs[0].inputs[0].sequence = 0xfffffffe;
    b.txs[0].locktime = h;
    EXPECT_EQ(Check(b, h), "bad-txns-nonfinal");
    b.txs[0].locktime = h - 1;
    EXPECT_EQ(Check(b, h), "ok");
    b.txs[0].inputs[0].sequence = 0xffffffff;
    b.txs[0].locktime = h + 1000;
    EXPECT_EQ(Check(b, h), "ok");  // final sequence: the lock is ignored
}

TEST(ContextualCheckBlock, Bip113UsesMedianTimePast) {
    const Chain& c = RegtestChain();
    const int h = 150;
    const int64_t mtp = c.Mtp(h - 1);
    Block b = c.blocks[h];
    ASSERT_GT(static_cast<int64_t>(b.header.time), mtp);
    b.txs[0].inputs[0].sequence = 0;
    b.txs[0].locktime = static_cast<uint32_t>(mtp);
    EXPECT_EQ(Check(b, h), "bad-txns-nonfinal");
    b.txs[0].locktime = static_cast<uint32_t>(mtp - 1);
    EXPECT_EQ(Check(b, h), "ok");
    // Before CSV the block's own (later) timestamp is the cutoff.
    ConsensusParams pre = Regtest();
    pre.csv_height = 1000;
    b.txs[0].locktime = static_cast<uint32_t>(mtp);
    EXPECT_EQ(Check(b, h, pre), "ok");
    b.txs[0].locktime = b.header.time;
    EXPECT_EQ(Check(b, h, pre), "bad-txns-nonfinal");
    b.txs[0].locktime = b.header.time - 1;
    EXPECT_EQ(Check(b, h, pre), "ok");
}

// --- script flags ------------------------------------------------------------------------

TEST(BlockScriptFlags, MainnetBuriedHeights) {
    using namespace script;
    const ConsensusParams& p = Main();
    const BlockHash any = HashHex(std::string(62, '0') + "ab");
    const ScriptFlags base = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT;
    struct Row {
        int height;
        ScriptFlags expect;
    };
    const Row rows[] = {
        {0, base},
        {1, base},
        {363'724, base},
        {363'725, base | SCRIPT_VERIFY_DERSIG},
        {388'380, base | SCRIPT_VERIFY_DERSIG},
        {388'381, base | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY},
        {419'327, base | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY},
        {419'328, base | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY | SCRIPT_VERIFY_CHECKSEQUENCEVERIFY},
        {481'823, base | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY | SCRIPT_VERIFY_CHECKSEQUENCEVERIFY},
        {481'824, base | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY | SCRIPT_VERIFY_CHECKSEQUENCEVERIFY |
                      SCRIPT_VERIFY_NULLDUMMY},
        {900'000, MANDATORY_SCRIPT_VERIFY_FLAGS},
    };
    for (const Row& r : rows) {
        EXPECT_EQ(FormatScriptFlags(GetBlockScriptFlags(r.height, any, p)), FormatScriptFlags(r.expect)) << r.height;
    }
    EXPECT_EQ(GetBlockScriptFlags(900'000, any, p), MANDATORY_SCRIPT_VERIFY_FLAGS);
}

TEST(BlockScriptFlags, MainnetExceptionBlocks) {
    using namespace script;
    const ConsensusParams& p = Main();
    // Block 170,060 broke BIP16 before it was enforced: no flags at all.
    const BlockHash bip16 = HashHex("00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22");
    EXPECT_EQ(GetBlockScriptFlags(170'060, bip16, p), SCRIPT_VERIFY_NONE);
    // Block 692,261 spent a v1 witness output before taproot: everything but TAPROOT.
    const BlockHash taproot = HashHex("0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad");
    EXPECT_EQ(GetBlockScriptFlags(692'261, taproot, p), MANDATORY_SCRIPT_VERIFY_FLAGS & ~SCRIPT_VERIFY_TAPROOT);
    // The exception follows the hash, not the height.
    const BlockHash other = HashHex(std::string(62, '0') + "cd");
    EXPECT_EQ(GetBlockScriptFlags(692'261, other, p), MANDATORY_SCRIPT_VERIFY_FLAGS);
    EXPECT_EQ(GetBlockScriptFlags(170'060, other, p), SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT);
    // Testnet3's BIP16 exception is not mainnet's.
    const auto& test3 = consensus::GetParams(encoding::Network::Testnet3);
    const BlockHash t3 = HashHex("00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105");
    EXPECT_EQ(GetBlockScriptFlags(1, t3, test3), SCRIPT_VERIFY_NONE);
    EXPECT_EQ(GetBlockScriptFlags(1, t3, p), SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT);
}

TEST(BlockScriptFlags, RegtestHasEverythingFromHeightOne) {
    const BlockHash any = HashHex(std::string(62, '0') + "ab");
    EXPECT_EQ(GetBlockScriptFlags(1, any, Regtest()), script::MANDATORY_SCRIPT_VERIFY_FLAGS);
    // Height 0: segwit (height 0 on regtest) but not the rules buried at height 1.
    EXPECT_EQ(GetBlockScriptFlags(0, any, Regtest()),
              script::SCRIPT_VERIFY_P2SH | script::SCRIPT_VERIFY_WITNESS | script::SCRIPT_VERIFY_TAPROOT |
                  script::SCRIPT_VERIFY_NULLDUMMY);
}

// --- BIP30 -------------------------------------------------------------------------------

TEST(Bip30, HistoricalExceptions) {
    const BlockHash r1 = HashHex("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec");
    const BlockHash r2 = HashHex("00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721");
    const BlockHash u1 = HashHex("00000000000271a2dc26e7667f8419f2e15416dc6955e5a6c6cdf3f2574dd08e");
    const BlockHash u2 = HashHex("00000000000af0aed4792b1acee3d966af36cf5def14935db8de83d6f9306f2f");
    EXPECT_TRUE(IsBip30Repeat(91842, r1));
    EXPECT_TRUE(IsBip30Repeat(91880, r2));
    EXPECT_FALSE(IsBip30Repeat(91880, r1));  // height and hash must both match
    EXPECT_FALSE(IsBip30Repeat(91843, r1));
    EXPECT_FALSE(IsBip30Repeat(91842, u1));
    EXPECT_TRUE(IsBip30Unspendable(91722, u1));
    EXPECT_TRUE(IsBip30Unspendable(91812, u2));
    EXPECT_FALSE(IsBip30Unspendable(91812, u1));
    EXPECT_FALSE(IsBip30Unspendable(91842, r1));
}

TEST(Bip30, WhenToEnforce) {
    const ConsensusParams& p = Main();
    const BlockHash any = HashHex(std::string(62, '0') + "ef");
    const BlockHash repeat = HashHex("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec");
    const BlockHash bip34 = p.bip34_hash;
    ASSERT_EQ(bip34.ToHex(), "000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8");
    ASSERT_EQ(p.bip34_height, 227931);
    EXPECT_TRUE(ShouldEnforceBip30(91841, any, std::nullopt, p));
    EXPECT_FALSE(ShouldEnforceBip30(91842, repeat, std::nullopt, p));
    EXPECT_TRUE(ShouldEnforceBip30(91842, any, std::nullopt, p));
    // Up to and including the BIP34 block its parent chain cannot contain it yet.
    EXPECT_TRUE(ShouldEnforceBip30(227931, any, std::nullopt, p));
    // Above it, on the chain through the real BIP34 block: skipped ...
    EXPECT_FALSE(ShouldEnforceBip30(227932, any, bip34, p));
    EXPECT_FALSE(ShouldEnforceBip30(BIP34_IMPLIES_BIP30_LIMIT - 1, any, bip34, p));
    // ... but not on a chain with another block there ...
    EXPECT_TRUE(ShouldEnforceBip30(227932, any, any, p));
    // ... and never from 1,983,702, where old coinbases' "heights" come due.
    EXPECT_TRUE(ShouldEnforceBip30(BIP34_IMPLIES_BIP30_LIMIT, any, bip34, p));
    EXPECT_TRUE(ShouldEnforceBip30(BIP34_IMPLIES_BIP30_LIMIT + 1000, any, bip34, p));
    // Regtest (bip34_hash null): always enforced.
    EXPECT_TRUE(ShouldEnforceBip30(100, any, RegtestChain().blocks[1].header.ComputeHash(), Regtest()));
}

TEST(Bip30, OverwritingAnUnspentOutputFails) {
    const Block& b = RegtestChain().blocks[150];
    ASSERT_GE(b.txs.size(), 1u);
    MemoryCoinsView base;
    CoinsViewCache cache(base, 1, 2);
    EXPECT_EQ(Reason(CheckBip30(b, cache)), "ok");
    // An unspent coin where the block's last transaction would put its second output ...
    const size_t last = b.txs.size() - 1;
    const auto txid = primitives::ComputeTxid(b.txs[last]);
    const uint32_t index = b.txs[last].outputs.size() > 1 ? 1 : 0;
    base.Put({txid, index}, Coin{{1, {0x51}}, 3, false});
    auto r = CheckBip30(b, cache);
    ASSERT_FALSE(r);
    EXPECT_EQ(consensus::ReasonString(r.error()), "bad-txns-BIP30");
    EXPECT_EQ(r.error().tx_index, last);
    // Spent (in the cache) it no longer counts.
    ASSERT_TRUE(cache.SpendCoin({txid, index}));
    std::vector<primitives::Txid> txids;
    for (const auto& tx : b.txs) txids.push_back(primitives::ComputeTxid(tx));
    EXPECT_EQ(Reason(CheckBip30(b, txids, cache)), "ok");
}

}  // namespace
}  // namespace tonari::bitcoin::chain
