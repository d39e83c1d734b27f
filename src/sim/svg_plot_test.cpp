// The SVG line chart: a well-formed document with the title and labels escaped, one polyline
// per series mapped into the plot area, decade ticks on a log axis, points it cannot draw
// (x <= 0 on a log axis, NaN) left out, and a legend only for labelled series.
#include "sim/svg_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <utility>
#include <vector>
#include <string>

namespace tonari::sim {
namespace {

size_t Count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(SvgPlot, LinesTicksAndEscapedText) {
    PlotOptions o;
    o.title = "A <b> & \"c\"";
    o.x_label = "x";
    o.y_label = "y";
    o.x_max = 10;
    const std::string svg = RenderLinePlot(o, {{.label = "one", .points = {{0, 0}, {10, 1}}},
                                               {.label = "", .points = {{0, 1}, {10, 0}}, .color = "red"}});
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_NE(svg.find("A &lt;b&gt; &amp; &quot;c&quot;"), std::string::npos);
    EXPECT_EQ(svg.find("<b>"), std::string::npos);
    EXPECT_EQ(Count(svg, "<polyline"), 2u);
    // The plot area spans x 64..696 and y 40..388 at the default 720 x 440.
    EXPECT_NE(svg.find("points=\"64.0,388.0 696.0,40.0 \""), std::string::npos);
    EXPECT_EQ(Count(svg, ">one</text>"), 1u);  // the unlabelled series is not in the legend
    for (const char* tick : {">0</text>", ">2</text>", ">10</text>", ">0.2</text>", ">1</text>"}) {
        EXPECT_NE(svg.find(tick), std::string::npos) << tick;
    }
}

TEST(SvgPlot, LogAxisTicksDecadesAndSkipsWhatItCannotDraw) {
    PlotOptions o;
    o.log_x = true;
    o.x_min = 0.001;
    o.x_max = 10;
    const std::string svg =
        RenderLinePlot(o, {{.label = "cdf", .points = {{0, 0}, {0.001, 0}, {std::nan(""), 0.5}, {10, 1}}}});
    for (const char* tick : {">0.001</text>", ">0.01</text>", ">0.1</text>", ">1</text>", ">10</text>"}) {
        EXPECT_NE(svg.find(tick), std::string::npos) << tick;
    }
    EXPECT_NE(svg.find("points=\"64.0,388.0 696.0,40.0 \""), std::string::npos);
    // A series with nothing drawable is left out, not drawn empty.
    EXPECT_EQ(Count(RenderLinePlot(o, {{.label = "", .points = {{-1, 0}}}}), "<polyline"), 0u);
}

TEST(SvgPlot, RangesItCannotDrawGiveEmptyAxesNotAHang) {
    PlotOptions tiny;
    tiny.x_min = 1.0;
    tiny.x_max = std::nextafter(1.0, 2.0);  // a step below the doubles' spacing
    EXPECT_NE(RenderLinePlot(tiny, {{.points = {{1, 0}, {1, 1}}}}).find("</svg>"), std::string::npos);
    PlotOptions endless;
    endless.log_x = true;
    endless.x_min = 0.001;
    endless.x_max = std::numeric_limits<double>::infinity();
    const std::string svg = RenderLinePlot(endless, {{.points = {{1, 0}, {2, 1}}}});
    EXPECT_EQ(Count(svg, "<polyline"), 0u);
    EXPECT_EQ(svg.find("nan"), std::string::npos);
    EXPECT_EQ(svg.find("inf"), std::string::npos);
    PlotOptions control;
    control.title = std::string("a\x01" "b");
    EXPECT_NE(RenderLinePlot(control, {}).find(">ab</text>"), std::string::npos);
}

TEST(SvgPlot, PointsOnTheSameSpotAreDrawnOnce) {
    PlotOptions o;
    std::vector<std::pair<double, double>> many;
    for (int i = 0; i <= 100'000; ++i) many.emplace_back(i / 100'000.0, i / 100'000.0);
    const std::string svg = RenderLinePlot(o, {{.points = many}});
    // Drawn point by point, 100,001 points take 1.3 MB; merged, one per tenth of a pixel.
    EXPECT_LT(svg.size(), 200'000u);
}

}  // namespace
}  // namespace tonari::sim
