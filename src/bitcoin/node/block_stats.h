// getblockstats: per-block statistics (fees, fee rates by weight percentile, sizes, UTXO set
// growth) computed exactly as Bitcoin Core computes them, from the block and its undo data
// (the coins its transactions spent). Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bitcoin/chain/undo.h"
#include "bitcoin/primitives/block.h"
#include "util/json.h"

namespace tonari::bitcoin::node {

struct BlockStatsInput {
    const primitives::Block* block = nullptr;
    const chain::BlockUndo* undo = nullptr;  // null only for the genesis block
    int height = 0;
    primitives::BlockHash hash{};
    int64_t time = 0;
    int64_t median_time = 0;
    primitives::Amount subsidy = 0;
    // Core leaves the genesis outputs and the two BIP30 duplicate coinbases out of the
    // *_actual UTXO figures: none of them ever entered the UTXO set.
    bool outputs_never_in_utxo_set = false;
};

// Every statistic, keyed and ordered as Core's getblockstats prints them all.
util::Json ComputeBlockStats(const BlockStatsInput& in);

// The names getblockstats accepts in its `stats` filter.
const std::vector<std::string>& BlockStatNames();

}  // namespace tonari::bitcoin::node
