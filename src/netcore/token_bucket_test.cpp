// TokenBucket with an injected clock: starts full, refills at the rate, caps at the burst,
// ignores a clock that steps back, and says how long to wait.
#include "netcore/token_bucket.h"

#include <gtest/gtest.h>

namespace tonari::netcore {
namespace {

using namespace std::chrono_literals;
const TokenBucket::Clock::time_point T0{std::chrono::seconds(1000)};

TEST(TokenBucket, StartsFullAndEmpties) {
    TokenBucket bucket(100, 50);
    EXPECT_DOUBLE_EQ(bucket.Available(T0), 50);
    EXPECT_TRUE(bucket.TryTake(30, T0));
    EXPECT_DOUBLE_EQ(bucket.Available(T0), 20);
    EXPECT_FALSE(bucket.TryTake(21, T0));  // a failed take takes nothing
    EXPECT_DOUBLE_EQ(bucket.Available(T0), 20);
    EXPECT_TRUE(bucket.TryTake(20, T0));
    EXPECT_FALSE(bucket.TryTake(1, T0));
}

TEST(TokenBucket, RefillsAtRateUpToBurst) {
    TokenBucket bucket(100, 50);
    ASSERT_TRUE(bucket.TryTake(50, T0));
    EXPECT_NEAR(bucket.Available(T0 + 100ms), 10, 1e-9);
    EXPECT_NEAR(bucket.Available(T0 + 250ms), 25, 1e-9);
    EXPECT_DOUBLE_EQ(bucket.Available(T0 + 10s), 50);  // capped at the burst
    EXPECT_FALSE(bucket.TryTake(11, T0 + 100ms));
    EXPECT_TRUE(bucket.TryTake(10, T0 + 100ms));
    EXPECT_NEAR(bucket.Available(T0 + 100ms), 0, 1e-9);
}

TEST(TokenBucket, ClockSteppingBackMintsNothing) {
    TokenBucket bucket(100, 50);
    ASSERT_TRUE(bucket.TryTake(50, T0 + 1s));
    EXPECT_DOUBLE_EQ(bucket.Available(T0), 0);
    EXPECT_FALSE(bucket.TryTake(1, T0));
    // Refill resumes from the latest time seen, not from the earlier one.
    EXPECT_NEAR(bucket.Available(T0 + 1s + 100ms), 10, 1e-9);
}

TEST(TokenBucket, RejectsNonsense) {
    TokenBucket bucket(100, 50);
    EXPECT_FALSE(bucket.TryTake(-1, T0));
    EXPECT_FALSE(bucket.TryTake(51, T0));  // more than the burst can ever hold
    EXPECT_TRUE(bucket.TryTake(0, T0));
    TokenBucket negative(-5, -5);
    EXPECT_DOUBLE_EQ(negative.Rate(), 0);
    EXPECT_DOUBLE_EQ(negative.Burst(), 0);
    EXPECT_FALSE(negative.TryTake(1, T0));
}

TEST(TokenBucket, ZeroRateNeverRefills) {
    TokenBucket bucket(0, 10);
    ASSERT_TRUE(bucket.TryTake(10, T0));
    EXPECT_DOUBLE_EQ(bucket.Available(T0 + 1000s), 0);
    EXPECT_EQ(bucket.TimeUntil(1, T0), TokenBucket::Clock::duration::max());
}

TEST(TokenBucket, TimeUntil) {
    TokenBucket bucket(1000, 100);
    EXPECT_EQ(bucket.TimeUntil(100, T0), TokenBucket::Clock::duration::zero());
    EXPECT_EQ(bucket.TimeUntil(101, T0), TokenBucket::Clock::duration::max());
    ASSERT_TRUE(bucket.TryTake(100, T0));
    const auto wait = bucket.TimeUntil(50, T0);
    EXPECT_GE(wait, 50ms);
    EXPECT_LT(wait, 51ms);
    // Waiting the time given is always enough.
    EXPECT_GE(bucket.Available(T0 + wait), 50);
    EXPECT_TRUE(bucket.TryTake(50, T0 + wait));
}

TEST(TokenBucket, SpendGoesIntoDebtThatRefillsPayOff) {
    TokenBucket bucket(100, 100);
    bucket.Spend(250, T0);  // two readers allowed the same tokens
    EXPECT_DOUBLE_EQ(bucket.Available(T0), -150);
    EXPECT_FALSE(bucket.TryTake(1, T0 + 1s));
    EXPECT_EQ(bucket.TimeUntil(50, T0 + 1s), std::chrono::duration_cast<TokenBucket::Clock::duration>(1000001us));
    EXPECT_TRUE(bucket.TryTake(50, T0 + 2s));
    bucket.Spend(-5, T0 + 2s);  // ignored
    EXPECT_DOUBLE_EQ(bucket.Available(T0 + 2s), 0);
    EXPECT_DOUBLE_EQ(bucket.Available(T0 + 10s), 100);  // never above the burst
}

}  // namespace
}  // namespace tonari::netcore
