// The fee estimator on made-up confirmation histories: not enough data, a clear threshold
// between rates that confirm at once and rates that wait, and the sample bounds.
#include <gtest/gtest.h>

#include "bitcoin/mempool/fee_estimator.h"

namespace tonari::bitcoin::mempool {
namespace {

MempoolEntry Entry(primitives::Amount fee, int height) {
    MempoolEntry e;
    e.fee = fee;
    e.vsize = 100;
    e.height = height;
    return e;
}

TEST(FeeEstimator, NeedsEnoughSamples) {
    FeeEstimator est;
    auto mine_one = [&est](int h) {
        const MempoolEntry e = Entry(1000, h - 1);  // waited one block
        const MempoolEntry* p = &e;
        est.BlockConnected(h, std::span(&p, 1));
    };
    for (int h = 10; h < 19; ++h) mine_one(h);
    EXPECT_EQ(est.SampleCount(), 9u);
    EXPECT_FALSE(est.Estimate(1));
    mine_one(19);
    EXPECT_EQ(est.Estimate(1), policy::FeeRate(10'000));
    EXPECT_FALSE(est.Estimate(0));
}

TEST(FeeEstimator, FindsTheRateThatConfirmsInTime) {
    FeeEstimator est;
    // Each block: rich transactions (20 sat/vB) mined the block after they arrived, cheap ones
    // (2 sat/vB) after waiting 6 blocks.
    for (int h = 100; h < 140; ++h) {
        const MempoolEntry rich = Entry(2000, h - 1);
        const MempoolEntry cheap = Entry(200, h - 6);
        const MempoolEntry* both[] = {&rich, &cheap};
        est.BlockConnected(h, both);
    }
    EXPECT_EQ(est.Estimate(1), policy::FeeRate(20'000));
    EXPECT_EQ(est.Estimate(2), policy::FeeRate(20'000));
    EXPECT_EQ(est.Estimate(6), policy::FeeRate(2'000));
}

TEST(FeeEstimator, ForgetsOldBlocks) {
    FeeEstimator est;
    const MempoolEntry e = Entry(1000, 0);
    const MempoolEntry* p = &e;
    for (int h = 1; h <= 20; ++h) est.BlockConnected(h, std::span(&p, 1));
    est.BlockConnected(20 + MAX_CONFIRMATION_TARGET, {});
    EXPECT_EQ(est.SampleCount(), 0u);
}

}  // namespace
}  // namespace tonari::bitcoin::mempool
