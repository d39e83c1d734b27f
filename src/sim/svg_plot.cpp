// Drawing the line chart: data coordinates mapped into the plot area, ticks, legend.
#include "sim/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tonari::sim {
namespace {

constexpr double MARGIN_LEFT = 64, MARGIN_RIGHT = 24, MARGIN_TOP = 40, MARGIN_BOTTOM = 52;

std::string Escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        // Control characters are not allowed in an XML document at all.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string Num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f", v);
    return buf;
}

std::string TickLabel(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", v);
    return buf;
}

// An axis draws at most this many ticks (more would mean a range its steps cannot resolve).
constexpr int MAX_TICKS = 60;

// Ticks at 1, 2 or 5 times a power of ten, about five over the range.
std::vector<double> LinearTicks(double lo, double hi) {
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) return {};
    const double raw = (hi - lo) / 5;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    double step = power;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * power;
        if (step >= raw) break;
    }
    if (!(step > 0) || !std::isfinite(step)) return {};
    std::vector<double> ticks;
    const double first = std::ceil(lo / step);
    for (int k = 0; k < MAX_TICKS; ++k) {
        const double t = (first + k) * step;
        if (t > hi + step * 1e-9) break;
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
    }
    return ticks;
}

}  // namespace

std::string RenderLinePlot(const PlotOptions& o, const std::vector<PlotSeries>& series) {
    const double w = o.width, h = o.height;
    const double left = MARGIN_LEFT, right = w - MARGIN_RIGHT, top = MARGIN_TOP, bottom = h - MARGIN_BOTTOM;
    const bool finite = std::isfinite(o.x_min) && std::isfinite(o.x_max) && std::isfinite(o.y_min) && std::isfinite(o.y_max);
    const bool log_x = finite && o.log_x && o.x_min > 0 && o.x_max > o.x_min;
    const double x0 = log_x ? std::log10(o.x_min) : o.x_min;
    const double x1 = log_x ? std::log10(o.x_max) : o.x_max;
    const double xs = x1 > x0 ? (right - left) / (x1 - x0) : 1;
    const double ys = o.y_max > o.y_min ? (bottom - top) / (o.y_max - o.y_min) : 1;
    const auto px = [&](double x) { return left + ((log_x ? std::log10(x) : x) - x0) * xs; };
    const auto py = [&](double y) { return bottom - (y - o.y_min) * ys; };

    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(w) + "\" height=\"" + Num(h) +
                    "\" viewBox=\"0 0 " + Num(w) + " " + Num(h) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    s += "<text x=\"" + Num(w / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" + Escape(o.title) + "</text>\n";

    // Grid and ticks.
    std::vector<double> x_ticks;
    if (log_x) {
        for (double d = std::floor(x0); d <= x1 + 1e-9 && x_ticks.size() < MAX_TICKS; d += 1) {
            if (d >= x0 - 1e-9) x_ticks.push_back(std::pow(10.0, d));
        }
    } else if (finite) {
        x_ticks = LinearTicks(o.x_min, o.x_max);
    }
    for (double t : x_ticks) {
        const double x = px(t);
        s += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(top) + "\" x2=\"" + Num(x) + "\" y2=\"" + Num(bottom) +
             "\" stroke=\"#e4e4e4\"/>\n<text x=\"" + Num(x) + "\" y=\"" + Num(bottom + 16) + "\" text-anchor=\"middle\">" +
             TickLabel(t) + "</text>\n";
    }
    for (double t : finite ? LinearTicks(o.y_min, o.y_max) : std::vector<double>{}) {
        const double y = py(t);
        s += "<line x1=\"" + Num(left) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(right) + "\" y2=\"" + Num(y) +
             "\" stroke=\"#e4e4e4\"/>\n<text x=\"" + Num(left - 6) + "\" y=\"" + Num(y + 4) + "\" text-anchor=\"end\">" +
             TickLabel(t) + "</text>\n";
    }
    s += "<rect x=\"" + Num(left) + "\" y=\"" + Num(top) + "\" width=\"" + Num(right - left) + "\" height=\"" +
         Num(bottom - top) + "\" fill=\"none\" stroke=\"#444\"/>\n";
    s += "<text x=\"" + Num((left + right) / 2) + "\" y=\"" + Num(h - 12) + "\" text-anchor=\"middle\">" + Escape(o.x_label) +
         "</text>\n";
    s += "<text transform=\"translate(16," + Num((top + bottom) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         Escape(o.y_label) + "</text>\n";

    // The lines, clipped to the plot area.
    s += "<clipPath id=\"area\"><rect x=\"" + Num(left) + "\" y=\"" + Num(top) + "\" width=\"" + Num(right - left) +
         "\" height=\"" + Num(bottom - top) + "\"/></clipPath>\n<g clip-path=\"url(#area)\">\n";
    for (const PlotSeries& line : series) {
        if (!finite) break;
        std::string points;
        std::string last;
        for (const auto& [x, y] : line.points) {
            if ((o.log_x && x <= 0) || !std::isfinite(x) || !std::isfinite(y)) continue;
            // Points that land on the same spot as the one before add nothing but bytes (a CDF
            // of 10,000 nodes has hundreds of thousands).
            std::string point = Num(px(x)) + "," + Num(py(y)) + " ";
            if (point == last) continue;
            points += point;
            last = std::move(point);
        }
        if (points.empty()) continue;
        s += "<polyline fill=\"none\" stroke=\"" + Escape(line.color) + "\" stroke-width=\"" + Num(line.width) +
             "\" points=\"" + points + "\"/>\n";
    }
    s += "</g>\n";

    // Legend, bottom right inside the plot, where rising curves leave room.
    const auto listed = std::count_if(series.begin(), series.end(), [](const PlotSeries& l) { return !l.label.empty(); });
    double ly = bottom - 10 - 16 * static_cast<double>(listed - 1);
    const double lx = right - 250;
    for (const PlotSeries& line : series) {
        if (line.label.empty()) continue;
        s += "<line x1=\"" + Num(lx) + "\" y1=\"" + Num(ly - 4) + "\" x2=\"" + Num(lx + 24) + "\" y2=\"" + Num(ly - 4) +
             "\" stroke=\"" + Escape(line.color) + "\" stroke-width=\"" + Num(std::max(line.width, 2.0)) + "\"/>\n";
        s += "<text x=\"" + Num(lx + 30) + "\" y=\"" + Num(ly) + "\">" + Escape(line.label) + "</text>\n";
        ly += 16;
    }
    s += "</svg>\n";
    return s;
}

}  // namespace tonari::sim
