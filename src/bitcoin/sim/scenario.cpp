// Running a scenario: building the network, the mining process and churn, and the report.
#include "bitcoin/sim/scenario.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <random>

#include "bitcoin/consensus/params.h"
#include "bitcoin/wire/frame.h"
#include "bitcoin/wire/protocol.h"
#include "sim/sim_network.h"
#include "bitcoin/sim/monitor.h"
#include "bitcoin/sim/sim_node.h"
#include "sim/simulation.h"

namespace tonari::bitcoin::sim {
namespace {

// Simulated time starts here (2023-11-14): block timestamps must look current, or every node
// would think itself in initial block download.
constexpr int64_t START_US = int64_t{1'700'000'000} * 1'000'000;
// Addresses each node starts with, as a DNS seed answer would give them.
constexpr size_t SEED_ADDRESSES = 64;
// How long a churning node stays away before it comes back.
constexpr int64_t CHURN_DOWN_MIN_S = 30;
constexpr int64_t CHURN_DOWN_MAX_S = 300;
// No block is mined and no node leaves in the last minute of a run.
constexpr int64_t QUIET_END_S = 60;
// A node that came back this recently is still finding its peers: the churn figures set its
// block delays against those of nodes that never left.
constexpr int64_t RECENT_RETURN_S = 120;
// A block this late reached a node that was cut off from the honest network for a while.
constexpr double LATE_S = 60;
// The measuring node dials the network this long after the start, once every node listens.
constexpr int64_t MONITOR_START_S = 5;
// Its address, outside the nodes' ranges (11.x and up); its region is North America, for the
// studies' monitors were single well-connected servers.
constexpr const char* MONITOR_ADDRESS = "10.0.0.1";

// One /16 per node (Core's outbound rule takes one peer per group, as on the real internet
// where nodes are spread over many ranges).
std::string NodeAddress(int i) { return std::to_string(11 + i / 200) + "." + std::to_string(i % 200) + ".0.1"; }

Region PickRegion(const RegionModel& model, std::mt19937_64& rng) {
    double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    for (size_t r = 0; r < ::tonari::sim::REGION_COUNT; ++r) {
        u -= model.node_share[r];
        if (u < 0) return static_cast<Region>(r);
    }
    return Region::Europe;
}

double Quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

// Time until `share` of `count` nodes had the block, from the sorted delays of those that did;
// nullopt when too few ever did.
std::optional<double> TimeToShare(const std::vector<double>& sorted, size_t count, double share) {
    const auto need = static_cast<size_t>(std::ceil(share * static_cast<double>(count)));
    if (need == 0 || sorted.size() < need) return std::nullopt;
    return sorted[need - 1];
}

}  // namespace

// The built-in scenarios: a quick one for tests, the size the issue measures against real
// time, and churn.
struct Builtin {
    const char* name;
    int nodes;
    double reachable_share;
    int64_t block_interval_s;
    int64_t duration_s;
    double churn_per_hour;
    bool year_2014;  // SimBlock's 2015 tables, 400 kB blocks, protocol 70002 (blocks by inv)
    double attacker_share;
    bool monitor;    // a measuring node, as the studies it is compared with had
};
constexpr Builtin BUILTINS[] = {
    {"ci-100", 100, 0.3, 30, 600, 0, false, 0, false},
    {"mainnet-1000", 1000, 0.15, 600, 3600, 0, false, 0, false},
    {"churn", 100, 0.3, 30, 900, 2.0, false, 0, false},
    {"legacy-2014", 500, 0.3, 600, 3 * 3600, 0, true, 0, true},
    // An attacker runs 40 of the 50 listening nodes, and none of them relays anything.
    {"eclipse", 100, 0.5, 60, 1200, 0, false, 0.8, false},
};

int ReachableCount(const Scenario& sc) {
    return std::max(1, static_cast<int>(std::lround(sc.reachable_share * std::max(2, sc.nodes))));
}

int AttackerCount(const Scenario& sc) {
    const int reachable = ReachableCount(sc);
    const int miners = std::clamp(sc.miners, 1, reachable);
    return std::clamp(static_cast<int>(std::lround(sc.attacker_share * reachable)), 0, reachable - miners);
}

std::vector<std::string> BuiltinScenarioNames() {
    std::vector<std::string> out;
    for (const Builtin& b : BUILTINS) out.emplace_back(b.name);
    return out;
}

std::optional<Scenario> BuiltinScenario(const std::string& name) {
    for (const Builtin& b : BUILTINS) {
        if (name != b.name) continue;
        Scenario s;
        s.name = name;
        s.nodes = b.nodes;
        s.reachable_share = b.reachable_share;
        s.block_interval_s = b.block_interval_s;
        s.duration_s = b.duration_s;
        s.churn_per_hour = b.churn_per_hour;
        s.attacker_share = b.attacker_share;
        s.monitor = b.monitor;
        if (b.year_2014) {
            // 2014: blocks averaged about 400 kB; nodes spoke protocol 70002 (Core 0.9), which
            // announces blocks by inv and sends them whole on getdata; bandwidth as SimBlock's
            // 2015 measurements.
            s.model = &Model2015();
            s.block_bytes = 400'000;
            s.protocol_version = 70002;
        }
        return s;
    }
    return std::nullopt;
}

Report RunScenario(const Scenario& sc, const std::function<void(int64_t)>& progress) {
    const auto wall_start = std::chrono::steady_clock::now();
    const auto& params = bitcoin::consensus::GetParams(bitcoin::encoding::Network::Regtest);
    Simulation sim(START_US);
    std::mt19937_64 rng(sc.seed);
    SimNetwork net(sim, {.model = sc.model,
                         .jitter = sc.jitter,
                         .seed = rng(),
                         .port = params.default_port,
                         .frame_header_bytes = bitcoin::wire::FRAME_HEADER_SIZE,
                         .unlimited_bandwidth = !sc.send_delay_us.empty()});

    const int n = std::max(2, sc.nodes);
    const int reachable = ReachableCount(sc);
    std::vector<std::unique_ptr<SimNode>> nodes;
    std::vector<int> reachable_nodes;
    // A fixed topology: each node keeps exactly its listed peers, as `-connect` would.
    std::vector<std::vector<netcore::PeerEndpoint>> manual(static_cast<size_t>(n));
    for (const auto& [from, to] : sc.links) {
        if (from >= 0 && from < n && to >= 0 && to < n) {
            manual[static_cast<size_t>(from)].push_back({NodeAddress(to), params.default_port});
        }
    }
    std::map<std::string, int> by_address;
    const int miners = std::clamp(sc.miners, 1, reachable);
    const int attackers = AttackerCount(sc);
    const auto is_attacker = [&](int i) { return i >= reachable - attackers && i < reachable; };
    for (int i = 0; i < n; ++i) {
        const bool accepts = i < reachable;
        const size_t idx = net.AddNode(NodeAddress(i), PickRegion(*sc.model, rng), accepts);
        by_address[NodeAddress(i)] = i;
        if (idx < sc.send_delay_us.size()) net.SetSendDelay(idx, sc.send_delay_us[idx]);
        if (accepts) reachable_nodes.push_back(i);
        nodes.push_back(std::make_unique<SimNode>(sim, net, idx,
                                                  SimNodeOptions{.params = &params,
                                                                 .outbound_full_relay = sc.outbound_full_relay,
                                                                 .block_relay_only = sc.block_relay_only,
                                                                 .seed = rng(),
                                                                 .protocol_version = sc.protocol_version,
                                                                 .block_bytes = sc.block_bytes,
                                                                 .validation = sc.validation,
                                                                 .manual = std::move(manual[idx]),
                                                                 .automatic_outbound = sc.links.empty(),
                                                                 .silent = is_attacker(i)}));
    }
    for (int i = 0; i < n; ++i) {
        if (!sc.links.empty()) {
            nodes[static_cast<size_t>(i)]->Start();
            continue;
        }
        std::vector<int> pool = reachable_nodes;
        std::shuffle(pool.begin(), pool.end(), rng);
        std::vector<bitcoin::wire::AddrEntry> entries;
        for (int r : pool) {
            if (r == i) continue;
            if (entries.size() >= SEED_ADDRESSES) break;
            entries.push_back({static_cast<uint32_t>(START_US / 1'000'000 - 3600),
                               bitcoin::wire::NODE_NETWORK | bitcoin::wire::NODE_WITNESS,
                               *bitcoin::wire::NetAddress::Parse(NodeAddress(r), params.default_port)});
        }
        nodes[static_cast<size_t>(i)]->AddAddresses(entries);
        nodes[static_cast<size_t>(i)]->Start();
    }

    // The measuring node: its own place on the network (North America, as a well-connected
    // server), dialling every reachable honest node once they all listen.
    std::unique_ptr<Monitor> monitor;
    if (sc.monitor) {
        const size_t idx = net.AddNode(MONITOR_ADDRESS, Region::NorthAmerica, false);
        // Its nonce from the seed, not the run's generator: the mining and churn timeline stays
        // the one drawn without it.
        monitor = std::make_unique<Monitor>(sim, net, idx, params.message_start, sc.seed ^ 0x6d6f6e69746f72ULL);
        std::vector<netcore::PeerEndpoint> targets;
        for (int r : reachable_nodes) {
            if (!is_attacker(r)) targets.push_back({NodeAddress(r), params.default_port});
        }
        sim.At(START_US + MONITOR_START_S * 1'000'000, [&monitor, targets] { monitor->Watch(targets); });
    }

    // Mining: a Poisson process of blocks, each found by a miner chosen by hash power (equal).
    struct Mined {
        bitcoin::primitives::BlockHash hash;
        int64_t at_us;
        int miner;
    };
    std::vector<Mined> mined;
    const auto mine_at = [&](int miner) {
        if (!nodes[static_cast<size_t>(miner)]->Running() || is_attacker(miner)) return;
        const auto hash = nodes[static_cast<size_t>(miner)]->MineBlock(static_cast<uint32_t>(mined.size()));
        mined.push_back({hash, sim.Now(), miner});
        sim.Trace(mined.size());
    };
    const int64_t end_us = START_US + (sc.warmup_s + sc.duration_s) * 1'000'000;
    // Mining and churn stop this long before the end, so that the last block and the last
    // returning node have time to settle before convergence is judged.
    const int64_t quiet_from_us = end_us - QUIET_END_S * 1'000'000;
    std::exponential_distribution<double> interval(1.0 / static_cast<double>(sc.block_interval_s));
    std::exponential_distribution<double> uptime(sc.churn_per_hour > 0 ? sc.churn_per_hour / 3600.0 : 1.0);
    std::function<void()> mine_next;
    mine_next = [&] {
        mine_at(static_cast<int>(rng() % static_cast<uint64_t>(miners)));
        const auto gap = static_cast<int64_t>(interval(rng) * 1e6);
        if (sim.Now() + gap < quiet_from_us) sim.After(gap, mine_next);
    };
    if (sc.schedule.empty()) {
        sim.At(START_US + sc.warmup_s * 1'000'000 + static_cast<int64_t>(interval(rng) * 1e6), mine_next);
    }
    for (const ScheduledBlock& b : sc.schedule) {
        if (b.miner < 0 || b.miner >= n) continue;
        sim.At(START_US + (sc.warmup_s + b.at_s) * 1'000'000, [&mine_at, miner = b.miner] { mine_at(miner); });
    }

    // Churn: non-mining nodes leave and come back; when each was away is kept for the figures.
    std::vector<std::vector<std::pair<int64_t, int64_t>>> away(static_cast<size_t>(n));
    std::vector<std::function<void()>> leave(static_cast<size_t>(n));
    const int64_t last_leave_us = quiet_from_us - CHURN_DOWN_MAX_S * 1'000'000;
    if (sc.churn_per_hour > 0) {
        for (int i = miners; i < n; ++i) {
            const auto idx = static_cast<size_t>(i);
            leave[idx] = [&, idx] {
                nodes[idx]->Stop();
                away[idx].emplace_back(sim.Now(), std::numeric_limits<int64_t>::max());
                const int64_t down = CHURN_DOWN_MIN_S + static_cast<int64_t>(rng() % (CHURN_DOWN_MAX_S - CHURN_DOWN_MIN_S));
                sim.After(down * 1'000'000, [&, idx] {
                    nodes[idx]->Start();
                    away[idx].back().second = sim.Now();
                    const auto up = static_cast<int64_t>(uptime(rng) * 1e6);
                    if (sim.Now() + up < last_leave_us) sim.After(up, leave[idx]);
                });
            };
            const auto first = START_US + sc.warmup_s * 1'000'000 + static_cast<int64_t>(uptime(rng) * 1e6);
            if (first < last_leave_us) sim.At(first, leave[idx]);
        }
    }

    for (int64_t t = START_US; t < end_us;) {
        t = std::min(end_us, t + 60 * 1'000'000);
        sim.RunUntil(t);
        if (progress) progress((t - START_US) / 1'000'000);
    }

    Report report;
    report.scenario = sc.name;
    report.seed = sc.seed;
    report.validation = std::string(ValidationModelName(sc.validation));
    report.nodes = n;
    report.blocks_mined = static_cast<int>(mined.size());
    const auto& reference = nodes[0]->Chain();
    const auto away_at = [&away](size_t node, int64_t t) {
        return std::any_of(away[node].begin(), away[node].end(),
                           [t](const auto& span) { return span.first <= t && t < span.second; });
    };
    // Away at any moment of [from, to].
    const auto away_during = [&away](size_t node, int64_t from, int64_t to) {
        return std::any_of(away[node].begin(), away[node].end(),
                           [from, to](const auto& span) { return span.first <= to && from < span.second; });
    };
    // Figures count the nodes that could have had each block: not its miner, not one that was
    // away when it was found. For churn, a node that came back less than RECENT_RETURN_S
    // before a block (still finding its peers) is set against nodes that never left; miners
    // are in neither group.
    const auto returned_recently = [&away](size_t node, int64_t t) {
        return std::any_of(away[node].begin(), away[node].end(), [t](const auto& span) {
            return span.second <= t && t - span.second < RECENT_RETURN_S * 1'000'000;
        });
    };
    std::vector<double> all_delays, since_first, stable_delays, returned_delays;
    std::vector<double> t50, t90;
    size_t pairs = 0, reached = 0;  // (final-chain block, honest node present) pairs, and those that had it
    std::vector<int> blocks_had(static_cast<size_t>(n), 0);
    std::vector<bool> was_late(static_cast<size_t>(n), false);
    int final_blocks = 0;
    for (const Mined& m : mined) {
        const auto* index = reference.Tree().Lookup(m.hash);
        const bool stale = index == nullptr || !reference.Chain().Contains(index);
        if (sc.report_arrivals) {
            BlockArrivals& record = report.arrivals.emplace_back();
            record.hash = m.hash.ToHex();
            record.miner = m.miner;
            record.stale = stale;
            record.mined_at_s = static_cast<double>(m.at_us - START_US) / 1e6 - static_cast<double>(sc.warmup_s);
            record.nodes.resize(static_cast<size_t>(n));
            for (size_t idx = 0; idx < static_cast<size_t>(n); ++idx) {
                if (idx == static_cast<size_t>(m.miner)) continue;
                const auto& seen = nodes[idx]->FirstConnected();
                if (const auto it = seen.find(m.hash); it != seen.end()) {
                    record.nodes[idx].after_s = static_cast<double>(it->second - m.at_us) / 1e6;
                }
                const auto& sources = nodes[idx]->BlockSources();
                if (const auto it = sources.find(m.hash); it != sources.end()) {
                    if (const auto from = by_address.find(it->second); from != by_address.end()) {
                        record.nodes[idx].from = from->second;
                    }
                }
            }
        }
        if (stale) {
            ++report.stale_blocks;
            continue;
        }
        ++final_blocks;
        std::vector<double> delays;
        size_t eligible = 0;
        for (int i = 0; i < n; ++i) {
            const auto idx = static_cast<size_t>(i);
            if (i == m.miner || away_at(idx, m.at_us) || is_attacker(i)) continue;
            ++eligible;
            const auto& seen = nodes[idx]->FirstConnected();
            const auto it = seen.find(m.hash);
            if (it == seen.end()) continue;
            ++reached;
            ++blocks_had[idx];
            if (static_cast<double>(it->second - m.at_us) / 1e6 > LATE_S) was_late[idx] = true;
            const double d = static_cast<double>(it->second - m.at_us) / 1e6;
            all_delays.push_back(d);
            delays.push_back(d);
            if (i < miners) continue;
            if (away[idx].empty()) {
                stable_delays.push_back(d);
            } else if (returned_recently(idx, m.at_us)) {
                returned_delays.push_back(d);
            }
        }
        pairs += eligible;
        std::sort(delays.begin(), delays.end());
        report.block_delays_s.push_back(delays);
        report.block_eligible.push_back(eligible);
        // As the measurement studies count: from the first node other than the miner to have it.
        for (double d : delays) since_first.push_back(d - delays.front());
        if (auto v = TimeToShare(delays, eligible, 0.5)) t50.push_back(*v);
        if (auto v = TimeToShare(delays, eligible, 0.9)) t90.push_back(*v);
    }
    report.block_propagation = {Quantile(all_delays, 0.10), Quantile(all_delays, 0.50), Quantile(all_delays, 0.90),
                                Quantile(all_delays, 0.95), Quantile(all_delays, 0.99)};
    report.since_first = {Quantile(since_first, 0.10), Quantile(since_first, 0.50), Quantile(since_first, 0.90),
                          Quantile(since_first, 0.95), Quantile(since_first, 0.99)};
    std::sort(all_delays.begin(), all_delays.end());
    std::sort(since_first.begin(), since_first.end());
    report.delays_s = std::move(all_delays);
    report.since_first_s = std::move(since_first);
    report.eligible_pairs = pairs;
    report.attackers = attackers;
    report.reached_share = pairs > 0 ? static_cast<double>(reached) / static_cast<double>(pairs) : 0;
    // Only nodes that never left and never mined: a node away for a while is late for that reason.
    std::vector<bool> mined_any(static_cast<size_t>(n), false);
    for (const Mined& m : mined) mined_any[static_cast<size_t>(m.miner)] = true;
    for (int i = 0; i < n && final_blocks > 0; ++i) {
        if (is_attacker(i) || mined_any[static_cast<size_t>(i)] || !away[static_cast<size_t>(i)].empty()) continue;
        if (blocks_had[static_cast<size_t>(i)] == 0) ++report.eclipsed_nodes;
        if (was_late[static_cast<size_t>(i)]) ++report.late_nodes;
    }
    if (monitor) {
        // The studies' figure: for each block on the final chain, when each node announced it
        // to the monitor, from the block's first announcement. A node that connects several
        // blocks at once (or reorganises) announces only its new tip, as Core does: its
        // announcement of a later final-chain block stands for the ones below it. A (block,
        // node) pair counts only if the node was there from when the block was found until it
        // announced it, and one link from the monitor to it was up from the block's first
        // announcement until then (to the end of the run, for a block it never announced):
        // what a monitor could not have heard is left out, not counted late.
        MonitorFigures figures;
        std::vector<int> watched;
        for (int r : reachable_nodes) {
            if (!is_attacker(r)) watched.push_back(r);
        }
        figures.watched = static_cast<int>(watched.size());
        std::vector<std::pair<int, const Mined*>> chain;  // (height, block) on the final chain
        for (const Mined& m : mined) {
            const auto* index = reference.Tree().Lookup(m.hash);
            if (index != nullptr && reference.Chain().Contains(index)) chain.emplace_back(index->height, &m);
        }
        std::sort(chain.begin(), chain.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        constexpr int64_t NEVER = std::numeric_limits<int64_t>::max();
        const auto& heard = monitor->Announcements();
        std::vector<std::vector<int64_t>> at(watched.size(), std::vector<int64_t>(chain.size(), NEVER));
        for (size_t k = 0; k < watched.size(); ++k) {
            const std::string address = NodeAddress(watched[k]);
            int64_t running = NEVER;
            for (size_t b = chain.size(); b-- > 0;) {
                if (const auto it = heard.find(chain[b].second->hash); it != heard.end()) {
                    if (const auto own = it->second.find(address); own != it->second.end()) running = std::min(running, own->second);
                }
                at[k][b] = running;
            }
        }
        std::vector<double> announced;
        size_t counted_pairs = 0;
        for (size_t b = 0; b < chain.size(); ++b) {
            int64_t first = NEVER;
            for (size_t k = 0; k < watched.size(); ++k) first = std::min(first, at[k][b]);
            if (first == NEVER) continue;
            for (size_t k = 0; k < watched.size(); ++k) {
                const auto node = static_cast<size_t>(watched[k]);
                const int64_t until = at[k][b] != NEVER ? at[k][b] : end_us - 1;
                if (away_during(node, chain[b].second->at_us, until) ||
                    !monitor->LinkedThrough(NodeAddress(watched[k]), first, until)) {
                    continue;
                }
                ++counted_pairs;
                if (at[k][b] != NEVER) announced.push_back(static_cast<double>(at[k][b] - first) / 1e6);
            }
        }
        figures.samples = announced.size();
        figures.pairs = counted_pairs;
        figures.announced_share = counted_pairs > 0 ? static_cast<double>(announced.size()) / static_cast<double>(counted_pairs) : 0;
        figures.since_first = {Quantile(announced, 0.10), Quantile(announced, 0.50), Quantile(announced, 0.90),
                               Quantile(announced, 0.95), Quantile(announced, 0.99)};
        figures.connected_at_end = static_cast<int>(monitor->Connected());
        report.monitor = figures;
    }
    report.time_to_50pct_s = Quantile(t50, 0.5);
    report.time_to_90pct_s = Quantile(t90, 0.5);
    report.median_delay_stable_s = Quantile(stable_delays, 0.5);
    report.median_delay_returned_s = Quantile(returned_delays, 0.5);
    report.returned_samples = returned_delays.size();
    uint64_t bytes = 0;
    for (int i = 0; i < n; ++i) bytes += net.Traffic(static_cast<size_t>(i)).bytes_sent;
    for (const auto& node : nodes) {
        for (const auto& [reason, count] : node->DisconnectReasons()) report.disconnect_reasons[reason] += count;
    }
    report.bytes_per_node = bytes / static_cast<uint64_t>(n);
    report.converged = true;  // the honest nodes: an attacker's tip is its own business
    for (const auto& node : nodes) {
        if (node->Silent()) continue;
        if (node->Running() && node->Chain().Tip() != nullptr && node->Chain().Tip()->hash != reference.Tip()->hash) {
            report.converged = false;
        }
    }
    report.simulated_s = (end_us - START_US) / 1'000'000;
    report.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    report.speed_factor = report.wall_s > 0 ? static_cast<double>(report.simulated_s) / report.wall_s : 0;
    report.events = sim.EventsRun();
    report.events_per_s = report.wall_s > 0 ? static_cast<double>(report.events) / report.wall_s : 0;
    report.trace_hash = sim.TraceHash();
    return report;
}

namespace {

util::Json PercentilesJson(const Percentiles& p) {
    util::Json o = util::Json::MakeObject();
    o.Set("p10", p.p10);
    o.Set("p50", p.p50);
    o.Set("p90", p.p90);
    o.Set("p95", p.p95);
    o.Set("p99", p.p99);
    return o;
}

}  // namespace

util::Json Report::ToJson() const {
    util::Json o = util::Json::MakeObject();
    o.Set("scenario", scenario);
    o.Set("seed", seed);
    o.Set("validation", validation);
    o.Set("nodes", int64_t{nodes});
    o.Set("blocks_mined", int64_t{blocks_mined});
    o.Set("stale_blocks", int64_t{stale_blocks});
    o.Set("block_propagation_s", PercentilesJson(block_propagation));
    o.Set("block_propagation_since_first_s", PercentilesJson(since_first));
    o.Set("time_to_50pct_nodes_s", time_to_50pct_s);
    o.Set("time_to_90pct_nodes_s", time_to_90pct_s);
    o.Set("median_delay_stable_s", median_delay_stable_s);
    o.Set("median_delay_returned_s", median_delay_returned_s);
    o.Set("returned_samples", static_cast<uint64_t>(returned_samples));
    o.Set("attackers", int64_t{attackers});
    o.Set("eclipsed_nodes", int64_t{eclipsed_nodes});
    o.Set("reached_share", reached_share);
    o.Set("late_nodes", int64_t{late_nodes});
    util::Json reasons = util::Json::MakeObject();
    for (const auto& [reason, count] : disconnect_reasons) reasons.Set(reason, count);
    o.Set("disconnect_reasons", std::move(reasons));
    o.Set("bytes_sent_per_node", bytes_per_node);
    o.Set("converged", converged);
    o.Set("simulated_s", simulated_s);
    o.Set("wall_s", wall_s);
    o.Set("speed_factor", speed_factor);
    o.Set("events", events);
    o.Set("events_per_s", events_per_s);
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(trace_hash));
    o.Set("trace_hash", std::string(hex));
    if (monitor) {
        util::Json m = util::Json::MakeObject();
        m.Set("watched_nodes", int64_t{monitor->watched});
        m.Set("since_first_announcement_s", PercentilesJson(monitor->since_first));
        m.Set("announced_share", monitor->announced_share);
        m.Set("samples", static_cast<uint64_t>(monitor->samples));
        m.Set("pairs", static_cast<uint64_t>(monitor->pairs));
        m.Set("connected_at_end", int64_t{monitor->connected_at_end});
        o.Set("monitor", std::move(m));
    }
    if (!arrivals.empty()) {
        util::Json blocks = util::Json::MakeArray();
        for (const BlockArrivals& b : arrivals) {
            util::Json block = util::Json::MakeObject();
            block.Set("hash", b.hash);
            block.Set("miner", int64_t{b.miner});
            block.Set("mined_at_s", b.mined_at_s);
            block.Set("stale", b.stale);
            util::Json per_node = util::Json::MakeArray();
            for (const Arrival& a : b.nodes) {
                util::Json e = util::Json::MakeObject();
                e.Set("after_s", a.after_s);
                e.Set("from", int64_t{a.from});
                per_node.PushBack(std::move(e));
            }
            block.Set("nodes", std::move(per_node));
            blocks.PushBack(std::move(block));
        }
        o.Set("arrivals", std::move(blocks));
    }
    return o;
}

}  // namespace tonari::bitcoin::sim
