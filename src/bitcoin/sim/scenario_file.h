// Scenario files: a simulation described in JSON, so a run can be set up without rebuilding —
// a built-in scenario to start from ("base") and any of its settings changed, plus what only a
// file can give: a fixed topology ("links"), each node's own message delay ("send_delay_ms"),
// blocks at set times by set nodes ("blocks"), and per-node arrivals in the report. Every key is
// checked (an unknown one is an error, so a typo cannot silently leave a default in place) and
// every number bounded, with an error that names the key.
//
//   {"base": "ci-100", "nodes": 10, "reachable_share": 1, "jitter": 0,
//    "links": [[1, 0], [2, 1]], "send_delay_ms": [40, 55, 70],
//    "blocks": [{"at_s": 5, "miner": 0}], "report_arrivals": true}
#pragma once

#include <string>
#include <string_view>

#include "bitcoin/sim/scenario.h"
#include "netcore/peer_network.h"
#include "util/result.h"

namespace tonari::bitcoin::sim {

// Bounds on what a file or the command line may ask for: each keeps a mistyped number from
// asking the machine for more memory or time than it has. 1,000 nodes take about 0.85 GiB, so
// 10,000 (the largest run measured, bench/README.md) take about 8.5 GiB.
inline constexpr int MAX_FILE_NODES = 10'000;
inline constexpr int64_t MAX_FILE_DURATION_S = 7 * 24 * 3600;
inline constexpr size_t MAX_FILE_LINKS = 200'000;
inline constexpr size_t MAX_FILE_BLOCKS = 10'000;
inline constexpr double MAX_FILE_SEND_DELAY_MS = static_cast<double>(netcore::MAX_SEND_DELAY.count());
// The arrivals list has an entry per node per block: kept to networks small enough to read.
inline constexpr int MAX_ARRIVAL_NODES = 1'000;
// A scenario file is a few kilobytes; this is far above any sensible one.
inline constexpr size_t MAX_FILE_BYTES = 16 << 20;

// The scenario a file describes, or an error naming the key at fault.
util::Result<Scenario, std::string> ParseScenarioFile(std::string_view text);

// The rules between settings (links between existing nodes and towards reachable ones, one
// delay per node, blocks within the run, the node bound): run on a file's scenario and again
// after command-line changes to it. The error names what is wrong.
util::Result<void, std::string> ValidateScenario(const Scenario& scenario);

}  // namespace tonari::bitcoin::sim
