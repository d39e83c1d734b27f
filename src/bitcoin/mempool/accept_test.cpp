// AcceptToMemoryPool on a real (in-memory) regtest chain with signed P2WPKH spends: what is
// accepted, each rejection with Core's reason, package limits, replacement, blocks and
// reorganisations, eviction and expiry.
#include <gtest/gtest.h>

#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/test_chain.h"

namespace tonari::bitcoin::mempool {
namespace {

using fixture::OutputsOf;
using fixture::TestChain;
using fixture::Utxo;
using primitives::Amount;
using primitives::Tx;

constexpr int64_t T0 = 1'700'000'000;
constexpr Amount COIN = 100'000'000;

// Forwards chain events to the pool, as the node does.
struct PoolObserver : chain::ChainObserver {
    MempoolAccept& accept;
    explicit PoolObserver(MempoolAccept& a) : accept(a) {}
    void BlockConnected(const primitives::Block& block, const chain::BlockIndex&) override { accept.BlockConnected(block); }
    void BlockDisconnected(const primitives::Block& block, const chain::BlockIndex&) override {
        accept.BlockDisconnected(block);
    }
};

struct Fixture {
    TestChain node{110};  // ten mature coinbases
    TxMempool pool;
    MempoolAccept accept{node.chain, pool, MempoolOptions{}};
    PoolObserver observer{accept};

    Fixture() { node.chain.SetObserver(&observer); }
    ~Fixture() { node.chain.SetObserver(nullptr); }

    std::string Reason(const Tx& tx, int64_t now = T0) {
        auto r = accept.Accept(tx, now);
        return r ? "accepted" : r.error().reason;
    }
};

TEST(MempoolAccept, AcceptsASignedSpendAndRecordsItsFee) {
    Fixture f;
    const Utxo coin = f.node.Coinbase(0);
    const Tx tx = f.node.Spend({coin}, {coin.value / 2, coin.value / 2 - 1000});
    auto r = f.accept.Accept(tx, T0);
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->fee, 1000);
    EXPECT_EQ(r->txid, primitives::ComputeTxid(tx));
    EXPECT_EQ(r->vsize, primitives::TxVirtualSize(tx));
    ASSERT_EQ(f.pool.Size(), 1u);
    const MempoolEntry* e = f.pool.Get(r->txid);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->height, 110);
    EXPECT_EQ(e->time, T0);
    EXPECT_TRUE(e->spends_coinbase);
    EXPECT_EQ(f.pool.TotalFees(), 1000);
    EXPECT_TRUE(f.pool.SanityCheck());
    // The same transaction again.
    EXPECT_EQ(f.Reason(tx), "txn-already-in-mempool");
}

TEST(MempoolAccept, TestOnlyChangesNothing) {
    Fixture f;
    const Utxo coin = f.node.Coinbase(0);
    const Tx tx = f.node.Spend({coin}, {coin.value - 1000});
    AcceptOptions options;
    options.test_only = true;
    auto r = f.accept.Accept(tx, T0, options);
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(f.pool.Size(), 0u);
    EXPECT_TRUE(f.accept.Accept(tx, T0));
}

TEST(MempoolAccept, EachRuleRejectsWithCoresReason) {
    Fixture f;
    const Utxo coin = f.node.Coinbase(0);
    int checked = 0;
    auto expect = [&](const Tx& tx, const std::string& reason) {
        EXPECT_EQ(f.Reason(tx), reason);
        ++checked;
    };

    // Unknown input.
    expect(f.node.Spend({Utxo{{primitives::Txid(util::Uint256::FromHex(std::string(64, '7')).value()), 0}, COIN}},
                        {COIN - 1000}),
           "bad-txns-inputs-missingorspent");
    // The newest coinbase: mined one block ago, 100 needed.
    const Utxo young = f.node.Coinbase(109);
    expect(f.node.Spend({young}, {young.value - 1000}), "bad-txns-premature-spend-of-coinbase");
    // No fee, then 1 sat short of the minimum relay fee (0.1 sat/vB, rounded up).
    expect(f.node.Spend({coin}, {coin.value}), "min relay fee not met");
    const Tx probe = f.node.Spend({coin}, {coin.value - 1000});
    const int64_t vsize = primitives::TxVirtualSize(probe);
    const Amount required = policy::FeeRate(policy::DEFAULT_MIN_RELAY_TX_FEE).GetFee(vsize);
    ASSERT_GT(required, 1);
    expect(f.node.Spend({coin}, {coin.value - (required - 1)}), "min relay fee not met");
    // More out than in.
    expect(f.node.Spend({coin}, {coin.value + 1}), "bad-txns-in-belowout");
    // A dust output.
    expect(f.node.Spend({coin}, {coin.value - 10'000, 100}), "dust");
    // Locked until a future height.
    {
        Tx tx = f.node.Spend({coin}, {coin.value - 1000}, 500);
        expect(tx, "non-final");
    }
    // A 61-byte transaction (one tiny OP_RETURN output).
    {
        Tx tx;
        primitives::TxIn in;
        in.prevout = coin.outpoint;
        in.sequence = 0xfffffffd;
        tx.inputs.push_back(in);
        tx.outputs.push_back({0, {0x6a}});
        f.node.Sign(tx, {{coin.value, f.node.script}});
        expect(tx, "tx-size-small");
    }
    // A signature that does not verify: consensus failure.
    {
        Tx tx = f.node.Spend({coin}, {coin.value - 1000});
        tx.inputs[0].witness[0][10] ^= 1;
        expect(tx, "mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)");
    }
    // A valid signature with an undefined hash type: only policy (STRICTENC) refuses it.
    {
        Tx tx = f.node.Spend({coin}, {coin.value - 1000});
        script::PrecomputedTxData txdata;
        txdata.Init(tx, {{coin.value, f.node.script}}, true);
        const auto h = script::SegwitV0SignatureHash(f.node.script_code, tx, 0, 0x84, coin.value, txdata);
        util::Bytes sig = f.node.key.SignEcdsa(f.node.ctx, h);
        sig.push_back(0x84);
        tx.inputs[0].witness[0] = sig;
        expect(tx, "non-mandatory-script-verify-flag (Signature hash type missing or not understood)");
    }
    // A coinbase is never relayed.
    expect(f.node.coinbases[0], "coinbase");
    // A transaction already confirmed.
    {
        const Tx tx = f.node.Spend({f.node.Coinbase(1)}, {f.node.Coinbase(1).value - 1000});
        f.node.Mine({tx}, 1000);
        expect(tx, "txn-already-known");
    }
    EXPECT_EQ(checked, 12);
    EXPECT_EQ(f.pool.Size(), 0u);
    EXPECT_TRUE(f.pool.SanityCheck());
}

TEST(MempoolAccept, ChainsOfUnconfirmedTransactionsStopAtTheAncestorLimit) {
    Fixture f;
    Utxo next = f.node.Coinbase(0);
    std::vector<Tx> chain;
    for (int i = 0; i < 25; ++i) {
        const Tx tx = f.node.Spend({next}, {next.value - 1000});
        auto r = f.accept.Accept(tx, T0);
        ASSERT_TRUE(r) << i << ": " << r.error().ToString();
        chain.push_back(tx);
        next = OutputsOf(tx)[0];
    }
    const MempoolEntry* first = f.pool.Get(primitives::ComputeTxid(chain.front()));
    const MempoolEntry* last = f.pool.Get(primitives::ComputeTxid(chain.back()));
    EXPECT_EQ(first->descendants.count, 25);
    EXPECT_EQ(first->descendants.fees, 25 * 1000);
    EXPECT_EQ(last->ancestors.count, 25);
    EXPECT_EQ(f.Reason(f.node.Spend({next}, {next.value - 1000})), "too-long-mempool-chain");
    EXPECT_TRUE(f.pool.SanityCheck());
}

TEST(MempoolAccept, ReplacementNeedsMoreFeeAndAHigherRate) {
    Fixture f;
    const Utxo coin = f.node.Coinbase(0);
    const Tx original = f.node.Spend({coin}, {coin.value - 2000});
    ASSERT_TRUE(f.accept.Accept(original, T0));
    const Tx child = f.node.Spend({OutputsOf(original)[0]}, {OutputsOf(original)[0].value - 2000});
    ASSERT_TRUE(f.accept.Accept(child, T0));

    // Same outputs, less fee: refused.
    EXPECT_EQ(f.Reason(f.node.Spend({coin}, {coin.value - 1500})), "insufficient fee");
    // A higher rate than the original, but not more than original + child paid (4000).
    EXPECT_EQ(f.Reason(f.node.Spend({coin}, {coin.value - 3000})), "insufficient fee");
    // Enough to pay for both and its own relay.
    const Tx replacement = f.node.Spend({coin}, {coin.value - 5000});
    auto r = f.accept.Accept(replacement, T0);
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->replaced.size(), 2u);
    EXPECT_EQ(f.pool.Size(), 1u);
    EXPECT_TRUE(f.pool.Contains(r->txid));
    EXPECT_FALSE(f.pool.Contains(primitives::ComputeTxid(child)));
    EXPECT_TRUE(f.pool.SanityCheck());

    // A replacement may not add an unconfirmed input its conflicts did not have.
    const Utxo other = f.node.Coinbase(1);
    const Tx unrelated = f.node.Spend({other}, {other.value - 1000});
    ASSERT_TRUE(f.accept.Accept(unrelated, T0));
    const Tx greedy = f.node.Spend({coin, OutputsOf(unrelated)[0]}, {coin.value - 100'000});
    EXPECT_EQ(f.Reason(greedy), "replacement-adds-unconfirmed");
}

TEST(MempoolAccept, MinedTransactionsLeaveAndTheirChildrenStay) {
    Fixture f;
    const Utxo coin = f.node.Coinbase(0);
    const Tx parent = f.node.Spend({coin}, {coin.value - 1000});
    const Tx child = f.node.Spend({OutputsOf(parent)[0]}, {OutputsOf(parent)[0].value - 1000});
    ASSERT_TRUE(f.accept.Accept(parent, T0));
    ASSERT_TRUE(f.accept.Accept(child, T0));
    // An unrelated pool transaction and a block that double-spends its coin.
    const Utxo other = f.node.Coinbase(1);
    const Tx loser = f.node.Spend({other}, {other.value - 1000});
    ASSERT_TRUE(f.accept.Accept(loser, T0));
    const Tx winner = f.node.Spend({other}, {other.value - 3000});

    f.node.Mine({parent, winner}, 4000);
    EXPECT_EQ(f.node.chain.Chain().Height(), 111);
    EXPECT_EQ(f.pool.Size(), 1u);
    const MempoolEntry* c = f.pool.Get(primitives::ComputeTxid(child));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->ancestors.count, 1);
    EXPECT_TRUE(c->parents.empty());
    EXPECT_FALSE(f.pool.Contains(primitives::ComputeTxid(loser)));
    EXPECT_TRUE(f.pool.SanityCheck());
}

TEST(MempoolAccept, ADisconnectedBlockGivesItsTransactionsBack) {
    Fixture f;
    const Utxo coin = f.node.Coinbase(0);
    const Tx tx = f.node.Spend({coin}, {coin.value - 1000});
    ASSERT_TRUE(f.accept.Accept(tx, T0));
    const primitives::Block block = f.node.Mine({tx}, 1000);
    EXPECT_EQ(f.pool.Size(), 0u);
    // A child in the pool spends the now-confirmed output.
    const Tx child = f.node.Spend({OutputsOf(tx)[0]}, {OutputsOf(tx)[0].value - 1000});
    ASSERT_TRUE(f.accept.Accept(child, T0));

    auto* index = f.node.chain.Tree().Lookup(block.header.ComputeHash());
    ASSERT_TRUE(f.node.chain.InvalidateBlock(*index));
    EXPECT_EQ(f.accept.ChainSettled(T0 + 1), 1u);
    EXPECT_EQ(f.pool.Size(), 2u);
    const MempoolEntry* c = f.pool.Get(primitives::ComputeTxid(child));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->ancestors.count, 2);  // relinked to its returned parent
    EXPECT_TRUE(f.pool.SanityCheck());

    // Back again: mined, both... only the parent leaves.
    ASSERT_TRUE(f.node.chain.ReconsiderBlock(*index));
    f.accept.ChainSettled(T0 + 2);
    EXPECT_EQ(f.pool.Size(), 1u);
    EXPECT_TRUE(f.pool.Contains(primitives::ComputeTxid(child)));
}

TEST(MempoolAccept, AReorgDropsSpendsOfCoinbasesThatBecameImmature) {
    Fixture f;
    // The coinbase of height 11 may be spent at height 111 (the next block), not at 110.
    const Utxo coin = f.node.Coinbase(10);
    const Tx tx = f.node.Spend({coin}, {coin.value - 1000});
    ASSERT_TRUE(f.accept.Accept(tx, T0));
    auto* tip = const_cast<chain::BlockIndex*>(f.node.chain.Tip());
    ASSERT_TRUE(f.node.chain.InvalidateBlock(*tip));
    f.accept.ChainSettled(T0);
    EXPECT_EQ(f.pool.Size(), 0u);
}

TEST(MempoolAccept, AFullPoolEvictsTheCheapestAndRaisesItsFloor) {
    Fixture f;
    MempoolOptions options;
    std::vector<Tx> txs;
    for (size_t i = 0; i < 6; ++i) {
        const Utxo coin = f.node.Coinbase(i);
        txs.push_back(f.node.Spend({coin}, {coin.value - 1000 * static_cast<Amount>(i + 1)}));
    }
    // Room for about five of them.
    options.max_bytes = 5 * EstimateEntryMemory(Tx(txs[0])) + 100;
    TxMempool pool;
    MempoolAccept accept(f.node.chain, pool, options);
    for (size_t i = 1; i < 6; ++i) ASSERT_TRUE(accept.Accept(txs[i], T0));
    EXPECT_EQ(pool.Size(), 5u);
    // The cheapest newcomer cannot enter: it would be the one evicted.
    auto r = accept.Accept(txs[0], T0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, "mempool full");
    EXPECT_EQ(pool.Size(), 5u);
    // A rich newcomer evicts the cheapest (2000 sat) and the floor rises above its rate.
    const Utxo coin = f.node.Coinbase(7);
    ASSERT_TRUE(accept.Accept(f.node.Spend({coin}, {coin.value - 50'000}), T0));
    EXPECT_EQ(pool.Size(), 5u);
    EXPECT_FALSE(pool.Contains(primitives::ComputeTxid(txs[1])));
    EXPECT_GT(accept.MinFeeRate(T0), options.min_relay_fee);
    const Utxo coin8 = f.node.Coinbase(8);
    const int64_t vsize = primitives::TxVirtualSize(txs[0]);
    const Amount needed = accept.MinFeeRate(T0).GetFee(vsize);
    auto low = accept.Accept(f.node.Spend({coin8}, {coin8.value - (needed - 1)}), T0);
    ASSERT_FALSE(low);
    EXPECT_EQ(low.error().reason, "mempool min fee not met");
    EXPECT_TRUE(pool.SanityCheck());
}

TEST(MempoolAccept, OldTransactionsExpire) {
    Fixture f;
    const Utxo a = f.node.Coinbase(0);
    const Utxo b = f.node.Coinbase(1);
    ASSERT_TRUE(f.accept.Accept(f.node.Spend({a}, {a.value - 1000}), T0));
    const int64_t later = T0 + DEFAULT_MEMPOOL_EXPIRY_SECONDS + 1;
    ASSERT_TRUE(f.accept.Accept(f.node.Spend({b}, {b.value - 1000}), later));
    EXPECT_EQ(f.pool.Size(), 1u);
}

}  // namespace
}  // namespace tonari::bitcoin::mempool
