// Tests for the contextual header rules and AcceptHeader:
//   - the 206 real regtest blocks' headers and the first two real signet blocks' headers are
//     accepted in order from genesis (proof of work, no retarget, median-time-past);
//   - each rule has a header that breaks exactly it (regtest headers are re-mined so proof of
//     work never masks the rule under test);
//   - difficulty: mainnet retargets at period boundaries with Bitcoin Core's pow_tests values,
//     the testnet min-difficulty rule and its walk back, BIP94's period-start base and the
//     timewarp limit, using chains of index entries built in memory (mainnet-difficulty
//     headers cannot be mined in a test, and these functions read only the entries).
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "bitcoin/chain/block_tree.h"
#include "bitcoin/chain/header_check.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/pow.h"
#include "test_data.h"

namespace tonari::bitcoin::chain {
namespace {

using consensus::BlockError;
using consensus::BlockValidationError;
using consensus::ConsensusParams;
using consensus::GetParams;
using encoding::Network;
using primitives::BlockHeader;

constexpr uint32_t LIMIT_BITS = 0x1d00ffff;  // mainnet / testnet pow limit
constexpr uint32_t REAL_BITS = 0x1c0ffff0;   // some harder difficulty
constexpr int32_t MODERN_VERSION = 0x20000000;

std::vector<primitives::Block> RegtestBlocks() {
    std::vector<primitives::Block> out;
    std::istringstream lines(test::ReadTestFile("blocks/regtest_block_data.txt"));
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        auto block = primitives::DecodeBlock(test::ParseHexOrFail(line));
        EXPECT_TRUE(block);
        if (block) out.push_back(std::move(*block));
    }
    return out;
}

// Rolls the nonce until the header meets (or, with `fail`, misses) its own target.
BlockHeader Mine(BlockHeader h, const ConsensusParams& params, bool fail = false) {
    while (consensus::CheckProofOfWork(h.ComputeHash(), h.bits, params) == fail) ++h.nonce;
    return h;
}

BlockHeader Next(const BlockIndex& prev, uint32_t time, uint32_t bits, int32_t version = MODERN_VERSION) {
    BlockHeader h;
    h.version = version;
    h.prev_block = prev.hash;
    h.time = time;
    h.bits = bits;
    return h;
}

// Index entries linked by prev only, starting at any height: enough for the rules, which
// look at the parent, its median-time-past and its ancestors.
class FloatingChain {
public:
    BlockIndex& Add(int height, uint32_t time, uint32_t bits) {
        auto e = std::make_unique<BlockIndex>();
        e->height = height;
        e->time = time;
        e->bits = bits;
        e->version = MODERN_VERSION;
        e->prev = m_entries.empty() ? nullptr : m_entries.back().get();
        e->hash.get().data()[0] = static_cast<uint8_t>(height);
        e->hash.get().data()[1] = static_cast<uint8_t>(height >> 8);
        e->hash.get().data()[2] = static_cast<uint8_t>(height >> 16);
        m_entries.push_back(std::move(e));
        return *m_entries.back();
    }
    // `count` blocks from `first_height`, 600 seconds apart, all with `bits`.
    static FloatingChain Regular(int first_height, int count, uint32_t first_time, uint32_t bits) {
        FloatingChain c;
        for (int i = 0; i < count; ++i)
            c.Add(first_height + i, first_time + 600 * static_cast<uint32_t>(i), bits);
        return c;
    }
    BlockIndex& Tip() { return *m_entries.back(); }
    BlockIndex& At(size_t i) { return *m_entries[i]; }

private:
    std::vector<std::unique_ptr<BlockIndex>> m_entries;
};

BlockError ReasonOf(const util::Result<void, BlockValidationError>& r) {
    EXPECT_FALSE(r);
    return r ? BlockError::HighHash : r.error().reason;
}

// --- real chains ---------------------------------------------------------------------------

TEST(AcceptHeader, RealRegtestChain) {
    const auto& params = GetParams(Network::Regtest);
    const auto blocks = RegtestBlocks();
    ASSERT_EQ(blocks.size(), 206u);
    uint32_t latest = 0;
    for (const auto& b : blocks) latest = std::max(latest, b.header.time);
    const int64_t now = latest;

    BlockTree tree(params);
    int accepted = 0;
    for (const auto& b : blocks) {
        auto r = AcceptHeader(tree, b.header, now);
        ASSERT_TRUE(r) << "height " << accepted + 1 << ": " << consensus::ReasonString(r.error());
        ASSERT_EQ((*r)->height, accepted + 1);
        ASSERT_GT(static_cast<int64_t>(b.header.time), (*r)->prev->GetMedianTimePast());
        ++accepted;
    }
    std::cout << "[vectors] regtest_block_data.txt: " << accepted << " headers accepted\n";
    EXPECT_EQ(accepted, 206);
    EXPECT_EQ(tree.BestHeader().hash.ToHex(),
              "3de082158b117acd088306c395d09771bb7cbf0b7355796c1b1e0bd748ef9bed");
    EXPECT_EQ(tree.BestHeader().chain_work, consensus::ArithUint256(207 * 2));
    // Known headers come back as the same entry; the genesis too.
    auto again = AcceptHeader(tree, blocks[100].header, now);
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)->height, 101);
    auto genesis = AcceptHeader(tree, params.genesis.header, now);
    ASSERT_TRUE(genesis);
    EXPECT_EQ(*genesis, &tree.Genesis());
    EXPECT_EQ(tree.Size(), 207u);

    // Out of order: the parent must be known first.
    BlockTree fresh(params);
    auto orphan = AcceptHeader(fresh, blocks[1].header, now);
    ASSERT_FALSE(orphan);
    EXPECT_EQ(orphan.error().reason, BlockError::PrevBlockNotFound);
    EXPECT_EQ(fresh.Size(), 1u);
    // The clock matters: two hours and a second before the last block, it is too new.
    BlockTree early(params);
    for (size_t i = 0; i + 1 < blocks.size(); ++i) ASSERT_TRUE(AcceptHeader(early, blocks[i].header, now));
    auto too_new = AcceptHeader(early, blocks.back().header, latest - MAX_FUTURE_BLOCK_TIME - 1);
    ASSERT_FALSE(too_new);
    EXPECT_EQ(too_new.error().reason, BlockError::TimeTooNew);
    EXPECT_TRUE(AcceptHeader(early, blocks.back().header, latest - MAX_FUTURE_BLOCK_TIME));
}

TEST(AcceptHeader, RealSignetHeaders) {
    // The default signet's blocks 1 and 2 (headers of the blocks in signet_test.cpp).
    const auto& params = GetParams(Network::Signet);
    const char* headers[] = {
        "00000020f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000f575c83235984e7dc4afc1f30944"
        "c17"
        "0462e84437ab6f2d52e16878a79e4678bd1914d5fae77031eccf40700",
        "00000020533b53ded9bff4adc94101d32400a144c54edc5ed492a3b26c63b2d686000000b38fef50592017cfafbcab88eb3d"
        "9cf"
        "50b2c801711cad8299495d26df5e54812e7914d5fae77031ecfdd0b00",
    };
    BlockTree tree(params);
    int accepted = 0;
    for (const char* hex : headers) {
        auto header = primitives::DecodeHeader(test::ParseHexOrFail(hex));
        ASSERT_TRUE(header);
        auto r = AcceptHeader(tree, *header, header->time);
        ASSERT_TRUE(r) << consensus::ReasonString(r.error());
        ++accepted;
        // Signet has no min-difficulty rule: a late block still needs the parent's bits.
        BlockHeader late = *header;
        late.time += 3600;
        EXPECT_EQ(GetNextWorkRequired(*(*r)->prev, late, params), (*r)->prev->bits);
    }
    EXPECT_EQ(accepted, 2);
    EXPECT_EQ(tree.BestHeader().height, 2);
}

// --- each rule, on re-mined regtest headers ---------------------------------------------------

class RegtestRules : public ::testing::Test {
protected:
    void SetUp() override {
        for (const auto& b : RegtestBlocks()) ASSERT_TRUE(AcceptHeader(tree, b.header, NOW));
        tip = &tree.BestHeader();
        ASSERT_EQ(tip->height, 206);
    }
    BlockHeader Template() const { return Next(*tip, tip->time + 60, params.genesis.header.bits); }
    util::Result<BlockIndex*, BlockValidationError> Accept(const BlockHeader& h) {
        return AcceptHeader(tree, Mine(h, params), NOW);
    }
    BlockError Reject(const BlockHeader& h) {
        const size_t before = tree.Size();
        auto r = Accept(h);
        EXPECT_FALSE(r);
        EXPECT_EQ(tree.Size(), before);  // refused headers are not remembered
        return r ? BlockError::HighHash : r.error().reason;
    }

    static constexpr int64_t NOW = 1714996522 + 1000;
    const ConsensusParams& params = GetParams(Network::Regtest);
    BlockTree tree{params};
    BlockIndex* tip = nullptr;
};

TEST_F(RegtestRules, TemplatePasses) {
    auto r = Accept(Template());
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)->height, 207);
}

TEST_F(RegtestRules, HighHash) {
    EXPECT_EQ(AcceptHeader(tree, Mine(Template(), params, true), NOW).error().reason, BlockError::HighHash);
    BlockHeader easier = Template();
    easier.bits = 0x2100ffff;  // above the pow limit
    EXPECT_EQ(AcceptHeader(tree, easier, NOW).error().reason, BlockError::HighHash);
}

TEST_F(RegtestRules, BadDiffBits) {
    BlockHeader h = Template();
    h.bits = 0x207ffffe;  // a valid, slightly harder target, but not the required one
    EXPECT_EQ(Reject(h), BlockError::BadDiffBits);
    // Regtest allows min-difficulty blocks, and its pow limit is its only difficulty, so the
    // same bits are required whether or not twenty minutes passed.
    EXPECT_EQ(GetNextWorkRequired(*tip, Next(*tip, tip->time + 1201, 0), params), 0x207fffffu);
    EXPECT_EQ(GetNextWorkRequired(*tip, Next(*tip, tip->time + 1, 0), params), 0x207fffffu);
}

TEST_F(RegtestRules, TimeTooOldAtMedianTimePast) {
    const int64_t mtp = tip->GetMedianTimePast();
    BlockHeader h = Template();
    h.time = static_cast<uint32_t>(mtp);
    EXPECT_EQ(Reject(h), BlockError::TimeTooOld);
    h.time = static_cast<uint32_t>(mtp - 1);
    EXPECT_EQ(Reject(h), BlockError::TimeTooOld);
    h.time = static_cast<uint32_t>(mtp + 1);  // one second later is enough, even before the parent
    ASSERT_LT(h.time, tip->time);
    EXPECT_TRUE(Accept(h));
}

TEST_F(RegtestRules, TimeTooNew) {
    BlockHeader h = Template();
    h.time = static_cast<uint32_t>(NOW + MAX_FUTURE_BLOCK_TIME + 1);
    EXPECT_EQ(Reject(h), BlockError::TimeTooNew);
    h.time = static_cast<uint32_t>(NOW + MAX_FUTURE_BLOCK_TIME);
    EXPECT_TRUE(Accept(h));
}

TEST_F(RegtestRules, BadVersion) {
    // BIP34, 66 and 65 are all enforced from height 1 on regtest.
    for (int32_t v : {-1, 0, 1, 2, 3}) {
        BlockHeader h = Template();
        h.version = v;
        EXPECT_EQ(Reject(h), BlockError::BadVersion) << v;
    }
    BlockHeader h = Template();
    h.version = 4;
    EXPECT_TRUE(Accept(h));
}

TEST_F(RegtestRules, InvalidBranchesStayInvalid) {
    auto a = Accept(Template());
    ASSERT_TRUE(a);
    BlockIndex* bad = *a;
    auto child = Accept(Next(*bad, bad->time + 1, bad->bits));
    ASSERT_TRUE(child);
    const BlockValidationError reason{.reason = BlockError::BadCoinbaseHeight};
    tree.MarkFailed(*bad, reason);

    // Building on either is refused; the headers themselves come back with their reason.
    EXPECT_EQ(Reject(Next(*bad, bad->time + 2, bad->bits)), BlockError::BadPrevBlock);
    EXPECT_EQ(Reject(Next(**child, (*child)->time + 1, bad->bits)), BlockError::BadPrevBlock);
    auto dup = AcceptHeader(tree, bad->GetHeader(), NOW);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error(), reason);
    auto dup_child = AcceptHeader(tree, (*child)->GetHeader(), NOW);
    ASSERT_FALSE(dup_child);
    EXPECT_EQ(dup_child.error().reason, BlockError::BadPrevBlock);
    // The valid parent still takes other children.
    EXPECT_TRUE(Accept(Next(*tip, tip->time + 2, tip->bits)));
}

// --- buried versions at the real mainnet heights --------------------------------------------

TEST(HeaderRules, MainnetBuriedVersionHeights) {
    const auto& main = GetParams(Network::Main);
    struct Case {
        int height;
        int32_t min_version;
    };
    const Case cases[] = {{main.bip34_height, 2}, {main.bip66_height, 3}, {main.bip65_height, 4}};
    int checked = 0;
    for (const auto& c : cases) {
        ASSERT_NE(c.height % 2016, 0);  // not a retarget, so the parent's bits are required
        FloatingChain chain = FloatingChain::Regular(c.height - 12, 12, 1400000000, LIMIT_BITS);
        BlockIndex& prev = chain.Tip();  // height c.height - 1
        const int64_t now = prev.time + 600;
        BlockHeader h = Next(prev, prev.time + 600, LIMIT_BITS, c.min_version - 1);
        EXPECT_EQ(ReasonOf(ContextualCheckBlockHeader(h, prev, now, main)), BlockError::BadVersion)
            << c.height;
        h.version = c.min_version;
        EXPECT_TRUE(ContextualCheckBlockHeader(h, prev, now, main)) << c.height;
        // One block earlier the old version is still fine.
        BlockIndex& before = chain.At(10);
        BlockHeader early = Next(before, before.time + 600, LIMIT_BITS, c.min_version - 1);
        EXPECT_TRUE(ContextualCheckBlockHeader(early, before, now, main)) << c.height;
        checked += 3;
    }
    // Far past all three, only version 4 and up pass (version bits headers included).
    FloatingChain late = FloatingChain::Regular(800001, 12, 1700000000, REAL_BITS);
    for (int32_t v : {1, 2, 3}) {
        EXPECT_EQ(ReasonOf(ContextualCheckBlockHeader(Next(late.Tip(), late.Tip().time + 1, REAL_BITS, v),
                                                      late.Tip(), 1800000000, main)),
                  BlockError::BadVersion);
        ++checked;
    }
    EXPECT_TRUE(ContextualCheckBlockHeader(Next(late.Tip(), late.Tip().time + 1, REAL_BITS, 0x3fffe000),
                                           late.Tip(), 1800000000, main));
    std::cout << "[cases] buried version heights: " << checked + 1 << " checks\n";
    EXPECT_EQ(checked, 12);
}

// --- difficulty --------------------------------------------------------------------------------

// The period ending at `last_height` with the given first/last timestamps (the ones in
// between spread evenly) and bits, ready for the boundary block's required bits.
FloatingChain Period(int last_height, int interval, uint32_t first_time, uint32_t last_time, uint32_t bits) {
    FloatingChain c;
    for (int i = 0; i < interval; ++i) {
        const uint64_t t = first_time + static_cast<uint64_t>(last_time - first_time) *
                                            static_cast<uint64_t>(i) / static_cast<uint64_t>(interval - 1);
        c.Add(last_height - interval + 1 + i, static_cast<uint32_t>(t), bits);
    }
    return c;
}

TEST(Difficulty, MainnetRetargetCoreVectors) {
    const auto& main = GetParams(Network::Main);
    // Bitcoin Core's pow_tests: the last block of a period, its bits and time, and the time of
    // the period's first block.
    struct Case {
        int last_height;
        uint32_t last_bits;
        uint32_t last_time;
        uint32_t first_time;
        uint32_t expected;
    };
    const Case cases[] = {
        {32255, 0x1d00ffff, 1262152739, 1261130161, 0x1d00d86a},  // plain retarget
        {2015, 0x1d00ffff, 1233061996, 1231006505, 0x1d00ffff},   // capped at the pow limit
        {68543, 0x1c05a3f4, 1279297671, 1279008237, 0x1c0168fd},  // clamped: 4x harder at most
        {46367, 0x1c387f6f, 1269211443, 1263163443, 0x1d00e1fd},  // clamped: 4x easier at most
    };
    int checked = 0;
    for (const auto& c : cases) {
        FloatingChain chain = Period(c.last_height, 2016, c.first_time, c.last_time, c.last_bits);
        BlockIndex& prev = chain.Tip();
        ASSERT_EQ(prev.height, c.last_height);
        ASSERT_EQ(prev.GetAncestor(c.last_height - 2015)->time, c.first_time);
        const BlockHeader h = Next(prev, c.last_time + 600, c.expected);
        EXPECT_EQ(GetNextWorkRequired(prev, h, main), c.expected) << c.last_height;
        EXPECT_TRUE(ContextualCheckBlockHeader(h, prev, c.last_time + 600, main)) << c.last_height;
        if (c.expected != c.last_bits) {
            // Keeping the old difficulty across a boundary is bad-diffbits.
            EXPECT_EQ(ReasonOf(ContextualCheckBlockHeader(Next(prev, c.last_time + 600, c.last_bits), prev,
                                                          c.last_time + 600, main)),
                      BlockError::BadDiffBits);
        }
        ++checked;
    }
    std::cout << "[vectors] Core pow_tests via GetNextWorkRequired: " << checked << " cases passed\n";
    EXPECT_EQ(checked, 4);

    // Inside a period mainnet keeps the parent's bits, however late the block.
    FloatingChain inside = FloatingChain::Regular(32256, 5, 1262153000, 0x1d00d86a);
    EXPECT_EQ(GetNextWorkRequired(inside.Tip(), Next(inside.Tip(), inside.Tip().time + 86400, 0), main),
              0x1d00d86au);
    EXPECT_EQ(ReasonOf(ContextualCheckBlockHeader(Next(inside.Tip(), inside.Tip().time + 86400, LIMIT_BITS),
                                                  inside.Tip(), 1300000000, main)),
              BlockError::BadDiffBits);
}

TEST(Difficulty, MinDifficultyRuleAndWalkBack) {
    const auto& t4 = GetParams(Network::Testnet4);
    const auto& t3 = GetParams(Network::Testnet3);
    const auto& main = GetParams(Network::Main);
    const uint32_t t0 = 1714777860;
    int checked = 0;

    // Period start and one more at the real difficulty, then two min-difficulty blocks.
    FloatingChain chain;
    chain.Add(2016, t0, REAL_BITS);
    chain.Add(2017, t0 + 600, REAL_BITS);
    chain.Add(2018, t0 + 2000, LIMIT_BITS);
    BlockIndex& prev = chain.Add(2019, t0 + 3400, LIMIT_BITS);
    for (const ConsensusParams* p : {&t4, &t3}) {
        // Exactly twenty minutes later: no exception; the real difficulty, found behind the
        // min-difficulty blocks.
        EXPECT_EQ(GetNextWorkRequired(prev, Next(prev, prev.time + 1200, 0), *p), REAL_BITS);
        // One second more: the pow limit is allowed.
        EXPECT_EQ(GetNextWorkRequired(prev, Next(prev, prev.time + 1201, 0), *p), LIMIT_BITS);
        EXPECT_EQ(ReasonOf(ContextualCheckBlockHeader(Next(prev, prev.time + 1200, LIMIT_BITS), prev,
                                                      t0 + 9999, *p)),
                  BlockError::BadDiffBits);
        EXPECT_TRUE(ContextualCheckBlockHeader(Next(prev, prev.time + 1200, REAL_BITS), prev, t0 + 9999, *p));
        EXPECT_TRUE(
            ContextualCheckBlockHeader(Next(prev, prev.time + 1201, LIMIT_BITS), prev, t0 + 9999, *p));
        EXPECT_EQ(ReasonOf(ContextualCheckBlockHeader(Next(prev, prev.time + 1201, REAL_BITS), prev,
                                                      t0 + 9999, *p)),
                  BlockError::BadDiffBits);
        checked += 6;
    }
    // Mainnet has no such rule: the parent's bits, min-difficulty or not.
    EXPECT_EQ(GetNextWorkRequired(prev, Next(prev, prev.time + 1201, 0), main), LIMIT_BITS);
    EXPECT_EQ(GetNextWorkRequired(chain.At(1), Next(chain.At(1), chain.At(1).time + 5000, 0), main),
              REAL_BITS);
    checked += 2;

    // The walk stops at the period's first block, whatever its bits.
    FloatingChain from_start;
    from_start.Add(4032, t0, REAL_BITS);
    from_start.Add(4033, t0 + 1300, LIMIT_BITS);
    BlockIndex& p2 = from_start.Add(4034, t0 + 2600, LIMIT_BITS);
    EXPECT_EQ(GetNextWorkRequired(p2, Next(p2, p2.time + 10, 0), t4), REAL_BITS);
    FloatingChain start_is_min;  // possible on testnet3 only (BIP94 forbids it on testnet4)
    start_is_min.Add(4031, t0 - 600, REAL_BITS);
    start_is_min.Add(4032, t0, LIMIT_BITS);
    BlockIndex& p3 = start_is_min.Add(4033, t0 + 1300, LIMIT_BITS);
    EXPECT_EQ(GetNextWorkRequired(p3, Next(p3, p3.time + 10, 0), t3), LIMIT_BITS);
    checked += 2;

    // From the genesis (a whole tree, all at the limit) the walk ends at the genesis.
    BlockTree tree(t4);
    EXPECT_EQ(GetNextWorkRequired(tree.Genesis(), Next(tree.Genesis(), tree.Genesis().time + 1, 0), t4),
              LIMIT_BITS);
    ++checked;
    std::cout << "[cases] min-difficulty rule: " << checked << " checks\n";
    EXPECT_EQ(checked, 17);
}

TEST(Difficulty, Bip94RetargetsFromThePeriodStart) {
    const auto& t4 = GetParams(Network::Testnet4);
    const auto& t3 = GetParams(Network::Testnet3);
    const uint32_t t0 = 1714777860;
    // A period that took exactly two weeks, whose last block is a min-difficulty one.
    FloatingChain chain = Period(4031, 2016, t0, t0 + 14 * 24 * 3600, REAL_BITS);
    BlockIndex& last = chain.Tip();
    last.bits = LIMIT_BITS;
    const BlockHeader h = Next(last, last.time + 600, 0);
    // Testnet4 scales the first block's target (unchanged over exactly two weeks); testnet3
    // scales the last one's, so one min-difficulty block resets the whole next period.
    EXPECT_EQ(GetNextWorkRequired(last, h, t4), REAL_BITS);
    EXPECT_EQ(GetNextWorkRequired(last, h, t3), LIMIT_BITS);
}

TEST(Difficulty, Bip94TimewarpRule) {
    const auto& t4 = GetParams(Network::Testnet4);
    const auto& t3 = GetParams(Network::Testnet3);
    const auto& main = GetParams(Network::Main);
    FloatingChain chain = FloatingChain::Regular(2016, 2016, 1714777860, REAL_BITS);
    BlockIndex& last = chain.Tip();  // height 4031: the next block starts a period
    ASSERT_EQ(last.height, 4031);
    const int64_t now = last.time + 600;
    int checked = 0;
    for (const ConsensusParams* p : {&t4, &t3, &main}) {
        BlockHeader h = Next(last, static_cast<uint32_t>(last.time - MAX_TIMEWARP), 0);
        h.bits = GetNextWorkRequired(last, h, *p);
        ASSERT_GT(static_cast<int64_t>(h.time), last.GetMedianTimePast());
        EXPECT_TRUE(ContextualCheckBlockHeader(h, last, now, *p)) << p->name;
        h.time -= 1;  // ten minutes and a second before its parent
        auto r = ContextualCheckBlockHeader(h, last, now, *p);
        if (p->enforce_bip94) {
            EXPECT_EQ(ReasonOf(r), BlockError::TimewarpAttack) << p->name;
        } else {
            EXPECT_TRUE(r) << p->name;
        }
        checked += 2;
    }
    // Only the first block of a period is limited: inside one, the median-time-past is the
    // only lower bound.
    BlockIndex& inside = chain.At(2014);  // height 4030
    BlockHeader h = Next(inside, static_cast<uint32_t>(inside.time - MAX_TIMEWARP - 1), 0);
    h.bits = GetNextWorkRequired(inside, h, t4);
    EXPECT_TRUE(ContextualCheckBlockHeader(h, inside, now, t4));
    ++checked;
    // time-too-old is checked before the timewarp rule.
    BlockHeader old = Next(last, static_cast<uint32_t>(last.GetMedianTimePast()), 0);
    old.bits = GetNextWorkRequired(last, old, t4);
    EXPECT_EQ(ReasonOf(ContextualCheckBlockHeader(old, last, now, t4)), BlockError::TimeTooOld);
    ++checked;
    std::cout << "[cases] BIP94 timewarp: " << checked << " checks\n";
    EXPECT_EQ(checked, 8);
}

}  // namespace
}  // namespace tonari::bitcoin::chain
