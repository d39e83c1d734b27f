// Scenarios: what a simulation run sets up — how many nodes, how many accept inbound
// connections, their outbound slots, the region model, the miners and their block interval,
// how long to run, churn, and the seed everything random is derived from — and what it
// reports: block propagation (when each node first had each block on its chain), stale blocks,
// traffic, and the simulator's own speed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bitcoin/sim/validation_cost.h"
#include "sim/regions.h"
#include "util/json.h"

namespace tonari::bitcoin::sim {

// The simulator's floor, used by name here.
using ::tonari::sim::Model2015;
using ::tonari::sim::Model2019;
using ::tonari::sim::RegionModel;

// A block found at a set time by a set node, in place of the random mining process.
struct ScheduledBlock {
    int64_t at_s = 0;  // seconds after the warm-up
    int miner = 0;     // node index
};

struct Scenario {
    std::string name;
    int nodes = 100;
    double reachable_share = 0.3;  // the rest are behind NAT: outbound connections only
    int outbound_full_relay = 8;
    int block_relay_only = 2;
    const RegionModel* model = &Model2019();
    double jitter = 0.1;
    int miners = 5;                      // the first reachable nodes mine, with equal hash power
    int64_t block_interval_s = 600;      // mean time between blocks (exponential)
    int64_t duration_s = 3600;           // simulated time after the warm-up
    int64_t warmup_s = 60;               // time to connect before the first block
    double churn_per_hour = 0;           // share of non-mining nodes that leave and come back each hour
    uint32_t block_bytes = 0;            // each block padded to about this size (0: coinbase only)
    int32_t protocol_version = 70016;    // 70002: the 2014 network (blocks by inv, no compact blocks)
    ValidationModel validation = ValidationModel::Cached;  // what checking a received block costs
    // Share of the reachable nodes run by an attacker: they relay nothing (SilentNetwork) and
    // mine nothing, but hold their peers' connection slots like healthy nodes. The last
    // reachable nodes by index; never a miner.
    double attacker_share = 0;
    uint64_t seed = 1;
    // A fixed topology (a scenario file's "links"): node `first` dials node `second`, as
    // `tonari node -connect` would, and nodes learn no other addresses. Empty: each node starts
    // with addresses as a DNS seed would give them and fills its outbound slots itself.
    std::vector<std::pair<int, int>> links;
    // Per node: everything it sends takes this long to arrive, in place of the regions'
    // latency, and no link has a bandwidth limit (what `tonari node -simlatency` gives real
    // processes on loopback). Empty: the region model.
    std::vector<int64_t> send_delay_us;
    // Blocks at set times by set nodes (one whose node is away then is not mined). Empty: a
    // Poisson process over the miners.
    std::vector<ScheduledBlock> schedule;
    // The report lists, for each block, when each node had it and which peer it came from.
    bool report_arrivals = false;
    // A measuring node (monitor.h) connects to every reachable node and times their
    // announcements, as the published measurement studies did.
    bool monitor = false;
};

// How many nodes accept inbound connections, and how many of those an attacker runs (the
// last reachable ones by index, never one of the `miners` first).
int ReachableCount(const Scenario& scenario);
int AttackerCount(const Scenario& scenario);

// The built-in scenarios by name (ci-100, mainnet-1000, churn, legacy-2014, eclipse); nullopt
// for an unknown one.
std::optional<Scenario> BuiltinScenario(const std::string& name);
std::vector<std::string> BuiltinScenarioNames();

struct Percentiles {
    double p10 = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0;  // seconds
};

// One node's first copy of one block.
struct Arrival {
    double after_s = -1;  // seconds after the block was mined; -1: never had it
    int from = -1;        // the node index it came from; -1: its miner, or never had it
};

// What the measuring node saw: for each block on the final chain, when each reachable honest
// node announced it to the monitor, from the first announcement (the studies' figure).
// The miner's own announcement is among them (usually the 0 s one): a monitor cannot tell it.
struct MonitorFigures {
    int watched = 0;                  // reachable honest nodes it dialled
    Percentiles since_first;          // seconds from the block's first announcement, all pooled
    size_t pairs = 0;                 // (block, node) pairs it could have heard: node there, link up
    size_t samples = 0;               // of those, the ones it heard
    double announced_share = 0;       // samples / pairs
    int connected_at_end = 0;         // links with the handshake done when the run ended
};

struct BlockArrivals {
    std::string hash;
    int miner = 0;
    double mined_at_s = 0;          // seconds after the warm-up
    bool stale = false;             // not on node 0's final chain
    std::vector<Arrival> nodes;     // by node index
};

struct Report {
    std::string scenario;
    uint64_t seed = 0;
    std::string validation;              // the cost model's name
    int nodes = 0;
    int blocks_mined = 0;
    int stale_blocks = 0;               // mined but not on the final best chain of node 0
    Percentiles block_propagation;       // time from mining to each node's chain, all blocks pooled
    Percentiles since_first;             // the same from the first node (not the miner) to have it
    double time_to_50pct_s = 0;          // median over blocks of the time to reach half the nodes
    double time_to_90pct_s = 0;
    double median_delay_stable_s = 0;    // median block delay of non-mining nodes that never left
    double median_delay_returned_s = 0;  // ... of nodes back from an absence within the last 2 min
    size_t returned_samples = 0;         // (block, node) pairs behind the second figure
    int attackers = 0;
    // Honest nodes that never mined and never left, and had none of the blocks on the final
    // chain: every outbound peer was an attacker, and nobody honest connected to them.
    int eclipsed_nodes = 0;
    // The same nodes that had some final-chain block more than a minute after it was found (cut
    // off for a while, until a timeout swapped a peer).
    int late_nodes = 0;
    // Of each final-chain block and each honest node present when it was found: the share that
    // had the block by the end.
    double reached_share = 0;
    // Why connections ended, over all nodes' ends, by reason (churn, evictions, timeouts).
    std::map<std::string, int64_t> disconnect_reasons;
    uint64_t bytes_per_node = 0;         // mean bytes sent
    int64_t simulated_s = 0;
    double wall_s = 0;
    double speed_factor = 0;             // simulated seconds per wall second
    uint64_t events = 0;
    double events_per_s = 0;
    uint64_t trace_hash = 0;
    bool converged = false;              // every running honest node on one tip at the end
    std::vector<BlockArrivals> arrivals;  // with Scenario::report_arrivals
    std::optional<MonitorFigures> monitor;  // with Scenario::monitor
    // What the plots draw (not in the JSON): every (block, node) delay from mining, and from
    // the first node to have the block, sorted; each block's delays, sorted, with the number of
    // nodes that could have had it.
    std::vector<double> delays_s;
    std::vector<double> since_first_s;
    size_t eligible_pairs = 0;
    std::vector<std::vector<double>> block_delays_s;
    std::vector<size_t> block_eligible;

    util::Json ToJson() const;
};

// Runs the scenario. `progress` (may be empty) is told the simulated time now and then.
Report RunScenario(const Scenario& scenario, const std::function<void(int64_t simulated_s)>& progress = {});

}  // namespace tonari::bitcoin::sim
