// For the simulator's tests: a region model with one latency everywhere and bandwidth too large
// to matter, so that a test's timings are its latency exactly.
#pragma once

#include <cstdint>

#include "sim/regions.h"

namespace tonari::bitcoin::sim {

inline ::tonari::sim::RegionModel FlatModel(int latency_ms) {
    ::tonari::sim::RegionModel m{};
    for (auto& row : m.latency_ms) row.fill(latency_ms);
    for (auto& row : m.upload_bps) row.fill(int64_t{1} << 50);
    for (auto& row : m.download_bps) row.fill(int64_t{1} << 50);
    m.node_share = {1, 0, 0, 0, 0, 0};
    return m;
}

}  // namespace tonari::bitcoin::sim
