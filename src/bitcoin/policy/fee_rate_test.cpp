// FeeRate: construction from a paid fee (truncating), fees for a size (rounding up, the
// minimum-one-satoshi rules, clamping), Core's two print formats, ordering.
#include "bitcoin/policy/fee_rate.h"

#include <gtest/gtest.h>

#include <limits>

namespace tonari::bitcoin::policy {
namespace {

using primitives::Amount;

TEST(FeeRate, FromFeeTruncates) {
    EXPECT_EQ(FeeRate::FromFee(1000, 1000).SatPerKvB(), 1000);
    EXPECT_EQ(FeeRate::FromFee(250, 250).SatPerKvB(), 1000);
    // 1000 * 1000 / 141 = 7092.19...
    EXPECT_EQ(FeeRate::FromFee(1000, 141).SatPerKvB(), 7092);
    // 1 * 1000 / 3 = 333.3...; 2 * 1000 / 3 = 666.6... (truncated, not rounded)
    EXPECT_EQ(FeeRate::FromFee(1, 3).SatPerKvB(), 333);
    EXPECT_EQ(FeeRate::FromFee(2, 3).SatPerKvB(), 666);
    // Negative fees truncate toward zero.
    EXPECT_EQ(FeeRate::FromFee(-2, 3).SatPerKvB(), -666);
    // Fees too small for the size give rate 0.
    EXPECT_EQ(FeeRate::FromFee(1, 1001).SatPerKvB(), 0);
}

TEST(FeeRate, FromFeeZeroOrNegativeSizeIsZero) {
    EXPECT_EQ(FeeRate::FromFee(12345, 0).SatPerKvB(), 0);
    EXPECT_EQ(FeeRate::FromFee(12345, -5).SatPerKvB(), 0);
}

TEST(FeeRate, FromFeeClampsInsteadOfOverflowing) {
    const Amount max = std::numeric_limits<Amount>::max();
    EXPECT_EQ(FeeRate::FromFee(max, 1).SatPerKvB(), max);
    EXPECT_EQ(FeeRate::FromFee(std::numeric_limits<Amount>::min(), 1).SatPerKvB(),
              std::numeric_limits<Amount>::min());
    // MAX_MONEY * 1000 still fits and is exact.
    EXPECT_EQ(FeeRate::FromFee(primitives::MAX_MONEY, 1).SatPerKvB(), primitives::MAX_MONEY * 1000);
}

TEST(FeeRate, GetFeeExactProducts) {
    const FeeRate one_sat_vb{1000};
    EXPECT_EQ(one_sat_vb.GetFee(1), 1);
    EXPECT_EQ(one_sat_vb.GetFee(250), 250);
    EXPECT_EQ(one_sat_vb.GetFee(100'000), 100'000);
    EXPECT_EQ(FeeRate{3000}.GetFee(182), 546);
    EXPECT_EQ(FeeRate{123}.GetFee(1000), 123);
}

TEST(FeeRate, GetFeeRoundsUp) {
    // 1001 sat/kvB for 1 vB is 1.001 sat: paying 1 would fall short of the rate.
    EXPECT_EQ(FeeRate{1001}.GetFee(1), 2);
    EXPECT_EQ(FeeRate{1001}.GetFee(999), 1000);   // 999.999
    EXPECT_EQ(FeeRate{1001}.GetFee(1000), 1001);  // exact
    EXPECT_EQ(FeeRate{3001}.GetFee(182), 547);    // 546.182
    EXPECT_EQ(FeeRate{7092}.GetFee(141), 1000);   // 999.972
    EXPECT_EQ(FeeRate{1500}.GetFee(3), 5);        // 4.5
    // The fee paid at the rounded-up amount always meets the rate.
    for (int64_t vsize = 1; vsize <= 2000; vsize += 37) {
        const FeeRate rate{1234};
        const Amount fee = rate.GetFee(vsize);
        EXPECT_GE(fee * 1000, rate.SatPerKvB() * vsize) << vsize;
        EXPECT_LT((fee - 1) * 1000, rate.SatPerKvB() * vsize) << vsize;
    }
}

TEST(FeeRate, PositiveRateNeverGivesZeroFee) {
    EXPECT_EQ(FeeRate{1}.GetFee(1), 1);
    EXPECT_EQ(FeeRate{1}.GetFee(999), 1);
    EXPECT_EQ(FeeRate{1}.GetFee(1000), 1);
    EXPECT_EQ(FeeRate{1}.GetFee(1001), 2);
}

TEST(FeeRate, ZeroRateOrSizeGivesZero) {
    EXPECT_EQ(FeeRate{}.GetFee(1000), 0);
    EXPECT_EQ(FeeRate{0}.GetFee(12345), 0);
    EXPECT_EQ(FeeRate{1000}.GetFee(0), 0);
    EXPECT_EQ(FeeRate{1000}.GetFee(-1), 0);
    EXPECT_EQ(FeeRate{-1000}.GetFee(0), 0);
}

TEST(FeeRate, NegativeRates) {
    EXPECT_EQ(FeeRate{-1000}.GetFee(1), -1);
    EXPECT_EQ(FeeRate{-1000}.GetFee(250), -250);
    // Ceiling of a negative value is toward zero: -4.5 -> -4.
    EXPECT_EQ(FeeRate{-1500}.GetFee(3), -4);
    // A tiny discount still moves the fee by one satoshi.
    EXPECT_EQ(FeeRate{-1}.GetFee(1), -1);
    EXPECT_EQ(FeeRate{-1}.GetFee(999), -1);
}

TEST(FeeRate, GetFeeClampsInsteadOfOverflowing) {
    const Amount max = std::numeric_limits<Amount>::max();
    const Amount min = std::numeric_limits<Amount>::min();
    EXPECT_EQ(FeeRate{max}.GetFee(4'000'000), max);
    EXPECT_EQ(FeeRate{min}.GetFee(4'000'000), min);
    // The largest meaningful rate times the largest standard size still fits exactly.
    EXPECT_EQ(FeeRate{primitives::MAX_MONEY}.GetFee(100'000), primitives::MAX_MONEY * 100);
}

TEST(FeeRate, ToBtcPerKvB) {
    EXPECT_EQ(FeeRate{1000}.ToBtcPerKvB(), "0.00001000 BTC/kvB");
    EXPECT_EQ(FeeRate{0}.ToBtcPerKvB(), "0.00000000 BTC/kvB");
    EXPECT_EQ(FeeRate{1}.ToBtcPerKvB(), "0.00000001 BTC/kvB");
    EXPECT_EQ(FeeRate{123'456'789}.ToBtcPerKvB(), "1.23456789 BTC/kvB");
    EXPECT_EQ(FeeRate{primitives::COIN * 21}.ToBtcPerKvB(), "21.00000000 BTC/kvB");
    EXPECT_EQ(FeeRate{-1000}.ToBtcPerKvB(), "-0.00001000 BTC/kvB");
    EXPECT_EQ(FeeRate{-123'456'789}.ToBtcPerKvB(), "-1.23456789 BTC/kvB");
    EXPECT_EQ(FeeRate{std::numeric_limits<Amount>::min()}.ToBtcPerKvB(), "-92233720368.54775808 BTC/kvB");
}

TEST(FeeRate, ToSatPerVb) {
    EXPECT_EQ(FeeRate{1000}.ToSatPerVb(), "1.000 sat/vB");
    EXPECT_EQ(FeeRate{0}.ToSatPerVb(), "0.000 sat/vB");
    EXPECT_EQ(FeeRate{1}.ToSatPerVb(), "0.001 sat/vB");
    EXPECT_EQ(FeeRate{1234}.ToSatPerVb(), "1.234 sat/vB");
    EXPECT_EQ(FeeRate{25'050}.ToSatPerVb(), "25.050 sat/vB");
    EXPECT_EQ(FeeRate{-1500}.ToSatPerVb(), "-1.500 sat/vB");
    EXPECT_EQ(FeeRate{-1}.ToSatPerVb(), "-0.001 sat/vB");
}

TEST(FeeRate, Ordering) {
    EXPECT_LT(FeeRate{999}, FeeRate{1000});
    EXPECT_EQ(FeeRate{1000}, FeeRate::FromFee(250, 250));
    EXPECT_GT(FeeRate{1}, FeeRate{});
    EXPECT_LT(FeeRate{-1}, FeeRate{});
    static_assert(FeeRate{5}.SatPerKvB() == 5);
}

}  // namespace
}  // namespace tonari::bitcoin::policy
