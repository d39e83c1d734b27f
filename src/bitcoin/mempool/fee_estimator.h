// FeeEstimator: a simple estimate of the fee rate that gets a transaction mined within a
// given number of blocks, from what this node saw happen: for every transaction a block
// confirmed that had waited in this node's mempool, its fee rate and how many blocks it
// waited. The estimate for a target is the lowest fee rate R such that, of the recent
// transactions paying R or more, at least 85% were mined within the target (Bitcoin Core's
// success threshold for its conservative horizon, without Core's bucketed decay).
// Validation strand only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>

#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/policy/fee_rate.h"

namespace tonari::bitcoin::mempool {

// Core's longest estimate horizon: about a week of blocks.
inline constexpr int MAX_CONFIRMATION_TARGET = 1008;
// Samples remembered. A peer can get many cheap transactions mined only by paying for them,
// but the bound keeps the memory fixed whatever the traffic.
inline constexpr size_t MAX_FEE_SAMPLES = 100'000;
// Fewer samples than this above a fee rate is not evidence enough to estimate from.
inline constexpr size_t MIN_FEE_SAMPLES = 10;
inline constexpr double SUCCESS_THRESHOLD = 0.85;

class FeeEstimator {
public:
    // A block at `height` confirmed these pool entries (looked up before they left the pool).
    void BlockConnected(int height, std::span<const MempoolEntry* const> confirmed);
    // nullopt when there is not enough data (Core: "Insufficient data or no feerate found").
    std::optional<policy::FeeRate> Estimate(int target) const;
    size_t SampleCount() const { return m_samples.size(); }

private:
    struct Sample {
        int height = 0;          // of the block that confirmed it
        int waited = 0;          // blocks from entering the pool to being mined (>= 1)
        policy::FeeRate rate;
    };
    std::deque<Sample> m_samples;
};

}  // namespace tonari::bitcoin::mempool
