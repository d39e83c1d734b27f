// Tests for the subsidy schedule: halving boundaries on mainnet and regtest, the end of the
// subsidy, and the total supply it implies.
#include <gtest/gtest.h>

#include <climits>

#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/subsidy.h"

namespace tonari::bitcoin::consensus {
namespace {

using encoding::Network;
using primitives::COIN;

TEST(Subsidy, MainnetHalvings) {
    const auto& p = GetParams(Network::Main);
    EXPECT_EQ(GetBlockSubsidy(0, p), 50 * COIN);
    EXPECT_EQ(GetBlockSubsidy(209'999, p), 50 * COIN);
    EXPECT_EQ(GetBlockSubsidy(210'000, p), 25 * COIN);
    EXPECT_EQ(GetBlockSubsidy(419'999, p), 25 * COIN);
    EXPECT_EQ(GetBlockSubsidy(420'000, p), 1'250'000'000);
    EXPECT_EQ(GetBlockSubsidy(630'000, p), 625'000'000);
    EXPECT_EQ(GetBlockSubsidy(840'000, p), 312'500'000);
    EXPECT_EQ(GetBlockSubsidy(1'050'000, p), 156'250'000);
    // 5,000,000,000 >> 32 is the last whole satoshi; from the 33rd halving nothing is left.
    EXPECT_EQ(GetBlockSubsidy(32 * 210'000, p), 1);
    EXPECT_EQ(GetBlockSubsidy(33 * 210'000, p), 0);
    EXPECT_EQ(GetBlockSubsidy(64 * 210'000 - 1, p), 0);
    EXPECT_EQ(GetBlockSubsidy(64 * 210'000, p), 0);  // shift would be undefined: must be 0
    EXPECT_EQ(GetBlockSubsidy(INT_MAX, p), 0);
}

TEST(Subsidy, RegtestHalvesEvery150Blocks) {
    const auto& p = GetParams(Network::Regtest);
    EXPECT_EQ(GetBlockSubsidy(149, p), 50 * COIN);
    EXPECT_EQ(GetBlockSubsidy(150, p), 25 * COIN);
    EXPECT_EQ(GetBlockSubsidy(299, p), 25 * COIN);
    EXPECT_EQ(GetBlockSubsidy(300, p), 1'250'000'000);
    EXPECT_EQ(GetBlockSubsidy(64 * 150, p), 0);
}

TEST(Subsidy, TotalSupply) {
    // Summing every block's subsidy gives the known total just under 21 million BTC.
    const auto& p = GetParams(Network::Main);
    primitives::Amount sum = 0;
    for (int height = 0; height < 14'000'000; height += 1000) {
        const primitives::Amount s = GetBlockSubsidy(height, p);
        ASSERT_LE(s, 50 * COIN);
        sum += s * 1000;
        ASSERT_TRUE(primitives::MoneyRange(sum));
    }
    EXPECT_EQ(sum, 2'099'999'997'690'000);
}

}  // namespace
}  // namespace tonari::bitcoin::consensus
