// Building the two plots from a report's sorted delays.
#include "bitcoin/sim/report_plots.h"

#include <algorithm>
#include <cmath>

#include "sim/svg_plot.h"

namespace tonari::bitcoin::sim {
namespace {

// The log axis starts here: delays below a millisecond are drawn at it.
constexpr double CDF_MIN_S = 0.001;

// A step curve: the share of `total` reached by each delay of `sorted`.
std::vector<std::pair<double, double>> Steps(const std::vector<double>& sorted, size_t total, double floor_s) {
    std::vector<std::pair<double, double>> points;
    if (total == 0) return points;
    for (size_t i = 0; i < sorted.size(); ++i) {
        const double x = std::max(sorted[i], floor_s);
        points.emplace_back(x, static_cast<double>(i) / static_cast<double>(total));
        points.emplace_back(x, static_cast<double>(i + 1) / static_cast<double>(total));
    }
    return points;
}

std::string Title(const Report& r, const std::string& what) {
    return what + " — " + r.scenario + ", " + std::to_string(r.nodes) + " nodes, seed " + std::to_string(r.seed);
}

}  // namespace

std::string PropagationCdfSvg(const Report& r) {
    const double longest = std::max({r.delays_s.empty() ? 0.0 : r.delays_s.back(), CDF_MIN_S * 10});
    ::tonari::sim::PlotOptions o;
    o.title = Title(r, "Block propagation");
    o.x_label = "seconds (log scale)";
    o.y_label = "share of (block, node) pairs that had the block";
    o.log_x = true;
    o.x_min = CDF_MIN_S;
    o.x_max = std::pow(10.0, std::ceil(std::log10(longest)));
    return ::tonari::sim::RenderLinePlot(
        o, {{.label = "from mining", .points = Steps(r.delays_s, r.eligible_pairs, CDF_MIN_S), .color = "#1f77b4", .width = 2},
            {.label = "from the first node to have it",
             .points = Steps(r.since_first_s, r.eligible_pairs, CDF_MIN_S),
             .color = "#d62728",
             .width = 2}});
}

std::string NodesReachedSvg(const Report& r) {
    // The axis runs to the latest arrival, so nodes cut off for minutes show as late steps.
    const double end = std::max(r.delays_s.empty() ? 0.0 : r.delays_s.back() * 1.05, 0.1);
    ::tonari::sim::PlotOptions o;
    o.title = Title(r, "Nodes reached, one line per block");
    o.x_label = "seconds after the block was mined";
    o.y_label = "share of nodes that had it";
    o.x_max = end;
    std::vector<::tonari::sim::PlotSeries> lines;
    for (size_t b = 0; b < r.block_delays_s.size(); ++b) {
        auto points = Steps(r.block_delays_s[b], r.block_eligible[b], 0);
        points.insert(points.begin(), {0.0, 0.0});
        points.emplace_back(end, points.back().second);
        lines.push_back({.label = b == 0 ? "each block" : "", .points = std::move(points), .color = "#555555", .width = 1});
    }
    return ::tonari::sim::RenderLinePlot(o, lines);
}

}  // namespace tonari::bitcoin::sim
