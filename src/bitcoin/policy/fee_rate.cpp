// FeeRate arithmetic and formatting. Products are taken in 128 bits and clamped to the Amount
// range, so an absurd rate or size from a caller (RPC argument, peer feefilter) cannot
// overflow into a negative or tiny fee.
#include "bitcoin/policy/fee_rate.h"

#include <cstdio>
#include <limits>

namespace tonari::bitcoin::policy {
namespace {

// Fee rates count satoshis per this many vbytes.
constexpr int64_t VBYTES_PER_KVB = 1000;

primitives::Amount Clamp(__int128 v) {
    constexpr auto lo = std::numeric_limits<primitives::Amount>::min();
    constexpr auto hi = std::numeric_limits<primitives::Amount>::max();
    if (v < lo) return lo;
    if (v > hi) return hi;
    return static_cast<primitives::Amount>(v);
}

// "<sign><quotient>.<remainder, zero-padded to `digits`> <unit>": Core prints a negative rate
// with one leading minus, never a minus inside the fraction.
std::string FormatScaled(primitives::Amount value, int64_t scale, int digits, const char* unit) {
    const bool negative = value < 0;
    // Magnitude in unsigned arithmetic: -INT64_MIN does not fit in int64.
    const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    const auto uscale = static_cast<uint64_t>(scale);
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%s%llu.%0*llu %s", negative ? "-" : "",
                  static_cast<unsigned long long>(magnitude / uscale), digits,
                  static_cast<unsigned long long>(magnitude % uscale), unit);
    return buf;
}

}  // namespace

FeeRate FeeRate::FromFee(primitives::Amount fee, int64_t vsize) {
    if (vsize <= 0) return FeeRate{};
    // C++ division truncates toward zero, as Core's CFeeRate(fee, size) did.
    return FeeRate{Clamp(static_cast<__int128>(fee) * VBYTES_PER_KVB / vsize)};
}

primitives::Amount FeeRate::GetFee(int64_t vsize) const {
    if (vsize <= 0 || m_sat_per_kvb == 0) return 0;
    const __int128 product = static_cast<__int128>(m_sat_per_kvb) * vsize;
    // Ceiling division: a positive product rounds away from zero, a negative one toward zero
    // (truncation is already the ceiling there).
    const __int128 fee =
        product > 0 ? (product + VBYTES_PER_KVB - 1) / VBYTES_PER_KVB : product / VBYTES_PER_KVB;
    // A negative rate (a prioritisation discount) still moves the fee by at least one satoshi.
    if (fee == 0 && m_sat_per_kvb < 0) return -1;
    return Clamp(fee);
}

std::string FeeRate::ToBtcPerKvB() const {
    return FormatScaled(m_sat_per_kvb, primitives::COIN, 8, "BTC/kvB");
}

std::string FeeRate::ToSatPerVb() const {
    return FormatScaled(m_sat_per_kvb, VBYTES_PER_KVB, 3, "sat/vB");
}

}  // namespace tonari::bitcoin::policy
