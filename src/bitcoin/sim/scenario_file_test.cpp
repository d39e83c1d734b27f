// Scenario files: a base and its changes read as written; every key's type and bounds, unknown
// keys and the rules between keys refused with an error naming the key; and a file's fixed
// topology, per-node delays and block schedule run as written (hop by hop along the links).
#include "bitcoin/sim/scenario_file.h"

#include <gtest/gtest.h>

#include <string>

namespace tonari::bitcoin::sim {
namespace {

std::string ErrorOf(const std::string& text) {
    auto r = ParseScenarioFile(text);
    return r ? std::string("(accepted)") : r.error();
}

TEST(ScenarioFile, ABaseWithChanges) {
    auto r = ParseScenarioFile(R"({"base": "legacy-2014", "name": "mine", "nodes": 40, "seed": 9,
                                   "validation": "full", "regions": "2019", "jitter": 0, "attacker_share": 0.5})");
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->name, "mine");
    EXPECT_EQ(r->nodes, 40);
    EXPECT_EQ(r->seed, 9u);
    EXPECT_EQ(r->validation, ValidationModel::Full);
    EXPECT_EQ(r->model, &Model2019());
    EXPECT_EQ(r->jitter, 0.0);
    EXPECT_EQ(r->attacker_share, 0.5);
    EXPECT_EQ(r->protocol_version, 70002);  // kept from the base
    EXPECT_EQ(r->block_bytes, 400'000u);
}

TEST(ScenarioFile, TopologyDelaysAndSchedule) {
    auto r = ParseScenarioFile(R"({"nodes": 3, "reachable_share": 1, "links": [[1, 0], [2, 1]],
                                   "send_delay_ms": [10, 20.5, 30], "duration_s": 120,
                                   "blocks": [{"at_s": 5, "miner": 0}, {"miner": 2, "at_s": 60}],
                                   "report_arrivals": true, "monitor": true})");
    ASSERT_TRUE(r) << r.error();
    EXPECT_TRUE(r->monitor);
    EXPECT_EQ(r->links, (std::vector<std::pair<int, int>>{{1, 0}, {2, 1}}));
    EXPECT_EQ(r->send_delay_us, (std::vector<int64_t>{10'000, 20'500, 30'000}));
    ASSERT_EQ(r->schedule.size(), 2u);
    EXPECT_EQ(r->schedule[1].at_s, 60);
    EXPECT_EQ(r->schedule[1].miner, 2);
    EXPECT_TRUE(r->report_arrivals);
    auto same = ParseScenarioFile(R"({"nodes": 4, "send_delay_ms": 25})");
    ASSERT_TRUE(same) << same.error();
    EXPECT_EQ(same->send_delay_us, (std::vector<int64_t>(4, 25'000)));
}

TEST(ScenarioFile, EveryMistakeNamesItsKey) {
    EXPECT_EQ(ErrorOf("[1]"), "scenario file: must be a JSON object");
    EXPECT_NE(ErrorOf("{\"nodes\": 3").find("not JSON"), std::string::npos);
    EXPECT_EQ(ErrorOf(R"({"node": 3})"), "scenario file: unknown key 'node'");
    EXPECT_EQ(ErrorOf(R"({"base": "mainnet"})").rfind("scenario file: 'base' must name a built-in scenario (ci-100", 0), 0u);
    EXPECT_EQ(ErrorOf(R"({"nodes": 1})"), "scenario file: 'nodes' must be a whole number from 2 to 10000");
    EXPECT_EQ(ErrorOf(R"({"nodes": 2.5})"), "scenario file: 'nodes' must be a whole number from 2 to 10000");
    EXPECT_EQ(ErrorOf(R"({"nodes": "10"})"), "scenario file: 'nodes' must be a whole number from 2 to 10000");
    EXPECT_EQ(ErrorOf(R"({"nodes": 1e300})"), "scenario file: 'nodes' must be a whole number from 2 to 10000");
    EXPECT_EQ(ErrorOf(R"({"reachable_share": 1.5})"), "scenario file: 'reachable_share' must be a number from 0 to 1");
    EXPECT_EQ(ErrorOf(R"({"regions": 2015})"),
              "scenario file: 'regions' must be \"2015\" or \"2019\" (SimBlock's tables of that year)");
    EXPECT_EQ(ErrorOf(R"({"validation": "some"})"), "scenario file: 'validation' must be \"none\", \"cached\" or \"full\"");
    EXPECT_EQ(ErrorOf(R"({"seed": -1})"), "scenario file: 'seed' must be a whole number from 0");
    EXPECT_EQ(ErrorOf(R"({"report_arrivals": 1})"), "scenario file: 'report_arrivals' must be true or false");
    EXPECT_EQ(ErrorOf(R"({"monitor": "yes"})"), "scenario file: 'monitor' must be true or false");
    EXPECT_EQ(ErrorOf(R"({"links": [[0]]})"),
              "scenario file: 'links' must be a list of [from, to] node index pairs (entry 0)");
    EXPECT_EQ(ErrorOf(R"({"nodes": 3, "reachable_share": 1, "links": [[0, 3]]})"),
              "scenario file: link [0, 3] names a node past the last (2)");
    EXPECT_EQ(ErrorOf(R"({"nodes": 3, "reachable_share": 1, "links": [[1, 1]]})"),
              "scenario file: link [1, 1] joins a node to itself");
    EXPECT_EQ(ErrorOf(R"({"nodes": 4, "reachable_share": 0.5, "links": [[0, 3]]})"),
              "scenario file: link [0, 3] dials node 3, which does not accept connections (nodes 0 to 1 do, by "
              "'reachable_share')");
    EXPECT_EQ(ErrorOf(R"({"nodes": 3, "reachable_share": 1, "links": [[0, 1], [0, 1]]})"),
              "scenario file: link [0, 1] is listed twice");
    EXPECT_EQ(ErrorOf(R"({"nodes": 3, "send_delay_ms": [1, 2]})"), "scenario file: 'send_delay_ms' has 2 delays for 3 nodes");
    EXPECT_EQ(ErrorOf(R"({"send_delay_ms": -1})"), "scenario file: 'send_delay_ms' must be a number from 0 to 10000");
    EXPECT_EQ(ErrorOf(R"({"nodes": 3, "blocks": [{"at_s": 1, "miner": 3}]})"),
              "scenario file: block at 1 s: miner 3 is past the last node");
    EXPECT_EQ(ErrorOf(R"({"duration_s": 60, "blocks": [{"at_s": 60, "miner": 0}]})"),
              "scenario file: block at 60 s is not within 'duration_s' (60)");
    EXPECT_EQ(ErrorOf(R"({"blocks": [{"at_s": 1, "miner": 0, "extra": 1}]})"),
              "scenario file: 'blocks' must be a list of {\"at_s\": seconds, \"miner\": node index} (entry 0)");
    EXPECT_EQ(ErrorOf(R"({"nodes": 4, "reachable_share": 1, "miners": 1, "attacker_share": 0.5,
                          "blocks": [{"at_s": 1, "miner": 3}]})"),
              "scenario file: block at 1 s: miner 3 is run by the attacker, which mines nothing");
    EXPECT_EQ(ErrorOf(R"({"nodes": 2000, "report_arrivals": true})"),
              "scenario file: 'report_arrivals' is for networks of up to 1000 nodes");
}

// A line of four nodes, each dialling the one before it, with a block mined at one end: it
// walks the line hop by hop, each node having it from its neighbour, later than the one before.
TEST(ScenarioFile, AFixedTopologyRunsAsWritten) {
    auto sc = ParseScenarioFile(R"({"nodes": 4, "reachable_share": 1, "jitter": 0, "validation": "none",
                                    "links": [[1, 0], [2, 1], [3, 2]], "send_delay_ms": [20, 30, 40, 50],
                                    "warmup_s": 10, "duration_s": 120,
                                    "blocks": [{"at_s": 5, "miner": 0}, {"at_s": 30, "miner": 3}],
                                    "report_arrivals": true})");
    ASSERT_TRUE(sc) << sc.error();
    const Report r = RunScenario(*sc);
    ASSERT_EQ(r.arrivals.size(), 2u);
    EXPECT_TRUE(r.converged);
    const BlockArrivals& first = r.arrivals[0];
    EXPECT_EQ(first.miner, 0);
    EXPECT_DOUBLE_EQ(first.mined_at_s, 5.0);
    for (int i = 1; i < 4; ++i) {
        const Arrival& a = first.nodes[static_cast<size_t>(i)];
        EXPECT_EQ(a.from, i - 1) << i;
        EXPECT_GT(a.after_s, first.nodes[static_cast<size_t>(i - 1)].after_s) << i;
    }
    EXPECT_EQ(first.nodes[0].from, -1);
    const BlockArrivals& second = r.arrivals[1];
    EXPECT_EQ(second.miner, 3);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(second.nodes[static_cast<size_t>(i)].from, i + 1) << i;
    // Each hop costs a whole number of the sender's and receiver's delays: nothing else takes
    // time with unlimited bandwidth and free checks.
    const double hop = second.nodes[2].after_s;
    EXPECT_GT(hop, 0.0);
    EXPECT_LT(hop, 1.0);
}

}  // namespace
}  // namespace tonari::bitcoin::sim
