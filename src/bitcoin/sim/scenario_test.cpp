// Whole simulations of real PeerManagers: a small network converges on one chain with every
// block reaching every node; a run repeats exactly (same trace hash) with the same seed and
// differs with another; the 2014 network (inv and getdata, 2015 bandwidth) is slower than
// today's (compact blocks).
#include "bitcoin/sim/scenario.h"

#include <gtest/gtest.h>

namespace tonari::bitcoin::sim {
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

TEST(Scenario, TheNetworkOf2014IsSlowerThanTodays) {
    // Blocks by inv and getdata (protocol 70002) over 2015 bandwidth, against compact blocks
    // over 2019 bandwidth, with blocks of the same size.
    Scenario old_net = Small(3);
    old_net.model = &Model2015();
    old_net.protocol_version = 70002;
    old_net.block_bytes = 200'000;
    Scenario new_net = Small(3);
    new_net.block_bytes = 200'000;
    const Report then = RunScenario(old_net);
    const Report now = RunScenario(new_net);
    EXPECT_TRUE(then.converged);
    EXPECT_TRUE(now.converged);
    EXPECT_GT(then.block_propagation.p50, 2 * now.block_propagation.p50);
    std::cout << "[sim] median propagation, 2014 network " << then.block_propagation.p50 << " s, today "
              << now.block_propagation.p50 << " s\n";
}

}  // namespace
}  // namespace tonari::bitcoin::sim
