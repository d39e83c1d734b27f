// FeeRate: satoshis per 1000 virtual bytes, as Bitcoin Core counts fee rates (policy,
// mempool, wallet and RPC all exchange this one type). Values; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "bitcoin/primitives/amount.h"

namespace tonari::bitcoin::policy {

class FeeRate {
public:
    constexpr FeeRate() = default;
    // `sat_per_kvb` satoshis per 1000 vbytes.
    constexpr explicit FeeRate(primitives::Amount sat_per_kvb) : m_sat_per_kvb(sat_per_kvb) {}
    // The rate of paying `fee` for `vsize` vbytes (0 when vsize is 0 or negative), truncated
    // toward zero.
    static FeeRate FromFee(primitives::Amount fee, int64_t vsize);

    // Fee for `vsize` vbytes: ceil(rate * vsize / 1000), so a transaction paying it meets the
    // rate; a positive rate never gives a fee of 0 for a positive size, and a negative rate
    // (a prioritisation discount) gives at least -1. 0 for vsize <= 0. Results beyond the
    // Amount range are clamped to it.
    primitives::Amount GetFee(int64_t vsize) const;
    constexpr primitives::Amount SatPerKvB() const { return m_sat_per_kvb; }

    // "0.00001000 BTC/kvB" and "1.000 sat/vB" forms, as Core prints them (a negative rate
    // with one leading minus: "-0.00001000 BTC/kvB").
    std::string ToBtcPerKvB() const;
    std::string ToSatPerVb() const;

    friend constexpr auto operator<=>(const FeeRate&, const FeeRate&) = default;

private:
    primitives::Amount m_sat_per_kvb = 0;
};

}  // namespace tonari::bitcoin::policy
