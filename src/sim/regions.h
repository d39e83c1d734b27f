// The six-region internet model the simulator's links follow: mean one-way latency between
// regions and the upload and download bandwidth of nodes in each, and how Bitcoin nodes are
// spread over the regions. Figures for 2019 as published with SimBlock (Aoki et al., "SimBlock:
// A Blockchain Network Simulator", IEEE INFOCOM Workshops 2019; the simulator's
// NetworkConfiguration), from measurements of the Bitcoin network (bitnodes) and of the
// internet between regions; the 2015 figures (Gervais et al., CCS 2016's source) beside them
// for scenarios of that time.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace tonari::sim {

enum class Region : uint8_t { NorthAmerica, Europe, SouthAmerica, AsiaPacific, Japan, Australia };
inline constexpr size_t REGION_COUNT = 6;

std::string_view RegionName(Region r);

struct RegionModel {
    // Mean latency in milliseconds from region i to region j.
    std::array<std::array<int, REGION_COUNT>, REGION_COUNT> latency_ms;
    // Bandwidth in bits per second of a node in region i talking to one in region j.
    std::array<std::array<int64_t, REGION_COUNT>, REGION_COUNT> upload_bps;
    std::array<std::array<int64_t, REGION_COUNT>, REGION_COUNT> download_bps;
    // Share of the network's nodes in each region (sums to about 1).
    std::array<double, REGION_COUNT> node_share;
};

// SimBlock's 2019 tables.
const RegionModel& Model2019();
// SimBlock's 2015 tables (latency, per-region bandwidth, node shares).
const RegionModel& Model2015();

}  // namespace tonari::sim
