// `tonari sim`: a scenario run with a progress line (simulated time and the speed against
// real time), a terminal summary and the JSON report.
#include "app/sim_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "app/progress_line.h"
#include "bitcoin/sim/report_plots.h"
#include "bitcoin/sim/scenario.h"
#include "bitcoin/sim/scenario_file.h"

namespace tonari::app {
namespace {

std::string Fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
    return buf;
}

// A scenario file's text, read whole (bounded: a path to a huge file must not be read in).
util::Result<bitcoin::sim::Scenario, std::string> LoadScenarioFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return util::Fail("cannot read scenario file " + path);
    std::string text(bitcoin::sim::MAX_FILE_BYTES + 1, '\0');
    f.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (f.bad()) return util::Fail("cannot read scenario file " + path);
    text.resize(static_cast<size_t>(f.gcount()));
    auto parsed = bitcoin::sim::ParseScenarioFile(text);
    if (!parsed) return util::Fail(path + ": " + parsed.error());
    return parsed;
}

}  // namespace

int RunSimCommand(const SimCommandOptions& options, std::ostream& out, std::ostream& err) {
    std::optional<bitcoin::sim::Scenario> scenario;
    if (options.scenario.ends_with(".json")) {
        auto loaded = LoadScenarioFile(options.scenario);
        if (!loaded) {
            err << "Error: " << loaded.error() << "\n";
            return 1;
        }
        scenario = std::move(*loaded);
    } else {
        scenario = bitcoin::sim::BuiltinScenario(options.scenario);
    }
    if (!scenario) {
        err << "Error: unknown scenario '" << options.scenario << "' (built in:";
        for (const auto& name : bitcoin::sim::BuiltinScenarioNames()) err << " " << name;
        err << "; or a scenario file ending in .json)\n";
        return 1;
    }
    if (options.seed) scenario->seed = *options.seed;
    if (options.nodes) {
        if (!scenario->links.empty() || !scenario->send_delay_us.empty() || !scenario->schedule.empty()) {
            err << "Error: --nodes cannot change a scenario whose file lists links, delays or blocks by node\n";
            return 1;
        }
        scenario->nodes = *options.nodes;
    }
    if (options.minutes) {
        if (*options.minutes < 1 || *options.minutes > bitcoin::sim::MAX_FILE_DURATION_S / 60) {
            err << "Error: --minutes must be from 1 to " << bitcoin::sim::MAX_FILE_DURATION_S / 60 << "\n";
            return 1;
        }
        scenario->duration_s = *options.minutes * 60;
    }
    if (options.validation) {
        const auto model = bitcoin::sim::ParseValidationModel(*options.validation);
        if (!model) {
            err << "Error: unknown validation model '" << *options.validation << "' (none, cached, full)\n";
            return 1;
        }
        scenario->validation = *model;
    }
    if (auto valid = bitcoin::sim::ValidateScenario(*scenario); !valid) {
        err << "Error: " << valid.error() << "\n";
        return 1;
    }

    ProgressLine progress(err, isatty(STDERR_FILENO) != 0);
    const auto wall_start = std::chrono::steady_clock::now();
    const int64_t total_s = scenario->warmup_s + scenario->duration_s;
    const bitcoin::sim::Report report = bitcoin::sim::RunScenario(*scenario, [&](int64_t simulated_s) {
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        progress.Update("sim " + scenario->name + ": " + std::to_string(simulated_s) + " / " + std::to_string(total_s) +
                        " s simulated, " + Fixed(wall > 0 ? static_cast<double>(simulated_s) / wall : 0, 0) +
                        "x real time");
    });
    progress.Finish("sim " + scenario->name + ": done in " + Fixed(report.wall_s, 1) + " s (" +
                    Fixed(report.speed_factor, 0) + "x real time, " + Fixed(report.events_per_s / 1e6, 2) +
                    "M events/s)");

    const auto& p = report.block_propagation;
    out << "scenario " << report.scenario << " (seed " << report.seed << "): " << report.nodes << " nodes, "
        << report.simulated_s << " s simulated, block checks: " << report.validation << "\n"
        << "blocks mined " << report.blocks_mined << ", stale " << report.stale_blocks << "\n"
        << "block propagation (s): p10 " << Fixed(p.p10, 3) << "  p50 " << Fixed(p.p50, 3) << "  p90 " << Fixed(p.p90, 3)
        << "  p95 " << Fixed(p.p95, 3) << "  p99 " << Fixed(p.p99, 3) << "\n"
        << "  from the first node to have it: p50 " << Fixed(report.since_first.p50, 3) << "  p90 "
        << Fixed(report.since_first.p90, 3) << "\n"
        << "time to reach 50% / 90% of nodes (median over blocks): " << Fixed(report.time_to_50pct_s, 3) << " s / "
        << Fixed(report.time_to_90pct_s, 3) << " s\n";
    if (report.monitor) {
        const auto& m = *report.monitor;
        out << "announcements to a monitor connected to the " << m.watched
            << " reachable honest nodes, from each block's first (s): p10 " << Fixed(m.since_first.p10, 3) << "  p50 "
            << Fixed(m.since_first.p50, 3) << "  p90 " << Fixed(m.since_first.p90, 3) << "  p99 "
            << Fixed(m.since_first.p99, 3) << " (" << m.samples << " of " << m.pairs << " announcements heard)\n";
    }
    if (report.returned_samples > 0) {
        out << "median block delay: nodes that never left " << Fixed(report.median_delay_stable_s, 3)
            << " s, nodes back within the last 2 min " << Fixed(report.median_delay_returned_s, 3) << " s ("
            << report.returned_samples << " samples)\n";
    }
    if (report.attackers > 0) {
        out << "attackers (relaying nothing) " << report.attackers << ": honest nodes had "
            << Fixed(100 * report.reached_share, 1) << "% of the blocks they could have had; " << report.eclipsed_nodes
            << " had none (eclipsed), " << report.late_nodes << " had some over a minute late\n";
    }
    out << "bytes sent per node " << FormatBytes(static_cast<double>(report.bytes_per_node)) << ", converged "
        << (report.converged ? "yes" : "no") << "\n";
    const std::string json = report.ToJson().Dump(2);
    if (options.json_file.empty()) {
        out << json << "\n";
    } else {
        std::ofstream f(options.json_file);
        f << json << "\n";
        f.close();
        if (!f) {
            err << "Error: cannot write " << options.json_file << "\n";
            return 1;
        }
    }
    if (!options.svg_prefix.empty()) {
        for (const auto& [suffix, svg] : {std::pair{"-cdf.svg", bitcoin::sim::PropagationCdfSvg(report)},
                                          std::pair{"-reach.svg", bitcoin::sim::NodesReachedSvg(report)}}) {
            const std::string path = options.svg_prefix + suffix;
            std::ofstream f(path);
            f << svg;
            f.close();
            if (!f) {
                err << "Error: cannot write " << path << "\n";
                return 1;
            }
            err << "plot written to " << path << "\n";
        }
    }
    return 0;
}

}  // namespace tonari::app
