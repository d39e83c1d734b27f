// Coin selection: BnB exact matches and its waste choice, the SRD fallback, insufficient funds,
// the try cap on an exponential case, determinism under a seeded RNG.
#include <gtest/gtest.h>

#include <numeric>

#include "bitcoin/wallet/coin_selection.h"
#include "bitcoin/wallet/tx_size.h"

namespace tonari::bitcoin::wallet {
namespace {

using primitives::Amount;
using primitives::COIN;

CoinCandidate Coin(Amount effective_value, Amount fee = 0, Amount long_term_fee = 0, uint8_t tag = 0) {
    static uint32_t counter = 0;
    CoinCandidate c;
    util::Uint256 id;
    id.data()[0] = tag;
    id.data()[1] = static_cast<uint8_t>(counter);
    id.data()[2] = static_cast<uint8_t>(counter >> 8);
    c.outpoint = {primitives::Txid(id), counter++};
    c.fee = fee;
    c.long_term_fee = long_term_fee;
    c.value = effective_value + fee;
    c.effective_value = effective_value;
    c.input_vsize = 68;
    return c;
}

Amount SumEffective(const std::vector<CoinCandidate>& coins) {
    return std::accumulate(coins.begin(), coins.end(), Amount{0},
                           [](Amount s, const CoinCandidate& c) { return s + c.effective_value; });
}

// 2n coins where only one subset of n hits the target exactly, and the depth-first search
// must explore exponentially many near misses before finding it: a_i = 2^(n+i) and
// b_i = 2^(n+i) + 2^(n-1-i), target = sum of the a_i.
Amount ExponentialCase(int n, std::vector<CoinCandidate>& pool) {
    pool.clear();
    Amount target = 0;
    for (int i = 0; i < n; ++i) {
        target += Amount{1} << (n + i);
        pool.push_back(Coin(Amount{1} << (n + i)));
        pool.push_back(Coin((Amount{1} << (n + i)) + (Amount{1} << (n - 1 - i))));
    }
    return target;
}

TEST(CoinSelection, CandidateValuesUseTheInputSizeOfTheirType) {
    const primitives::OutPoint op{primitives::Txid(util::Uint256()), 1};
    const auto wpkh =
        MakeCandidate(op, 100'000, OutputType::Bech32, policy::FeeRate(10'000), policy::FeeRate(1'000));
    EXPECT_EQ(wpkh.input_vsize, 68);
    EXPECT_EQ(wpkh.fee, 680);
    EXPECT_EQ(wpkh.long_term_fee, 68);
    EXPECT_EQ(wpkh.effective_value, 100'000 - 680);
    const auto tr =
        MakeCandidate(op, 100'000, OutputType::Bech32m, policy::FeeRate(10'000), policy::FeeRate(1'000));
    EXPECT_EQ(tr.input_vsize, 58);
    EXPECT_EQ(tr.fee, 580);
    EXPECT_EQ(InputWeight(OutputType::Bech32m), 230);  // 57.5 vB, rounded up above
    // Fractional fees round up: 58 vB at 1.5 sat/vB is 87, and 1 vB at 0.001 sat/vB is 1.
    EXPECT_EQ(FeeFor(policy::FeeRate(1'500), 58), 87);
    EXPECT_EQ(FeeFor(policy::FeeRate(1), 1), 1);
    EXPECT_EQ(FeeFor(policy::FeeRate(0), 100), 0);
}

TEST(CoinSelection, BnbFindsExactMatchWithoutChange) {
    WalletRng rng(1);
    // Spending now costs more than later: fewer inputs waste less.
    std::vector<CoinCandidate> coins = {Coin(1 * COIN, 200, 100), Coin(2 * COIN, 200, 100),
                                        Coin(3 * COIN, 200, 100), Coin(5 * COIN, 200, 100),
                                        Coin(10 * COIN, 200, 100)};
    SelectionParams p;
    p.target = 8 * COIN;
    p.cost_of_change = 1000;
    p.change_fee = 300;
    p.min_viable_change = 1000;
    auto r = SelectCoins(coins, p, rng);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->algorithm, SelectionAlgorithm::BnB);
    EXPECT_EQ(SelectionAlgorithmName(r->algorithm), "bnb");
    EXPECT_FALSE(r->change_needed);
    EXPECT_EQ(SumEffective(r->selected), 8 * COIN);
    // {5, 3} beats {5, 2, 1}: two inputs waste 2 * (200 - 100), three would waste 300.
    ASSERT_EQ(r->selected.size(), 2u);
    EXPECT_EQ(r->waste, 200);
    EXPECT_GT(r->bnb_tries, 0u);
}

TEST(CoinSelection, BnbAcceptsAMatchWithinCostOfChange) {
    std::vector<CoinCandidate> pool = {Coin(4 * COIN + 500), Coin(7 * COIN)};
    const auto out = SelectCoinsBnB(pool, 4 * COIN, /*cost_of_change=*/1000);
    ASSERT_TRUE(out.selection.has_value());
    ASSERT_EQ(out.selection->size(), 1u);
    EXPECT_EQ(out.selection->front().effective_value, 4 * COIN + 500);
    EXPECT_EQ(out.waste, 500);  // the excess goes to fees
    // One satoshi less tolerance and the same coin overshoots the window.
    std::vector<CoinCandidate> pool2 = {Coin(4 * COIN + 500), Coin(7 * COIN)};
    EXPECT_FALSE(SelectCoinsBnB(pool2, 4 * COIN, 499).selection.has_value());
}

TEST(CoinSelection, NoExactMatchFallsBackToSingleRandomDraw) {
    WalletRng rng(7);
    std::vector<CoinCandidate> coins = {Coin(10 * COIN, 100, 100), Coin(20 * COIN, 100, 100),
                                        Coin(40 * COIN, 100, 100)};
    SelectionParams p;
    p.target = 15 * COIN;
    p.cost_of_change = 1000;
    p.change_fee = 400;
    p.min_viable_change = 1000;
    auto r = SelectCoins(coins, p, rng);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->algorithm, SelectionAlgorithm::SRD);
    EXPECT_EQ(SelectionAlgorithmName(r->algorithm), "srd");
    EXPECT_TRUE(r->change_needed);
    EXPECT_GE(SumEffective(r->selected), p.target + p.change_fee + CHANGE_LOWER);
    EXPECT_EQ(r->change, r->selected_effective_value - p.target - p.change_fee);
    EXPECT_EQ(r->waste, p.cost_of_change);  // fee == long-term fee: only the change costs
    EXPECT_GT(r->bnb_tries, 0u);
}

TEST(CoinSelection, SrdSettlesForTheBareTargetWhenPaddingIsUnaffordable) {
    WalletRng rng(3);
    // 1 BTC + 10,000 sat: enough for the payment, not for CHANGE_LOWER of change.
    std::vector<CoinCandidate> coins = {Coin(COIN / 2), Coin(COIN / 2 + 10'000)};
    SelectionParams p;
    p.target = COIN;
    p.cost_of_change = 100;
    p.change_fee = 50;
    p.min_viable_change = 20'000;
    auto r = SelectCoins(coins, p, rng);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->algorithm, SelectionAlgorithm::SRD);
    EXPECT_EQ(r->selected.size(), 2u);
    EXPECT_FALSE(r->change_needed);  // 9,950 sat of change is below min_viable_change
    EXPECT_EQ(r->waste, 10'000);     // the excess goes to fees
}

TEST(CoinSelection, InsufficientFunds) {
    WalletRng rng(1);
    SelectionParams p;
    p.target = 10 * COIN;
    auto r = SelectCoins({Coin(3 * COIN), Coin(6 * COIN)}, p, rng);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), SelectionError::InsufficientFunds);
    EXPECT_FALSE(SelectCoins({}, p, rng).has_value());
    // Coins worth less than their spending fee do not count, even if their raw sum would.
    p.target = 100;
    auto dust = SelectCoins({Coin(-10, 80), Coin(0, 68), Coin(-1, 60)}, p, rng);
    EXPECT_FALSE(dust.has_value());
    // With fees taken from the recipients, raw values count.
    p.subtract_fee_outputs = true;
    auto sffo = SelectCoins({Coin(-10, 80), Coin(0, 68), Coin(-1, 60)}, p, rng);
    ASSERT_TRUE(sffo.has_value());
    EXPECT_EQ(sffo->algorithm, SelectionAlgorithm::SRD);
    EXPECT_EQ(sffo->bnb_tries, 0u);  // BnB skipped with subtract-fee-from-amount
}

TEST(CoinSelection, BnbRespectsTheTryCap) {
    std::vector<CoinCandidate> pool;
    // 17 pairs: the exact match lies beyond 100,000 steps.
    Amount target = ExponentialCase(17, pool);
    auto hard = SelectCoinsBnB(pool, target, 1);
    EXPECT_FALSE(hard.selection.has_value());
    EXPECT_EQ(hard.tries, BNB_TOTAL_TRIES);
    // 14 pairs: found within the cap.
    target = ExponentialCase(14, pool);
    auto easy = SelectCoinsBnB(pool, target, 1);
    ASSERT_TRUE(easy.selection.has_value());
    EXPECT_LT(easy.tries, BNB_TOTAL_TRIES);
    EXPECT_EQ(SumEffective(*easy.selection), target);
    // A lower cap is obeyed exactly.
    target = ExponentialCase(14, pool);
    auto capped = SelectCoinsBnB(pool, target, 1, /*max_tries=*/100);
    EXPECT_FALSE(capped.selection.has_value());
    EXPECT_EQ(capped.tries, 100u);
    // Through SelectCoins the capped search falls back to SRD.
    WalletRng rng(5);
    SelectionParams p;
    p.target = ExponentialCase(17, pool);
    p.cost_of_change = 1;
    auto r = SelectCoins(pool, p, rng);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->algorithm, SelectionAlgorithm::SRD);
    EXPECT_EQ(r->bnb_tries, BNB_TOTAL_TRIES);
}

TEST(CoinSelection, SeededRngMakesSrdDeterministic) {
    std::vector<CoinCandidate> coins;
    for (int i = 1; i <= 30; ++i) coins.push_back(Coin(i * 1'000'003));
    SelectionParams p;
    p.target = 40'000'000;
    p.cost_of_change = 1;
    WalletRng a(99);
    WalletRng b(99);
    auto ra = SelectCoins(coins, p, a);
    auto rb = SelectCoins(coins, p, b);
    ASSERT_TRUE(ra.has_value() && rb.has_value());
    EXPECT_EQ(ra->selected, rb->selected);
    bool any_different = false;
    for (uint64_t seed = 1; seed < 10 && !any_different; ++seed) {
        WalletRng c(seed);
        auto rc = SelectCoins(coins, p, c);
        ASSERT_TRUE(rc.has_value());
        any_different = rc->selected != ra->selected;
    }
    EXPECT_TRUE(any_different);  // the order really is random
}

TEST(CoinSelection, ShuffleIsAPermutation) {
    std::vector<int> v(50);
    std::iota(v.begin(), v.end(), 0);
    WalletRng rng(11);
    auto shuffled = v;
    ShuffleWith(shuffled, rng);
    EXPECT_NE(shuffled, v);
    std::sort(shuffled.begin(), shuffled.end());
    EXPECT_EQ(shuffled, v);
}

}  // namespace
}  // namespace tonari::bitcoin::wallet
