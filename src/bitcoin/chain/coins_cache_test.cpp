// Tests for CoinsViewCache: the DIRTY/FRESH behaviour table for AccessCoin, SpendCoin,
// AddCoin and child-into-parent BatchWrite from every reachable entry state; what Flush and
// Sync hand the parent; error propagation; memory accounting; and a randomized simulation
// of stacked caches against a plain map.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <memory>
#include <random>

#include "bitcoin/chain/coins.h"
#include "bitcoin/primitives/amount.h"

namespace tonari::bitcoin::chain {
namespace {

using primitives::Amount;
using primitives::OutPoint;
using State = CoinsViewCache::EntryState;

// Fixed hash key: the tests must not depend on random iteration order.
constexpr uint64_t K0 = 0x0123456789abcdefULL;
constexpr uint64_t K1 = 0xfedcba9876543210ULL;

OutPoint Op(uint8_t tx, uint32_t index = 0) {
    std::array<uint8_t, 32> bytes{};
    bytes[0] = tx;
    bytes[31] = 0x5a;
    return OutPoint{primitives::Txid(util::Uint256(bytes)), index};
}

Coin CoinOf(Amount value, uint32_t height = 1) {
    // A P2WPKH-shaped script with a distinct byte per value, so coins compare by content.
    util::Bytes script(22, static_cast<uint8_t>(value));
    script[0] = 0x00;
    script[1] = 0x14;
    return Coin{primitives::TxOut{value, std::move(script)}, height, false};
}

constexpr Amount ABSENT = -1;
constexpr Amount VALUE1 = 100;
constexpr Amount VALUE2 = 200;
constexpr Amount VALUE3 = 300;

const OutPoint OUTPOINT = Op(1);

// How an entry in the cache under test is prepared.
enum class Prep {
    None,        // no entry
    Clean,       // fetched from the parent (needs base VALUE1)
    Dirty,       // AddCoin(VALUE2, possible_overwrite=true)
    DirtyFresh,  // AddCoin(VALUE2, possible_overwrite=false) (needs base ABSENT)
    SpentDirty,  // spent here (base VALUE1: spent after fetching; ABSENT: added, then spent)
};

const char* Name(Prep p) {
    switch (p) {
        case Prep::None:
            return "none";
        case Prep::Clean:
            return "clean";
        case Prep::Dirty:
            return "dirty";
        case Prep::DirtyFresh:
            return "dirty+fresh";
        case Prep::SpentDirty:
            return "spent+dirty";
    }
    return "?";
}

std::optional<State> StateOf(Prep p) {
    switch (p) {
        case Prep::None:
            return std::nullopt;
        case Prep::Clean:
            return State{.spent = false, .dirty = false, .fresh = false};
        case Prep::Dirty:
            return State{.spent = false, .dirty = true, .fresh = false};
        case Prep::DirtyFresh:
            return State{.spent = false, .dirty = true, .fresh = true};
        case Prep::SpentDirty:
            return State{.spent = true, .dirty = true, .fresh = false};
    }
    return std::nullopt;
}

// A base memory view holding `base` (or nothing) at OUTPOINT and a cache on it prepared as
// `prep`, with the preparation checked.
struct SingleEntry {
    MemoryCoinsView base;
    std::unique_ptr<CoinsViewCache> cache;

    SingleEntry(Amount base_value, Prep prep) {
        if (base_value != ABSENT) base.Put(OUTPOINT, CoinOf(base_value));
        cache = std::make_unique<CoinsViewCache>(base, K0, K1);
        switch (prep) {
            case Prep::None:
                break;
            case Prep::Clean:
                EXPECT_NE(cache->AccessCoin(OUTPOINT), nullptr);
                break;
            case Prep::Dirty:
                EXPECT_TRUE(cache->AddCoin(OUTPOINT, CoinOf(VALUE2), true));
                break;
            case Prep::DirtyFresh:
                EXPECT_TRUE(cache->AddCoin(OUTPOINT, CoinOf(VALUE2), false));
                break;
            case Prep::SpentDirty:
                if (base_value == ABSENT) {
                    EXPECT_TRUE(cache->AddCoin(OUTPOINT, CoinOf(VALUE2), true));
                }
                EXPECT_TRUE(cache->SpendCoin(OUTPOINT));
                break;
        }
        EXPECT_EQ(cache->PeekEntry(OUTPOINT), StateOf(prep)) << "preparing " << Name(prep);
    }

    Amount CachedValue() const {
        // Without asking the parent.
        if (!cache->PeekEntry(OUTPOINT) || cache->PeekEntry(OUTPOINT)->spent) return ABSENT;
        return cache->AccessCoin(OUTPOINT)->out.value;
    }
};

Amount ValueOf(const Coin* c) {
    return c == nullptr ? ABSENT : c->out.value;
}
Amount ValueOf(const std::optional<Coin>& c) {
    return c ? c->out.value : ABSENT;
}

// --- AccessCoin ---------------------------------------------------------------------------

TEST(CoinsCacheFlags, AccessCoinTable) {
    struct Row {
        Amount base;
        Prep prep;
        Amount result;
        Prep after;
    };
    const Row rows[] = {
        {ABSENT, Prep::None, ABSENT, Prep::None},
        {VALUE1, Prep::None, VALUE1, Prep::Clean},  // fetched and remembered, clean
        {VALUE1, Prep::Clean, VALUE1, Prep::Clean},
        {ABSENT, Prep::Dirty, VALUE2, Prep::Dirty},
        {VALUE1, Prep::Dirty, VALUE2, Prep::Dirty},  // the cache's version wins
        {ABSENT, Prep::DirtyFresh, VALUE2, Prep::DirtyFresh},
        {VALUE1, Prep::SpentDirty, ABSENT, Prep::SpentDirty},  // the spend hides the parent's coin
        {ABSENT, Prep::SpentDirty, ABSENT, Prep::SpentDirty},
    };
    int n = 0;
    for (const Row& row : rows) {
        SingleEntry t(row.base, row.prep);
        EXPECT_EQ(ValueOf(t.cache->AccessCoin(OUTPOINT)), row.result) << Name(row.prep) << " base " << row.base;
        EXPECT_EQ(t.cache->PeekEntry(OUTPOINT), StateOf(row.after)) << Name(row.prep) << " base " << row.base;
        EXPECT_EQ(t.cache->HaveCoin(OUTPOINT), row.result != ABSENT);
        EXPECT_EQ(ValueOf(t.cache->GetCoin(OUTPOINT)), row.result);
        EXPECT_TRUE(t.cache->SanityCheck());
        ++n;
    }
    EXPECT_EQ(n, 8);
}

// --- SpendCoin ----------------------------------------------------------------------------

TEST(CoinsCacheFlags, SpendCoinTable) {
    struct Row {
        Amount base;
        Prep prep;
        Amount returned;
        Prep after;
    };
    const Row rows[] = {
        {ABSENT, Prep::None, ABSENT, Prep::None},
        {VALUE1, Prep::None, VALUE1, Prep::SpentDirty},
        {VALUE1, Prep::Clean, VALUE1, Prep::SpentDirty},
        {ABSENT, Prep::Dirty, VALUE2, Prep::SpentDirty},  // the parent may hold an older one
        {VALUE1, Prep::Dirty, VALUE2, Prep::SpentDirty},
        {ABSENT, Prep::DirtyFresh, VALUE2, Prep::None},  // never reached the parent: erased
        {VALUE1, Prep::SpentDirty, ABSENT, Prep::SpentDirty},  // already spent: refused
        {ABSENT, Prep::SpentDirty, ABSENT, Prep::SpentDirty},
    };
    for (const Row& row : rows) {
        SingleEntry t(row.base, row.prep);
        EXPECT_EQ(ValueOf(t.cache->SpendCoin(OUTPOINT)), row.returned) << Name(row.prep) << " base " << row.base;
        EXPECT_EQ(t.cache->PeekEntry(OUTPOINT), StateOf(row.after)) << Name(row.prep) << " base " << row.base;
        EXPECT_FALSE(t.cache->HaveCoin(OUTPOINT));
        EXPECT_TRUE(t.cache->SanityCheck());
    }
}

// --- AddCoin ------------------------------------------------------------------------------

TEST(CoinsCacheFlags, AddCoinTable) {
    struct Row {
        Amount base;
        Prep prep;
        bool possible_overwrite;
        bool accepted;
        Amount value_after;
        Prep after;
    };
    const Row rows[] = {
        // possible_overwrite = false: the caller promises no unspent coin exists.
        {ABSENT, Prep::None, false, true, VALUE3, Prep::DirtyFresh},
        {VALUE1, Prep::None, false, true, VALUE3, Prep::DirtyFresh},  // the parent is not asked
        {VALUE1, Prep::Clean, false, false, VALUE1, Prep::Clean},     // broken promise: refused
        {ABSENT, Prep::Dirty, false, false, VALUE2, Prep::Dirty},
        {ABSENT, Prep::DirtyFresh, false, false, VALUE2, Prep::DirtyFresh},
        {VALUE1, Prep::SpentDirty, false, true, VALUE3, Prep::Dirty},  // the spend must still flush
        {ABSENT, Prep::SpentDirty, false, true, VALUE3, Prep::Dirty},
        // possible_overwrite = true: never FRESH unless it already was.
        {ABSENT, Prep::None, true, true, VALUE3, Prep::Dirty},
        {VALUE1, Prep::None, true, true, VALUE3, Prep::Dirty},
        {VALUE1, Prep::Clean, true, true, VALUE3, Prep::Dirty},
        {ABSENT, Prep::Dirty, true, true, VALUE3, Prep::Dirty},
        {VALUE1, Prep::Dirty, true, true, VALUE3, Prep::Dirty},
        {ABSENT, Prep::DirtyFresh, true, true, VALUE3, Prep::DirtyFresh},
        {VALUE1, Prep::SpentDirty, true, true, VALUE3, Prep::Dirty},
    };
    int n = 0;
    for (const Row& row : rows) {
        SingleEntry t(row.base, row.prep);
        const std::string what = std::string(Name(row.prep)) + " base " + std::to_string(row.base) +
                                 (row.possible_overwrite ? " overwrite" : " no-overwrite");
        EXPECT_EQ(t.cache->AddCoin(OUTPOINT, CoinOf(VALUE3), row.possible_overwrite), row.accepted) << what;
        EXPECT_EQ(t.CachedValue(), row.value_after) << what;
        EXPECT_EQ(t.cache->PeekEntry(OUTPOINT), StateOf(row.after)) << what;
        EXPECT_TRUE(t.cache->SanityCheck()) << what;
        ++n;
    }
    EXPECT_EQ(n, 14);
}

TEST(CoinsCacheFlags, UnspendableOutputsAreNeverAdded) {
    for (Prep prep : {Prep::None, Prep::Dirty}) {
        SingleEntry t(ABSENT, prep);
        const auto before = t.cache->PeekEntry(OUTPOINT);
        const size_t usage = t.cache->DynamicMemoryUsage();
        // OP_RETURN ...
        EXPECT_TRUE(t.cache->AddCoin(OUTPOINT, Coin{{5, {0x6a, 0x01, 0x02}}, 1, false}, true));
        EXPECT_EQ(t.cache->PeekEntry(OUTPOINT), before);
        // ... and a script over MAX_SCRIPT_SIZE.
        EXPECT_TRUE(t.cache->AddCoin(OUTPOINT, Coin{{5, util::Bytes(10'001, 0x51)}, 1, false}, false));
        EXPECT_EQ(t.cache->PeekEntry(OUTPOINT), before);
        EXPECT_EQ(t.cache->DynamicMemoryUsage(), usage);
    }
    // Exactly MAX_SCRIPT_SIZE is still spendable in principle: added.
    SingleEntry t(ABSENT, Prep::None);
    EXPECT_TRUE(t.cache->AddCoin(OUTPOINT, Coin{{5, util::Bytes(10'000, 0x51)}, 1, false}, false));
    EXPECT_TRUE(t.cache->HaveCoin(OUTPOINT));
}

// --- BatchWrite: a child cache flushed into the cache under test ---------------------------

enum class ChildOp {
    AddOverwrite,  // child.AddCoin(VALUE3, true)
    AddFresh,      // child.AddCoin(VALUE3, false): only where the parent holds no unspent coin
    Spend,         // child spends the coin it sees through the parent
    AddThenSpend,  // child.AddCoin(VALUE3, true) then spends it: a non-fresh spent change
    FreshThenSpend,  // child.AddCoin(VALUE3, false) then spends it: nothing to hand up
};

const char* Name(ChildOp op) {
    switch (op) {
        case ChildOp::AddOverwrite:
            return "add(overwrite)";
        case ChildOp::AddFresh:
            return "add(fresh)";
        case ChildOp::Spend:
            return "spend";
        case ChildOp::AddThenSpend:
            return "add(overwrite)+spend";
        case ChildOp::FreshThenSpend:
            return "add(fresh)+spend";
    }
    return "?";
}

TEST(CoinsCacheFlags, ChildFlushTable) {
    struct Row {
        Amount base;
        Prep parent;
        ChildOp op;
        Amount value_after;  // in the parent cache
        Prep after;
    };
    const Row rows[] = {
        {ABSENT, Prep::None, ChildOp::AddOverwrite, VALUE3, Prep::Dirty},
        {ABSENT, Prep::None, ChildOp::AddFresh, VALUE3, Prep::DirtyFresh},  // FRESH travels up
        {ABSENT, Prep::None, ChildOp::AddThenSpend, ABSENT, Prep::SpentDirty},
        {ABSENT, Prep::None, ChildOp::FreshThenSpend, ABSENT, Prep::None},
        {VALUE1, Prep::None, ChildOp::Spend, ABSENT, Prep::SpentDirty},  // fetched via the parent
        {VALUE1, Prep::Clean, ChildOp::AddOverwrite, VALUE3, Prep::Dirty},
        {VALUE1, Prep::Clean, ChildOp::Spend, ABSENT, Prep::SpentDirty},
        {ABSENT, Prep::Dirty, ChildOp::AddOverwrite, VALUE3, Prep::Dirty},
        {ABSENT, Prep::Dirty, ChildOp::Spend, ABSENT, Prep::SpentDirty},
        {ABSENT, Prep::DirtyFresh, ChildOp::AddOverwrite, VALUE3, Prep::DirtyFresh},
        {ABSENT, Prep::DirtyFresh, ChildOp::Spend, ABSENT, Prep::None},  // spent before reaching base
        {VALUE1, Prep::SpentDirty, ChildOp::AddFresh, VALUE3, Prep::Dirty},  // not FRESH: spend pending
        {VALUE1, Prep::SpentDirty, ChildOp::AddOverwrite, VALUE3, Prep::Dirty},
        {VALUE1, Prep::SpentDirty, ChildOp::AddThenSpend, ABSENT, Prep::SpentDirty},
        {VALUE1, Prep::SpentDirty, ChildOp::FreshThenSpend, ABSENT, Prep::SpentDirty},
    };
    int n = 0;
    for (const Row& row : rows) {
        SingleEntry t(row.base, row.parent);
        const std::string what = std::string(Name(row.parent)) + " base " + std::to_string(row.base) + " child " +
                                 Name(row.op);
        CoinsViewCache child(*t.cache, K0, K1);
        switch (row.op) {
            case ChildOp::AddOverwrite:
                ASSERT_TRUE(child.AddCoin(OUTPOINT, CoinOf(VALUE3), true));
                break;
            case ChildOp::AddFresh:
                ASSERT_TRUE(child.AddCoin(OUTPOINT, CoinOf(VALUE3), false));
                break;
            case ChildOp::Spend:
                ASSERT_TRUE(child.SpendCoin(OUTPOINT)) << what;
                break;
            case ChildOp::AddThenSpend:
                ASSERT_TRUE(child.AddCoin(OUTPOINT, CoinOf(VALUE3), true));
                ASSERT_TRUE(child.SpendCoin(OUTPOINT));
                break;
            case ChildOp::FreshThenSpend:
                ASSERT_TRUE(child.AddCoin(OUTPOINT, CoinOf(VALUE3), false));
                ASSERT_TRUE(child.SpendCoin(OUTPOINT));
                break;
        }
        ASSERT_TRUE(child.Flush());
        EXPECT_EQ(child.CacheSize(), 0u);
        EXPECT_EQ(t.CachedValue(), row.value_after) << what;
        EXPECT_EQ(t.cache->PeekEntry(OUTPOINT), StateOf(row.after)) << what;
        EXPECT_TRUE(t.cache->SanityCheck()) << what;

        // Whatever the path, flushing on down leaves the base with the child's final word.
        ASSERT_TRUE(t.cache->Flush());
        const bool child_left_coin = row.op == ChildOp::AddOverwrite || row.op == ChildOp::AddFresh;
        EXPECT_EQ(ValueOf(t.base.GetCoin(OUTPOINT)), child_left_coin ? VALUE3 : ABSENT) << what;
        ++n;
    }
    EXPECT_EQ(n, 15);
}

// --- what the parent sees ------------------------------------------------------------------

// Records the changes it is handed.
class RecordingView final : public CoinsView {
public:
    struct Seen {
        OutPoint outpoint;
        Amount value;  // ABSENT for an erase
        bool fresh;
        bool movable;
    };

    std::optional<Coin> GetCoin(const OutPoint& o) const override { return m_inner.GetCoin(o); }
    primitives::BlockHash GetBestBlock() const override { return m_inner.GetBestBlock(); }
    util::Result<void, CoinsIoError> BatchWrite(CoinsBatch& changes, const primitives::BlockHash& best) override {
        m_batch_sizes.push_back(changes.size());
        changes.ForEach([&](CoinChange& c) {
            m_seen.push_back({c.outpoint, c.coin ? c.coin->out.value : ABSENT, c.fresh, c.movable});
        });
        return m_inner.BatchWrite(changes, best);
    }

    MemoryCoinsView m_inner;
    std::vector<Seen> m_seen;
    std::vector<size_t> m_batch_sizes;
};

TEST(CoinsCacheFlush, FreshCoinsSpentBeforeFlushAreNeverWritten) {
    RecordingView parent;
    parent.m_inner.Put(Op(9), CoinOf(VALUE1));
    CoinsViewCache cache(parent, K0, K1);
    ASSERT_TRUE(cache.AddCoin(Op(1), CoinOf(VALUE1), false));  // created and spent: invisible
    ASSERT_TRUE(cache.SpendCoin(Op(1)));
    ASSERT_TRUE(cache.AddCoin(Op(2), CoinOf(VALUE2), false));  // created: written, fresh
    ASSERT_TRUE(cache.SpendCoin(Op(9)));                       // parent's coin spent: an erase
    EXPECT_EQ(cache.AccessCoin(Op(9)), nullptr);
    EXPECT_EQ(cache.DirtyCount(), 2u);
    ASSERT_TRUE(cache.Flush());

    ASSERT_EQ(parent.m_batch_sizes, std::vector<size_t>{2});
    ASSERT_EQ(parent.m_seen.size(), 2u);
    std::map<OutPoint, RecordingView::Seen> by_outpoint;
    for (const auto& s : parent.m_seen) by_outpoint.emplace(s.outpoint, s);
    ASSERT_TRUE(by_outpoint.contains(Op(2)));
    ASSERT_TRUE(by_outpoint.contains(Op(9)));
    EXPECT_EQ(by_outpoint.at(Op(2)).value, VALUE2);
    EXPECT_TRUE(by_outpoint.at(Op(2)).fresh);
    EXPECT_TRUE(by_outpoint.at(Op(2)).movable);
    EXPECT_EQ(by_outpoint.at(Op(9)).value, ABSENT);
    EXPECT_FALSE(by_outpoint.at(Op(9)).fresh);
    EXPECT_FALSE(parent.m_inner.HaveCoin(Op(9)));
    EXPECT_TRUE(parent.m_inner.HaveCoin(Op(2)));
}

TEST(CoinsCacheFlush, FlushEmptiesAndCarriesBestBlock) {
    MemoryCoinsView base;
    const primitives::BlockHash parent_best(util::Uint256::FromHex(std::string(63, '0') + "1").value());
    const primitives::BlockHash new_best(util::Uint256::FromHex(std::string(63, '0') + "2").value());
    base.SetBestBlock(parent_best);
    CoinsViewCache cache(base, K0, K1);
    EXPECT_EQ(cache.GetBestBlock(), parent_best);  // falls back to the parent's
    for (uint8_t i = 1; i <= 10; ++i) ASSERT_TRUE(cache.AddCoin(Op(i), CoinOf(i), false));
    cache.SetBestBlock(new_best);
    EXPECT_EQ(base.GetBestBlock(), parent_best);  // nothing written yet
    EXPECT_EQ(base.size(), 0u);
    ASSERT_TRUE(cache.Flush());
    EXPECT_EQ(base.size(), 10u);
    EXPECT_EQ(base.GetBestBlock(), new_best);
    EXPECT_EQ(cache.CacheSize(), 0u);
    EXPECT_EQ(cache.DirtyCount(), 0u);
    EXPECT_TRUE(cache.SanityCheck());
    // Reads now come from the parent again.
    ASSERT_NE(cache.AccessCoin(Op(3)), nullptr);
    EXPECT_EQ(cache.PeekEntry(Op(3)), (State{.spent = false, .dirty = false, .fresh = false}));
}

TEST(CoinsCacheFlush, SyncWritesButKeepsUnspentCoins) {
    RecordingView parent;
    parent.m_inner.Put(Op(9), CoinOf(VALUE1));
    CoinsViewCache cache(parent, K0, K1);
    ASSERT_TRUE(cache.AddCoin(Op(1), CoinOf(VALUE1), false));
    ASSERT_TRUE(cache.SpendCoin(Op(9)));
    ASSERT_TRUE(cache.Sync());
    EXPECT_FALSE(parent.m_seen.empty());
    EXPECT_FALSE(parent.m_seen[0].movable);  // the cache keeps its copy
    EXPECT_EQ(cache.DirtyCount(), 0u);
    EXPECT_EQ(cache.CacheSize(), 1u);  // the spent entry is gone, the new coin stays
    EXPECT_EQ(cache.PeekEntry(Op(1)), (State{.spent = false, .dirty = false, .fresh = false}));
    EXPECT_FALSE(cache.PeekEntry(Op(9)));
    EXPECT_TRUE(cache.SanityCheck());
    // Served from the cache: removing it underneath does not change the answer.
    parent.m_inner.Erase(Op(1));
    EXPECT_TRUE(cache.HaveCoin(Op(1)));
    // A second sync has nothing to write.
    parent.m_seen.clear();
    ASSERT_TRUE(cache.Sync());
    EXPECT_TRUE(parent.m_seen.empty());
    // After a sync the coin is clean: spending it must reach the parent, not vanish.
    ASSERT_TRUE(cache.SpendCoin(Op(1)));
    EXPECT_EQ(cache.PeekEntry(Op(1)), (State{.spent = true, .dirty = true, .fresh = false}));
}

TEST(CoinsCacheFlush, FailedFlushKeepsEverything) {
    MemoryCoinsView base;
    CoinsViewCache cache(base, K0, K1);
    for (uint8_t i = 1; i <= 5; ++i) ASSERT_TRUE(cache.AddCoin(Op(i), CoinOf(i), false));
    base.SetFailWrites(true);
    auto r = cache.Flush();
    ASSERT_FALSE(r);
    EXPECT_FALSE(r.error().message.empty());
    EXPECT_EQ(cache.DirtyCount(), 5u);
    EXPECT_EQ(cache.CacheSize(), 5u);
    EXPECT_FALSE(cache.Sync());
    EXPECT_EQ(cache.DirtyCount(), 5u);
    EXPECT_TRUE(cache.SanityCheck());
    base.SetFailWrites(false);
    ASSERT_TRUE(cache.Flush());
    EXPECT_EQ(base.size(), 5u);
}

TEST(CoinsCacheFlush, ResetDiscardsAndUncacheKeepsDirty) {
    MemoryCoinsView base;
    base.Put(Op(7), CoinOf(VALUE1));
    CoinsViewCache cache(base, K0, K1);
    ASSERT_TRUE(cache.AddCoin(Op(1), CoinOf(VALUE1), false));
    ASSERT_NE(cache.AccessCoin(Op(7)), nullptr);
    EXPECT_TRUE(cache.HaveCoinInCache(Op(7)));
    cache.Uncache(Op(7));  // clean: dropped
    EXPECT_FALSE(cache.HaveCoinInCache(Op(7)));
    cache.Uncache(Op(1));  // dirty: kept
    EXPECT_TRUE(cache.HaveCoinInCache(Op(1)));
    EXPECT_TRUE(cache.SanityCheck());
    cache.Reset();
    EXPECT_EQ(cache.CacheSize(), 0u);
    EXPECT_FALSE(cache.HaveCoin(Op(1)));
    EXPECT_TRUE(cache.HaveCoin(Op(7)));  // still in the parent
    EXPECT_TRUE(cache.SanityCheck());
}

TEST(CoinsCache, HaveInputsAndAddCoins) {
    MemoryCoinsView base;
    CoinsViewCache cache(base, K0, K1);

    primitives::Tx coinbase;
    coinbase.inputs.resize(1);  // null prevout
    coinbase.outputs = {CoinOf(1).out, CoinOf(2).out, {0, {0x6a}}};
    const primitives::Txid cb_txid = primitives::ComputeTxid(coinbase);
    EXPECT_TRUE(cache.HaveInputs(coinbase));
    ASSERT_TRUE(AddCoins(cache, coinbase, cb_txid, 5, false));
    EXPECT_TRUE(cache.HaveCoin({cb_txid, 0}));
    EXPECT_TRUE(cache.HaveCoin({cb_txid, 1}));
    EXPECT_FALSE(cache.HaveCoin({cb_txid, 2}));  // OP_RETURN
    EXPECT_TRUE(cache.AccessCoin({cb_txid, 1})->coinbase);
    EXPECT_EQ(cache.AccessCoin({cb_txid, 1})->height, 5u);
    // A duplicate coinbase may overwrite (pre-BIP30 history) ...
    ASSERT_TRUE(AddCoins(cache, coinbase, cb_txid, 6, false));
    EXPECT_EQ(cache.AccessCoin({cb_txid, 0})->height, 6u);

    primitives::Tx spend;
    spend.inputs.resize(2);
    spend.inputs[0].prevout = {cb_txid, 0};
    spend.inputs[1].prevout = {cb_txid, 1};
    spend.outputs = {CoinOf(3).out};
    EXPECT_TRUE(cache.HaveInputs(spend));
    spend.inputs[1].prevout = {cb_txid, 2};
    EXPECT_FALSE(cache.HaveInputs(spend));
    spend.inputs[1].prevout = {cb_txid, 1};

    // ... a non-coinbase may not, unless asked to check (and then only over a real coin).
    const primitives::Txid txid = primitives::ComputeTxid(spend);
    ASSERT_TRUE(AddCoins(cache, spend, txid, 7, false));
    EXPECT_FALSE(AddCoins(cache, spend, txid, 8, false));
    EXPECT_EQ(cache.AccessCoin({txid, 0})->height, 7u);
    EXPECT_TRUE(AddCoins(cache, spend, txid, 8, true));
    EXPECT_EQ(cache.AccessCoin({txid, 0})->height, 8u);
    EXPECT_TRUE(cache.SanityCheck());
}

// --- memory accounting ---------------------------------------------------------------------

TEST(CoinsCacheMemory, GrowsAndShrinks) {
    MemoryCoinsView base;
    CoinsViewCache cache(base, K0, K1);
    const size_t empty = cache.DynamicMemoryUsage();
    constexpr int N = 2000;
    size_t last = empty;
    for (int i = 0; i < N; ++i) {
        util::Bytes script(100, static_cast<uint8_t>(i));
        script[0] = 0x51;  // never OP_RETURN, which would not be added
        Coin c{primitives::TxOut{1000 + i, std::move(script)}, 1, false};
        ASSERT_TRUE(cache.AddCoin(Op(static_cast<uint8_t>(i % 256), static_cast<uint32_t>(i)), std::move(c), false));
        const size_t now = cache.DynamicMemoryUsage();
        ASSERT_GE(now, last);
        last = now;
    }
    // At least the scripts and one node per coin.
    EXPECT_GE(last - empty, static_cast<size_t>(N) * (MallocUsage(100) + sizeof(OutPoint) + sizeof(Coin)));
    EXPECT_TRUE(cache.SanityCheck());

    // Spending fresh coins erases them: usage falls.
    for (int i = 0; i < N / 2; ++i) {
        ASSERT_TRUE(cache.SpendCoin(Op(static_cast<uint8_t>(i % 256), static_cast<uint32_t>(i))));
    }
    const size_t half = cache.DynamicMemoryUsage();
    EXPECT_LT(half, last);
    EXPECT_TRUE(cache.SanityCheck());

    // Flushing empties the cache, bucket array included.
    ASSERT_TRUE(cache.Flush());
    EXPECT_EQ(cache.DynamicMemoryUsage(), empty);
    EXPECT_EQ(base.size(), static_cast<size_t>(N / 2));

    // Reading back through the cache costs memory again; uncaching returns it.
    const OutPoint some = Op(static_cast<uint8_t>((N - 1) % 256), N - 1);
    ASSERT_NE(cache.AccessCoin(some), nullptr);
    EXPECT_GT(cache.DynamicMemoryUsage(), empty);
    cache.Uncache(some);
    EXPECT_EQ(cache.CacheSize(), 0u);
    EXPECT_TRUE(cache.SanityCheck());
}

TEST(CoinsCacheMemory, ReplacingACoinAdjustsUsage) {
    MemoryCoinsView base;
    CoinsViewCache cache(base, K0, K1);
    ASSERT_TRUE(cache.AddCoin(Op(1), Coin{{1, util::Bytes(1000, 0x51)}, 1, false}, true));
    const size_t big = cache.DynamicMemoryUsage();
    ASSERT_TRUE(cache.AddCoin(Op(1), Coin{{1, util::Bytes(10, 0x51)}, 1, false}, true));
    EXPECT_LT(cache.DynamicMemoryUsage(), big);
    EXPECT_TRUE(cache.SanityCheck());
}

// --- randomized simulation -----------------------------------------------------------------

// Random adds, spends, reads, flushes and syncs on a stack of up to four caches over a memory
// view, checked after every step against a std::map holding what the top should show.
TEST(CoinsCacheSimulation, StackedCachesMatchAModel) {
    std::mt19937_64 rng(20240607);
    constexpr int OUTPOINTS = 200;
    constexpr int STEPS = 40'000;
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };

    MemoryCoinsView base;
    std::vector<std::unique_ptr<CoinsViewCache>> stack;
    stack.push_back(std::make_unique<CoinsViewCache>(base, K0, K1));
    std::map<OutPoint, Coin> model;
    Amount next_value = 1;
    int adds = 0, spends = 0, flushes = 0, syncs = 0, pushes = 0, pops = 0, refused = 0;

    for (int step = 0; step < STEPS; ++step) {
        CoinsViewCache& top = *stack.back();
        const OutPoint o = Op(static_cast<uint8_t>(pick(OUTPOINTS)), static_cast<uint32_t>(pick(2)));
        const int action = pick(100);
        if (action < 40) {
            Coin c = CoinOf(next_value++ % 250 + 1, static_cast<uint32_t>(step));
            // Half the time promise freshness exactly when the model says it is safe.
            const bool exists = model.contains(o);
            const bool overwrite = exists || pick(2) == 0;
            ASSERT_TRUE(top.AddCoin(o, c, overwrite));
            model[o] = c;
            ++adds;
        } else if (action < 45) {
            // A broken promise is refused only when this cache itself holds the coin.
            if (model.contains(o) && top.HaveCoinInCache(o)) {
                ASSERT_FALSE(top.AddCoin(o, CoinOf(1), false));
                ++refused;
            }
        } else if (action < 75) {
            auto spent = top.SpendCoin(o);
            const auto it = model.find(o);
            ASSERT_EQ(spent.has_value(), it != model.end());
            if (spent) {
                ASSERT_EQ(*spent, it->second);
                model.erase(it);
                ++spends;
            }
        } else if (action < 90) {
            const Coin* c = top.AccessCoin(o);
            const auto it = model.find(o);
            ASSERT_EQ(c != nullptr, it != model.end());
            if (c) {
                ASSERT_EQ(*c, it->second);
            }
        } else if (action < 94) {
            ASSERT_TRUE(top.Flush());
            ++flushes;
        } else if (action < 97) {
            ASSERT_TRUE(top.Sync());
            ++syncs;
        } else if (action < 99 && stack.size() < 4) {
            stack.push_back(std::make_unique<CoinsViewCache>(top, K0 + stack.size(), K1));
            ++pushes;
        } else if (stack.size() > 1) {
            ASSERT_TRUE(top.Flush());
            stack.pop_back();
            ++pops;
        }
        if (step % 1000 == 0) {
            for (const auto& cache : stack) ASSERT_TRUE(cache->SanityCheck()) << "step " << step;
        }
    }
    // Everything flushed down: the base equals the model.
    while (!stack.empty()) {
        ASSERT_TRUE(stack.back()->SanityCheck());
        ASSERT_TRUE(stack.back()->Flush());
        stack.pop_back();
    }
    EXPECT_EQ(base.coins(), model);
    std::cout << "[simulation] " << STEPS << " steps: " << adds << " adds, " << spends << " spends, " << refused
              << " refused overwrites, " << flushes << " flushes, " << syncs << " syncs, " << pushes << " pushes, "
              << pops << " pops; " << model.size() << " coins left\n";
    EXPECT_GT(spends, 1000);
    EXPECT_GT(flushes, 100);
    EXPECT_GT(pushes, 10);
    EXPECT_GT(refused, 10);
}

}  // namespace
}  // namespace tonari::bitcoin::chain
