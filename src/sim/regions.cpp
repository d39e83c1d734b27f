// The region tables (see regions.h for their source).
#include "sim/regions.h"

#include <algorithm>

namespace tonari::sim {
namespace {

// A table from one figure per region: the slower of the two ends (inter-region links are
// limited by whichever side is slower), as SimBlock's 2015 vectors are used.
std::array<std::array<int64_t, REGION_COUNT>, REGION_COUNT> PerRegion(const std::array<int64_t, REGION_COUNT>& v) {
    std::array<std::array<int64_t, REGION_COUNT>, REGION_COUNT> out{};
    for (size_t i = 0; i < REGION_COUNT; ++i) {
        for (size_t j = 0; j < REGION_COUNT; ++j) out[i][j] = i == j ? v[i] : std::min(v[i], v[j]);
    }
    return out;
}

}  // namespace

std::string_view RegionName(Region r) {
    switch (r) {
        case Region::NorthAmerica: return "north-america";
        case Region::Europe: return "europe";
        case Region::SouthAmerica: return "south-america";
        case Region::AsiaPacific: return "asia-pacific";
        case Region::Japan: return "japan";
        case Region::Australia: return "australia";
    }
    return "unknown";
}

const RegionModel& Model2019() {
    static const RegionModel model{
        .latency_ms = {{{32, 124, 184, 198, 151, 189},
                        {124, 11, 227, 237, 252, 294},
                        {184, 227, 88, 325, 301, 322},
                        {198, 237, 325, 85, 58, 198},
                        {151, 252, 301, 58, 12, 126},
                        {189, 294, 322, 198, 126, 16}}},
        .upload_bps = {{{19'200'000, 20'700'000, 5'800'000, 15'700'000, 10'200'000, 11'300'000},
                        {20'700'000, 20'700'000, 5'800'000, 15'700'000, 10'200'000, 11'300'000},
                        {5'800'000, 5'800'000, 5'800'000, 5'800'000, 5'800'000, 5'800'000},
                        {15'700'000, 15'700'000, 5'800'000, 15'700'000, 10'200'000, 11'300'000},
                        {10'200'000, 10'200'000, 5'800'000, 10'200'000, 10'200'000, 10'200'000},
                        {11'300'000, 11'300'000, 5'800'000, 11'300'000, 10'200'000, 11'300'000}}},
        .download_bps = {{{52'000'000, 40'000'000, 18'000'000, 22'800'000, 22'800'000, 29'900'000},
                          {40'000'000, 40'000'000, 18'000'000, 22'800'000, 22'800'000, 29'900'000},
                          {18'000'000, 18'000'000, 18'000'000, 18'000'000, 18'000'000, 18'000'000},
                          {22'800'000, 22'800'000, 18'000'000, 22'800'000, 22'800'000, 22'800'000},
                          {22'800'000, 22'800'000, 18'000'000, 22'800'000, 22'800'000, 22'800'000},
                          {29'900'000, 29'900'000, 18'000'000, 22'800'000, 22'800'000, 29'900'000}}},
        .node_share = {0.3316, 0.4998, 0.0090, 0.1177, 0.0224, 0.0195},
    };
    return model;
}

const RegionModel& Model2015() {
    static const RegionModel model{
        .latency_ms = {{{36, 119, 255, 310, 154, 208},
                        {119, 12, 221, 242, 266, 350},
                        {255, 221, 137, 347, 256, 269},
                        {310, 242, 347, 99, 172, 278},
                        {154, 266, 256, 172, 9, 163},
                        {208, 350, 269, 278, 163, 22}}},
        .upload_bps = PerRegion({4'700'000, 8'100'000, 1'800'000, 5'300'000, 3'400'000, 5'200'000}),
        .download_bps = PerRegion({25'000'000, 24'000'000, 6'500'000, 10'000'000, 17'500'000, 14'000'000}),
        .node_share = {0.3869, 0.5159, 0.0113, 0.0574, 0.0119, 0.0166},
    };
    return model;
}

}  // namespace tonari::sim
