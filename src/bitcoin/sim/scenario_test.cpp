// Whole simulations of real PeerManagers: a small network converges on one chain with every
// block reaching every node; a run repeats exactly (same trace hash) with the same seed and
// differs with another; the 2014 network (inv and getdata, 2015 bandwidth) is slower than
// today's (compact blocks); a monitor hears every reachable node announce every block.
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

// Node 3 sits behind NAT and can reach only nodes 1 and 2, which hear every block from the
// miner (node 0). Honest, they pass each block on; run by an attacker, they relay nothing and
// node 3 never has a block, however long the run, while they themselves have every one.
TEST(Scenario, NodesThatRelayNothingCutOffANodeThatReachesOnlyThem) {
    Scenario s;
    s.nodes = 4;
    s.reachable_share = 0.75;
    s.miners = 1;
    s.jitter = 0;
    s.warmup_s = 10;
    s.duration_s = 900;
    s.links = {{1, 0}, {2, 0}, {3, 1}, {3, 2}};
    s.schedule = {{10, 0}, {300, 0}, {600, 0}};
    s.report_arrivals = true;
    const Report honest = RunScenario(s);
    EXPECT_EQ(honest.attackers, 0);
    EXPECT_EQ(honest.eclipsed_nodes, 0);
    EXPECT_DOUBLE_EQ(honest.reached_share, 1.0);
    ASSERT_EQ(honest.arrivals.size(), 3u);
    EXPECT_GE(honest.arrivals[0].nodes[3].from, 1);

    s.attacker_share = 2.0 / 3.0;  // nodes 1 and 2 of the three reachable
    const Report attacked = RunScenario(s);
    EXPECT_EQ(attacked.attackers, 2);
    EXPECT_EQ(attacked.eclipsed_nodes, 1);
    EXPECT_DOUBLE_EQ(attacked.reached_share, 0.0);  // node 3 is the only honest non-miner
    EXPECT_FALSE(attacked.converged);
    ASSERT_EQ(attacked.arrivals.size(), 3u);
    for (const BlockArrivals& b : attacked.arrivals) {
        EXPECT_EQ(b.nodes[3].after_s, -1);
        EXPECT_GE(b.nodes[1].after_s, 0);  // the attackers had it
        EXPECT_GE(b.nodes[2].after_s, 0);
    }
}

TEST(Scenario, AMonitorHearsEveryReachableNodeAnnounceEveryBlock) {
    Scenario s = Small(5);
    s.monitor = true;
    s.protocol_version = 70002;  // blocks announced by inv, as in the 2014 studies
    const Report r = RunScenario(s);
    ASSERT_TRUE(r.monitor.has_value());
    const MonitorFigures& m = *r.monitor;
    EXPECT_EQ(m.watched, ReachableCount(s));
    EXPECT_TRUE(r.converged);
    // Every reachable node announced every final-chain block to it (it connected before the
    // first block, nobody dropped it, and a node's later announcement covers blocks below it).
    EXPECT_EQ(m.pairs, static_cast<size_t>(m.watched * (r.blocks_mined - r.stale_blocks)));
    EXPECT_EQ(m.samples, m.pairs);
    EXPECT_EQ(m.connected_at_end, m.watched);
    // The first announcement is some node's own block or its first copy: the others follow
    // within the run's propagation times plus a hop to the monitor, never later.
    EXPECT_GT(m.since_first.p50, 0.0);
    EXPECT_LT(m.since_first.p99, r.block_propagation.p99 + 1.0);
    EXPECT_NE(r.ToJson().Find("monitor"), nullptr);
    EXPECT_FALSE(RunScenario(Small(5)).monitor.has_value());
}

TEST(Scenario, AMonitorDialsChurningNodesAgainAndCountsOnlyWhatItCouldHear) {
    Scenario s = Small(6);
    s.monitor = true;
    s.churn_per_hour = 12;  // most nodes leave (for 30-300 s) and come back at least once
    s.duration_s = 600;     // (leaving stops 6 minutes before the end)
    s.block_interval_s = 40;
    const Report r = RunScenario(s);
    ASSERT_TRUE(r.monitor.has_value());
    const MonitorFigures& m = *r.monitor;
    // Churn stops before the end and every returning node is dialled again within 30 s.
    EXPECT_EQ(m.connected_at_end, m.watched);
    // Pairs with the node away or the link down are not counted: fewer than every pair.
    EXPECT_LT(m.pairs, static_cast<size_t>(m.watched * (r.blocks_mined - r.stale_blocks)));
    EXPECT_GT(m.announced_share, 0.9);
    std::cout << "[sim] monitor under churn: " << m.samples << " of " << m.pairs << " pairs heard ("
              << m.watched * (r.blocks_mined - r.stale_blocks) << " in all), p50 " << m.since_first.p50 << " s\n";
}

TEST(Scenario, NoPeerIsCalledAStallerForBeingSlowWithTheOneNewBlock) {
    // 2014's network: 400 kB blocks by inv and getdata over 2015 bandwidth, so a block takes
    // seconds to cross a slow link while other peers announce it too. The stall rule is for a
    // download window held up by one peer (Core: only when the window is full and this peer
    // could fetch nothing else); a peer slowly sending the one block we want is not stalling.
    Scenario s = Small(4);
    s.model = &Model2015();
    s.protocol_version = 70002;
    s.block_bytes = 400'000;
    s.block_interval_s = 60;
    s.duration_s = 480;
    const Report r = RunScenario(s);
    EXPECT_TRUE(r.converged);
    EXPECT_GT(r.blocks_mined, 3);
    EXPECT_EQ(r.disconnect_reasons.count("stalling block download"), 0u)
        << r.disconnect_reasons.at("stalling block download") << " stall disconnects";
}

}  // namespace
}  // namespace tonari::bitcoin::sim

