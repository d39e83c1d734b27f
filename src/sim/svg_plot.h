// A line chart as a standalone SVG document: what a simulation's report draws (propagation
// CDFs, nodes reached against time) so a run's shape can be seen in any browser without a
// plotting library. Axes with ticks (decades on a logarithmic x axis), a title, axis labels and
// a legend; text is XML-escaped. A plain function of its input: bounds that are not finite give
// empty axes, never a hang; points that round to the same spot as the one before are merged.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tonari::sim {

struct PlotSeries {
    std::string label{};                        // in the legend; empty: not listed
    std::vector<std::pair<double, double>> points;  // (x, y), drawn in order
    std::string color = "#1f77b4";
    double width = 1.5;
};

struct PlotOptions {
    std::string title;
    std::string x_label;
    std::string y_label;
    bool log_x = false;  // points with x <= 0 are left out (also when the bounds rule out a log axis)
    double x_min = 0, x_max = 1;
    double y_min = 0, y_max = 1;
    int width = 720, height = 440;
};

std::string RenderLinePlot(const PlotOptions& options, const std::vector<PlotSeries>& series);

}  // namespace tonari::sim
