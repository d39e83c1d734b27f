// Tests for the block index, the block tree and the active chain: skip-pointer ancestors
// against a plain walk, median-time-past, best-header and tip-candidate choice across forks
// (more work wins, equal work goes to the first seen), invalid subtrees, locators, and the
// stored record (round trip, corrupt records, reloading a whole tree).
// Headers here are synthetic and inserted with AddHeader, which checks nothing, so any
// work, time and shape can be built; header rules are tested in header_check_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "bitcoin/chain/active_chain.h"
#include "bitcoin/chain/block_index.h"
#include "bitcoin/chain/block_tree.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::chain {
namespace {

using consensus::ArithUint256;
using consensus::BlockError;
using consensus::BlockValidationError;
using consensus::GetParams;
using encoding::Network;
using primitives::BlockHeader;

constexpr uint32_t REGTEST_BITS = 0x207fffff;  // work 2 per block
constexpr uint32_t HARDER_BITS = 0x1f00ffff;   // much more work per block

const consensus::ConsensusParams& Regtest() {
    return GetParams(Network::Regtest);
}

// A child of `prev`; `salt` makes siblings distinct.
BlockHeader Child(const BlockIndex& prev, uint32_t salt, uint32_t bits = REGTEST_BITS) {
    BlockHeader h;
    h.version = 4;
    h.prev_block = prev.hash;
    h.merkle_root.data()[0] = static_cast<uint8_t>(salt);
    h.merkle_root.data()[1] = static_cast<uint8_t>(salt >> 8);
    h.time = prev.time + 600;
    h.bits = bits;
    h.nonce = salt;
    return h;
}

BlockIndex* Extend(BlockTree& tree, BlockIndex* tip, int n, uint32_t salt, uint32_t bits = REGTEST_BITS) {
    for (int i = 0; i < n; ++i) {
        tip = tree.AddHeader(Child(*tip, salt * 100000 + static_cast<uint32_t>(i), bits));
        EXPECT_NE(tip, nullptr);
    }
    return tip;
}

const BlockIndex* WalkBack(const BlockIndex* p, int height) {
    while (p != nullptr && p->height > height) p = p->prev;
    return p;
}

TEST(BlockIndex, SkipHeightsPointBackwards) {
    EXPECT_EQ(SkipHeight(0), 0);
    EXPECT_EQ(SkipHeight(1), 0);
    EXPECT_EQ(SkipHeight(2), 0);
    EXPECT_EQ(SkipHeight(6), 4);
    EXPECT_EQ(SkipHeight(8), 0);
    EXPECT_EQ(SkipHeight(12), 8);
    EXPECT_EQ(SkipHeight(7), 1);  // odd: 6 with its two lowest set bits cleared, plus one
    for (int h = 2; h < 100000; ++h) {
        ASSERT_LT(SkipHeight(h), h) << h;
        ASSERT_GE(SkipHeight(h), 0) << h;
    }
}

TEST(BlockIndex, GetAncestorMatchesWalkAndIsLogarithmic) {
    BlockTree tree(Regtest());
    BlockIndex* tip = Extend(tree, &tree.Genesis(), 20000, 1);
    ASSERT_EQ(tip->height, 20000);
    int checked = 0;
    // Every height from a few starting points, plus a stride over the whole range.
    for (int from : {20000, 19999, 16384, 12345, 4097, 1}) {
        const BlockIndex* start = WalkBack(tip, from);
        for (int h = 0; h <= from; h += (from > 2000 ? 7 : 1)) {
            ASSERT_EQ(start->GetAncestor(h), WalkBack(start, h)) << from << " " << h;
            ++checked;
        }
        EXPECT_EQ(start->GetAncestor(from), start);
        EXPECT_EQ(start->GetAncestor(from + 1), nullptr);
        EXPECT_EQ(start->GetAncestor(-1), nullptr);
    }
    EXPECT_EQ(tip->GetAncestor(0), &tree.Genesis());
    // Skip pointers are at their heights.
    for (const BlockIndex* p = tip; p->prev != nullptr; p = p->prev) {
        ASSERT_NE(p->skip, nullptr);
        ASSERT_EQ(p->skip->height, SkipHeight(p->height));
    }
    std::cout << "[cases] GetAncestor vs walk: " << checked << " lookups\n";
    EXPECT_GT(checked, 10000);
}

TEST(BlockIndex, GetAncestorWithoutSkipPointersWalksParents) {
    // Entries outside a tree (no skip pointers) still answer correctly.
    std::vector<std::unique_ptr<BlockIndex>> chain;
    for (int h = 100; h < 110; ++h) {
        auto e = std::make_unique<BlockIndex>();
        e->height = h;
        e->prev = chain.empty() ? nullptr : chain.back().get();
        chain.push_back(std::move(e));
    }
    EXPECT_EQ(chain.back()->GetAncestor(103), chain[3].get());
    EXPECT_EQ(chain.back()->GetAncestor(100), chain[0].get());
}

TEST(BlockIndex, MedianTimePast) {
    BlockTree tree(Regtest());
    // Genesis alone: its own time.
    EXPECT_EQ(tree.Genesis().GetMedianTimePast(), tree.Genesis().Time());
    // Out-of-order timestamps: the median of the last 11, not the latest or the parent's.
    const uint32_t base = tree.Genesis().time;
    const std::vector<uint32_t> offsets = {10, 50, 20, 90, 30, 70, 40, 80, 60, 100, 5, 1000, 15};
    BlockIndex* tip = &tree.Genesis();
    std::vector<uint32_t> times = {base};
    for (size_t i = 0; i < offsets.size(); ++i) {
        BlockHeader h = Child(*tip, static_cast<uint32_t>(i));
        h.time = base + offsets[i];
        tip = tree.AddHeader(h);
        times.push_back(h.time);
    }
    for (const BlockIndex* p = tip; p != nullptr; p = p->prev) {
        const size_t end = static_cast<size_t>(p->height) + 1;
        const size_t begin = end > 11 ? end - 11 : 0;
        std::vector<uint32_t> window(times.begin() + static_cast<std::ptrdiff_t>(begin),
                                     times.begin() + static_cast<std::ptrdiff_t>(end));
        std::sort(window.begin(), window.end());
        EXPECT_EQ(p->GetMedianTimePast(), window[window.size() / 2]) << p->height;
    }
    // The last 11 offsets: 20 90 30 70 40 80 60 100 5 1000 15 -> sorted median 60.
    EXPECT_EQ(tip->GetMedianTimePast(), base + 60);
}

TEST(BlockTree, GenesisAndLookup) {
    BlockTree tree(Regtest());
    EXPECT_EQ(tree.Size(), 1u);
    EXPECT_EQ(tree.Genesis().hash, Regtest().genesis_hash);
    EXPECT_EQ(tree.Genesis().height, 0);
    EXPECT_EQ(tree.Genesis().chain_work, ArithUint256(2));
    EXPECT_TRUE(tree.Genesis().HasStatus(BLOCK_HEADER_VALID));
    EXPECT_EQ(tree.Lookup(Regtest().genesis_hash), &tree.Genesis());
    EXPECT_EQ(&tree.BestHeader(), &tree.Genesis());
    EXPECT_EQ(tree.Genesis().GetHeader(), Regtest().genesis.header);

    BlockHeader orphan = Child(tree.Genesis(), 1);
    orphan.prev_block = primitives::BlockHash(util::Uint256::FromHex(std::string(63, '0') + "1").value());
    EXPECT_EQ(tree.AddHeader(orphan), nullptr);
    EXPECT_EQ(tree.Lookup(orphan.ComputeHash()), nullptr);

    BlockIndex* a = tree.AddHeader(Child(tree.Genesis(), 1));
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(tree.AddHeader(Child(tree.Genesis(), 1)), a);  // duplicate: same entry
    EXPECT_EQ(tree.Size(), 2u);
    EXPECT_EQ(a->chain_work, ArithUint256(4));
    EXPECT_EQ(a->GetHeader(), Child(tree.Genesis(), 1));
    EXPECT_EQ(a->GetHeader().ComputeHash(), a->hash);
}

TEST(BlockTree, BestHeaderMostWorkThenFirstSeen) {
    BlockTree tree(Regtest());
    BlockIndex* a = Extend(tree, &tree.Genesis(), 5, 1);
    EXPECT_EQ(&tree.BestHeader(), a);
    // Equal work on another branch: the first seen stays best.
    BlockIndex* b = Extend(tree, &tree.Genesis(), 5, 2);
    EXPECT_EQ(a->chain_work, b->chain_work);
    EXPECT_LT(a->sequence_id, b->sequence_id);
    EXPECT_EQ(&tree.BestHeader(), a);
    EXPECT_TRUE(BetterChain(*a, *b));
    EXPECT_FALSE(BetterChain(*b, *a));
    // More work, even with fewer blocks, wins.
    BlockIndex* c = Extend(tree, &tree.Genesis(), 1, 3, HARDER_BITS);
    EXPECT_GT(c->chain_work, a->chain_work);
    EXPECT_EQ(&tree.BestHeader(), c);
    // b grows past a but stays below c.
    BlockIndex* b6 = Extend(tree, b, 1, 4);
    EXPECT_EQ(&tree.BestHeader(), c);
    EXPECT_EQ(b6->chain_work, ArithUint256(14));
    EXPECT_EQ(LastCommonAncestor(a, b6), &tree.Genesis());
    EXPECT_EQ(LastCommonAncestor(b6, b), b);
    EXPECT_EQ(LastCommonAncestor(b, b6), b);
    EXPECT_EQ(LastCommonAncestor(a, nullptr), nullptr);
}

TEST(BlockTree, MarkFailedFlagsTheSubtreeOnly) {
    BlockTree tree(Regtest());
    BlockIndex* trunk = Extend(tree, &tree.Genesis(), 3, 1);
    BlockIndex* bad = Extend(tree, trunk, 1, 2);
    BlockIndex* bad_tip = Extend(tree, bad, 4, 3);
    BlockIndex* bad_side = Extend(tree, bad, 2, 4);  // a second branch on bad
    BlockIndex* good = Extend(tree, trunk, 2, 5);
    EXPECT_EQ(&tree.BestHeader(), bad_tip);
    tree.TakeDirty();

    const BlockValidationError reason{.reason = BlockError::BadCoinbaseHeight};
    tree.MarkFailed(*bad, reason);
    EXPECT_TRUE(bad->HasStatus(BLOCK_FAILED));
    EXPECT_FALSE(bad->HasStatus(BLOCK_FAILED_CHILD));
    int flagged = 0;
    for (const BlockIndex* p = bad_tip; p != bad; p = p->prev, ++flagged) {
        EXPECT_TRUE(p->HasStatus(BLOCK_FAILED_CHILD)) << p->height;
        EXPECT_FALSE(p->HasStatus(BLOCK_FAILED)) << p->height;
    }
    EXPECT_EQ(flagged, 4);
    EXPECT_TRUE(bad_side->HasStatus(BLOCK_FAILED_CHILD));
    EXPECT_TRUE(bad_side->prev->HasStatus(BLOCK_FAILED_CHILD));
    for (const BlockIndex* p = good; p != nullptr; p = p->prev) EXPECT_FALSE(p->IsFailed()) << p->height;
    EXPECT_EQ(&tree.BestHeader(), good);
    EXPECT_EQ(tree.FailureReason(*bad), reason);
    EXPECT_EQ(tree.FailureReason(*bad_tip), std::nullopt);
    EXPECT_EQ(tree.TakeDirty().size(), 1u + 4u + 2u);

    // New headers on the failed branch are born failed and never become best.
    BlockIndex* later = Extend(tree, bad_tip, 10, 6);
    EXPECT_TRUE(later->HasStatus(BLOCK_FAILED_CHILD));
    EXPECT_EQ(&tree.BestHeader(), good);
}

TEST(BlockTree, ChainCandidatesNeedDataForTheWholeChain) {
    BlockTree tree(Regtest());
    EXPECT_EQ(tree.BestChainCandidate(), nullptr);
    BlockIndex* a3 = Extend(tree, &tree.Genesis(), 3, 1);
    BlockIndex* a1 = a3->GetAncestor(1);
    BlockIndex* a2 = a3->GetAncestor(2);
    tree.ReceivedBlockData(tree.Genesis(), 1, DiskPos{0, 0});
    EXPECT_EQ(tree.BestChainCandidate(), &tree.Genesis());
    // Children before parents: nothing links until the gap is filled.
    tree.ReceivedBlockData(*a3, 5, DiskPos{0, 300});
    tree.ReceivedBlockData(*a2, 2, DiskPos{0, 200});
    EXPECT_FALSE(a3->HaveChainData());
    EXPECT_EQ(tree.BestChainCandidate(), &tree.Genesis());
    tree.ReceivedBlockData(*a1, 3, DiskPos{0, 100});
    EXPECT_EQ(a3->chain_tx_count, 1u + 3u + 2u + 5u);
    EXPECT_EQ(tree.BestChainCandidate(), a3);
    EXPECT_EQ(tree.CandidateCount(), 1u);  // only the leaf
    EXPECT_EQ(a1->data_pos, (DiskPos{0, 100}));

    // An equal-work branch whose data arrives later loses the tie.
    BlockIndex* b3 = Extend(tree, &tree.Genesis(), 3, 2);
    for (int h = 1; h <= 3; ++h)
        tree.ReceivedBlockData(*b3->GetAncestor(h), 1, DiskPos{1, static_cast<uint32_t>(h)});
    EXPECT_EQ(tree.BestChainCandidate(), a3);
    EXPECT_EQ(tree.CandidateCount(), 2u);
    // Data order, not header order, decides: c's headers come first, its data last.
    BlockTree tree2(Regtest());
    BlockIndex* c = Extend(tree2, &tree2.Genesis(), 2, 3);
    BlockIndex* d = Extend(tree2, &tree2.Genesis(), 2, 4);
    tree2.ReceivedBlockData(tree2.Genesis(), 1, {});
    tree2.ReceivedBlockData(*d->prev, 1, {});
    tree2.ReceivedBlockData(*d, 1, {});
    tree2.ReceivedBlockData(*c->prev, 1, {});
    tree2.ReceivedBlockData(*c, 1, {});
    EXPECT_EQ(&tree2.BestHeader(), c);         // headers: c first
    EXPECT_EQ(tree2.BestChainCandidate(), d);  // data: d first

    // More work wins regardless of order.
    BlockIndex* heavy = Extend(tree, &tree.Genesis(), 1, 5, HARDER_BITS);
    tree.ReceivedBlockData(*heavy, 1, {});
    EXPECT_EQ(tree.BestChainCandidate(), heavy);

    // Failing the best falls back to the next; failing inside a branch brings its parent back.
    tree.MarkFailed(*heavy, BlockValidationError{.reason = BlockError::BadWeight});
    EXPECT_EQ(tree.BestChainCandidate(), a3);
    tree.MarkFailed(*a2, BlockValidationError{.reason = BlockError::BadWeight});
    EXPECT_EQ(tree.BestChainCandidate(), b3);
    tree.MarkFailed(*b3->GetAncestor(1), BlockValidationError{.reason = BlockError::BadWeight});
    EXPECT_EQ(tree.BestChainCandidate(), a1);
    // A second data call only moves the position.
    tree.ReceivedBlockData(*a1, 99, DiskPos{7, 7});
    EXPECT_EQ(a1->tx_count, 3u);
    EXPECT_EQ(a1->data_pos, (DiskPos{7, 7}));
}

TEST(ActiveChain, TipContainsNextFindFork) {
    BlockTree tree(Regtest());
    BlockIndex* fork_point = Extend(tree, &tree.Genesis(), 10, 1);
    BlockIndex* a = Extend(tree, fork_point, 5, 2);
    BlockIndex* b = Extend(tree, fork_point, 8, 3);
    ActiveChain chain;
    EXPECT_EQ(chain.Tip(), nullptr);
    EXPECT_EQ(chain.Height(), -1);
    EXPECT_EQ(chain.FindFork(a), nullptr);
    chain.SetTip(a);
    EXPECT_EQ(chain.Tip(), a);
    EXPECT_EQ(chain.Height(), 15);
    EXPECT_EQ(chain.Genesis(), &tree.Genesis());
    EXPECT_EQ(chain[10], fork_point);
    EXPECT_EQ(chain[16], nullptr);
    EXPECT_EQ(chain[-1], nullptr);
    EXPECT_TRUE(chain.Contains(fork_point));
    EXPECT_FALSE(chain.Contains(b));
    EXPECT_FALSE(chain.Contains(nullptr));
    EXPECT_EQ(chain.Next(fork_point), a->GetAncestor(11));
    EXPECT_EQ(chain.Next(a), nullptr);
    EXPECT_EQ(chain.Next(b), nullptr);
    EXPECT_EQ(chain.FindFork(b), fork_point);
    EXPECT_EQ(chain.FindFork(a), a);
    EXPECT_EQ(chain.FindFork(a->prev), a->prev);
    // Reorganise to b, then back to a shorter ancestor.
    chain.SetTip(b);
    EXPECT_EQ(chain.Height(), 18);
    EXPECT_FALSE(chain.Contains(a));
    EXPECT_TRUE(chain.Contains(b->GetAncestor(11)));
    EXPECT_EQ(chain.FindFork(a), fork_point);
    chain.SetTip(fork_point->prev);
    EXPECT_EQ(chain.Height(), 9);
    EXPECT_FALSE(chain.Contains(fork_point));
    EXPECT_EQ(chain.FindFork(b), fork_point->prev);
    chain.SetTip(nullptr);
    EXPECT_EQ(chain.Tip(), nullptr);
}

TEST(ActiveChain, LocatorShape) {
    BlockTree tree(Regtest());
    BlockIndex* tip = Extend(tree, &tree.Genesis(), 1000, 1);
    ActiveChain chain;
    chain.SetTip(tip);
    const BlockLocator loc = chain.Locator();
    // Heights: 1000..990 one apart (11 entries), then doubling gaps, then the genesis.
    std::vector<int> expected;
    int h = 1000, step = 1;
    while (true) {
        expected.push_back(h);
        if (h == 0) break;
        h = std::max(h - step, 0);
        if (expected.size() > 10) step *= 2;
    }
    ASSERT_EQ(loc.size(), expected.size());
    for (size_t i = 0; i < loc.size(); ++i) EXPECT_EQ(loc[i], tip->GetAncestor(expected[i])->hash) << i;
    EXPECT_EQ(loc.front(), tip->hash);
    EXPECT_EQ(loc.back(), tree.Genesis().hash);
    EXPECT_EQ(expected[10], 990);
    // The step doubles only after the 11th entry, so the first gaps after it are 1, 2, 4, 8.
    EXPECT_EQ(expected[11], 989);
    EXPECT_EQ(expected[12], 987);
    EXPECT_EQ(expected[13], 983);
    EXPECT_EQ(expected[14], 975);
    EXPECT_LE(loc.size(), 10u + 12u);
    // Short chains: every block, then the genesis.
    EXPECT_EQ(LocatorFor(&tree.Genesis()), BlockLocator{tree.Genesis().hash});
    EXPECT_EQ(LocatorFor(tip->GetAncestor(3)).size(), 4u);
    EXPECT_TRUE(ActiveChain().Locator().empty());

    // Answering a locator.
    BlockIndex* side = Extend(tree, tip->GetAncestor(500), 3, 2);
    EXPECT_EQ(chain.FindLocatorFork(tree, LocatorFor(side)), tip->GetAncestor(500));
    EXPECT_EQ(chain.FindLocatorFork(tree, loc), tip);
    BlockIndex* ahead = Extend(tree, tip, 2, 3);  // known, beyond our tip
    EXPECT_EQ(chain.FindLocatorFork(tree, BlockLocator{ahead->hash}), tip);
    EXPECT_EQ(chain.FindLocatorFork(tree, BlockLocator{}), &tree.Genesis());
    const primitives::BlockHash unknown(util::Uint256::FromHex(std::string(64, 'a')).value());
    EXPECT_EQ(chain.FindLocatorFork(tree, BlockLocator{unknown}), &tree.Genesis());
}

TEST(BlockIndexRecord, RoundTripAndLayout) {
    BlockTree tree(Regtest());
    BlockIndex* e = Extend(tree, &tree.Genesis(), 7, 1);
    tree.ReceivedBlockData(*e, 1234, DiskPos{3, 987654});
    tree.SetUndoPos(*e, DiskPos{2, 55});
    tree.RaiseStatus(*e, BLOCK_TRANSACTIONS_VALID | BLOCK_SCRIPTS_VALID);
    const DiskBlockIndex rec = ToDisk(*e);
    const util::Bytes bytes = SerializeBlockIndex(rec);
    ASSERT_EQ(bytes.size(), DISK_BLOCK_INDEX_SIZE);
    EXPECT_EQ(bytes[0], DISK_BLOCK_INDEX_FORMAT);
    EXPECT_EQ(bytes[1], 7);  // height, little-endian
    auto decoded = DecodeBlockIndex(bytes);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, rec);
    EXPECT_EQ(decoded->header.ComputeHash(), e->hash);
    EXPECT_EQ(decoded->status, BLOCK_HEADER_VALID | BLOCK_HAVE_DATA | BLOCK_HAVE_UNDO |
                                   BLOCK_TRANSACTIONS_VALID | BLOCK_SCRIPTS_VALID);
    EXPECT_EQ(decoded->data_pos, (DiskPos{3, 987654}));
    EXPECT_EQ(decoded->undo_pos, (DiskPos{2, 55}));
    EXPECT_EQ(decoded->tx_count, 1234u);
    // Not-stored positions survive as null.
    const DiskBlockIndex bare = ToDisk(*e->prev);
    auto bare_decoded = DecodeBlockIndex(SerializeBlockIndex(bare));
    ASSERT_TRUE(bare_decoded);
    EXPECT_TRUE(bare_decoded->data_pos.IsNull());
    EXPECT_EQ(*bare_decoded, bare);
}

TEST(BlockIndexRecord, CorruptRecordsRejected) {
    BlockTree tree(Regtest());
    const util::Bytes good = SerializeBlockIndex(ToDisk(*Extend(tree, &tree.Genesis(), 2, 1)));
    ASSERT_TRUE(DecodeBlockIndex(good));
    int checked = 0;
    auto expect = [&](util::Bytes b, BlockIndexDecodeError err) {
        auto r = DecodeBlockIndex(b);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), err);
        ++checked;
    };
    expect(util::Bytes(good.begin(), good.end() - 1), BlockIndexDecodeError::BadLength);
    util::Bytes longer = good;
    longer.push_back(0);
    expect(longer, BlockIndexDecodeError::BadLength);
    expect({}, BlockIndexDecodeError::BadLength);
    util::Bytes fmt = good;
    fmt[0] = 2;
    expect(fmt, BlockIndexDecodeError::UnknownFormat);
    util::Bytes neg = good;
    neg[4] = 0x80;  // height's top byte
    expect(neg, BlockIndexDecodeError::BadHeight);
    util::Bytes status = good;
    status[5] = 0x80;  // undefined status bit 7
    expect(status, BlockIndexDecodeError::UnknownStatus);
    EXPECT_EQ(checked, 6);
}

TEST(BlockTree, LoadRebuildsTheSameTree) {
    BlockTree tree(Regtest());
    BlockIndex* a = Extend(tree, &tree.Genesis(), 30, 1);
    BlockIndex* b = Extend(tree, a->GetAncestor(20), 15, 2);
    BlockIndex* c = Extend(tree, a->GetAncestor(5), 3, 3, HARDER_BITS);
    tree.ReceivedBlockData(tree.Genesis(), 1, DiskPos{0, 0});
    for (int h = 1; h <= 30; ++h)
        tree.ReceivedBlockData(*a->GetAncestor(h), 2, DiskPos{0, static_cast<uint32_t>(h)});
    for (int h = 21; h <= 33; ++h)
        tree.ReceivedBlockData(*b->GetAncestor(h), 1, DiskPos{1, static_cast<uint32_t>(h)});
    tree.MarkFailed(*c->GetAncestor(6), BlockValidationError{.reason = BlockError::BadWeight});
    EXPECT_EQ(&tree.BestHeader(), b);
    EXPECT_EQ(tree.BestChainCandidate(), b->GetAncestor(33));

    std::vector<DiskBlockIndex> records;
    for (const BlockIndex* e : tree.AllEntries()) {
        auto rec = DecodeBlockIndex(SerializeBlockIndex(ToDisk(*e)));
        ASSERT_TRUE(rec);
        records.push_back(*rec);
    }
    std::reverse(records.begin(), records.end());  // order must not matter

    BlockTree loaded(Regtest());
    ASSERT_TRUE(loaded.Load(records));
    EXPECT_EQ(loaded.Size(), tree.Size());
    for (const BlockIndex* e : tree.AllEntries()) {
        const BlockIndex* l = loaded.Lookup(e->hash);
        ASSERT_NE(l, nullptr);
        EXPECT_EQ(l->height, e->height);
        EXPECT_EQ(l->chain_work, e->chain_work);
        EXPECT_EQ(l->status, e->status);
        EXPECT_EQ(l->chain_tx_count, e->chain_tx_count);
        EXPECT_EQ(l->GetHeader(), e->GetHeader());
        if (l->prev != nullptr) {
            EXPECT_EQ(l->prev->hash, e->prev->hash);
        }
    }
    EXPECT_EQ(loaded.BestHeader().hash, b->hash);
    ASSERT_NE(loaded.BestChainCandidate(), nullptr);
    EXPECT_EQ(loaded.BestChainCandidate()->hash, b->GetAncestor(33)->hash);
    EXPECT_TRUE(loaded.TakeDirty().empty());
    EXPECT_EQ(loaded.Lookup(c->hash)->status & BLOCK_FAILED_CHILD, BLOCK_FAILED_CHILD);
    EXPECT_FALSE(loaded.Load(records));  // only into a fresh tree

    // Broken record sets.
    auto load_error = [&](std::vector<DiskBlockIndex> recs) {
        BlockTree t(Regtest());
        auto r = t.Load(recs);
        EXPECT_FALSE(r);
        return r ? TreeLoadError::NotFresh : r.error();
    };
    std::vector<DiskBlockIndex> missing;
    for (const auto& r : records)
        if (r.height != 10) missing.push_back(r);
    EXPECT_EQ(load_error(missing), TreeLoadError::MissingParent);
    std::vector<DiskBlockIndex> dup = records;
    dup.push_back(records[3]);
    EXPECT_EQ(load_error(dup), TreeLoadError::Duplicate);
    std::vector<DiskBlockIndex> wrong_height = records;
    for (auto& r : wrong_height)
        if (r.header.ComputeHash() == a->hash) r.height += 1;
    EXPECT_EQ(load_error(wrong_height), TreeLoadError::HeightMismatch);
    std::vector<DiskBlockIndex> other_genesis = {ToDisk(tree.Genesis())};
    other_genesis[0].header = GetParams(Network::Main).genesis.header;
    EXPECT_EQ(load_error(other_genesis), TreeLoadError::GenesisMismatch);
}

}  // namespace
}  // namespace tonari::bitcoin::chain

namespace tonari::bitcoin::chain {
namespace {

// Core's GetBlockProofEquivalentTime, the measure -assumevalid uses: on regtest every block is
// worth one target spacing (600 s), so n blocks of work are n * 600 seconds, signed.
TEST(BlockProofEquivalentTime, CountsTargetSpacingsOfWork) {
    BlockTree tree(Regtest());
    BlockIndex* low = Extend(tree, &tree.Genesis(), 10, 7);
    BlockIndex* high = Extend(tree, low, 2017, 8);
    const auto& params = Regtest();
    EXPECT_EQ(BlockProofEquivalentTime(*high, *low, *high, params), int64_t{2017} * 600);
    EXPECT_EQ(BlockProofEquivalentTime(*low, *high, *high, params), -int64_t{2017} * 600);
    EXPECT_GT(BlockProofEquivalentTime(*high, *low, *high, params), ASSUME_VALID_MIN_DEPTH_SECONDS);
    const BlockIndex* near = high->GetAncestor(high->height - 2016);
    EXPECT_EQ(BlockProofEquivalentTime(*high, *near, *high, params), ASSUME_VALID_MIN_DEPTH_SECONDS);
}

}  // namespace
}  // namespace tonari::bitcoin::chain
