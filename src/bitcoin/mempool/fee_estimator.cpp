// FeeEstimator: samples of (fee rate, blocks waited) and the lowest rate that met the target.
#include "bitcoin/mempool/fee_estimator.h"

#include <algorithm>
#include <vector>

namespace tonari::bitcoin::mempool {

void FeeEstimator::BlockConnected(int height, std::span<const MempoolEntry* const> confirmed) {
    for (const MempoolEntry* e : confirmed) {
        m_samples.push_back({height, std::max(1, height - e->height), e->Rate()});
    }
    while (!m_samples.empty() &&
           (m_samples.size() > MAX_FEE_SAMPLES || m_samples.front().height <= height - MAX_CONFIRMATION_TARGET)) {
        m_samples.pop_front();
    }
}

std::optional<policy::FeeRate> FeeEstimator::Estimate(int target) const {
    if (target < 1 || m_samples.size() < MIN_FEE_SAMPLES) return std::nullopt;
    std::vector<const Sample*> by_rate;
    by_rate.reserve(m_samples.size());
    for (const Sample& s : m_samples) by_rate.push_back(&s);
    std::sort(by_rate.begin(), by_rate.end(), [](const Sample* a, const Sample* b) { return a->rate > b->rate; });
    std::optional<policy::FeeRate> best;
    size_t total = 0;
    size_t in_time = 0;
    for (size_t i = 0; i < by_rate.size(); ++i) {
        ++total;
        if (by_rate[i]->waited <= target) ++in_time;
        // Judge only at the end of a run of equal rates.
        if (i + 1 < by_rate.size() && by_rate[i + 1]->rate == by_rate[i]->rate) continue;
        if (total >= MIN_FEE_SAMPLES && static_cast<double>(in_time) >= SUCCESS_THRESHOLD * static_cast<double>(total)) {
            best = by_rate[i]->rate;
        }
    }
    return best;
}

}  // namespace tonari::bitcoin::mempool
