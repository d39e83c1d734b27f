// Whole simulations of real PeerManagers: a small network converges on one chain with every
// block reaching every node; a run repeats exactly (same trace hash) with the same seed and
// differs with another.
#include "sim/scenario.h"

#include <gtest/gtest.h>

namespace tonari::sim {
namespace {

Scenario Small(uint64_t seed) {
    Scenario s;
    s.name = "test-30";
    s.nodes = 30;
    s.reachable_share = 0.4;
    s.miners = 4;
    s.block_interval_s = 20;
    s.warmup_s = 30;
    s.duration_s = 240;
    s.seed = seed;
    return s;
}

TEST(Scenario, SmallNetworkConvergesAndEveryBlockReachesEveryone) {
    const Report r = RunScenario(Small(1));
    EXPECT_TRUE(r.converged);
    EXPECT_GT(r.blocks_mined, 3);
    EXPECT_GT(r.time_to_90pct_s, 0.0);
    EXPECT_GE(r.block_propagation.p90, r.block_propagation.p50);
    EXPECT_GT(r.bytes_per_node, 0u);
    std::cout << "[sim] " << r.ToJson().Dump() << "\n";
}

TEST(Scenario, SameSeedSameRunOtherSeedOtherRun) {
    const Report a = RunScenario(Small(7));
    const Report b = RunScenario(Small(7));
    const Report c = RunScenario(Small(8));
    EXPECT_EQ(a.trace_hash, b.trace_hash);
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.blocks_mined, b.blocks_mined);
    EXPECT_NE(a.trace_hash, c.trace_hash);
}

}  // namespace
}  // namespace tonari::sim
