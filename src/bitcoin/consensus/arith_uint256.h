// ArithUint256: an unsigned 256-bit integer for proof-of-work targets and chain work.
//
// Hashes are bytes (util::Uint256); targets and work are numbers. This type is the numeric
// view: a hash's bytes read as a little-endian integer, so comparing a block hash with its
// target is comparing two ArithUint256 values. Arithmetic wraps modulo 2^256, exactly as
// retargeting has always computed it; shifts by 256 or more give zero. Dividing by zero is a
// programming error (asserted), never something input can reach: every divisor in consensus
// code is a non-zero constant or a target plus one, and no compact target reaches 2^256 - 1.
// A plain value type; no shared state.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/blob.h"

namespace tonari::bitcoin::consensus {

class ArithUint256 {
public:
    static constexpr int BITS = 256;

    constexpr ArithUint256() = default;
    constexpr explicit ArithUint256(uint64_t v) : m_limb{v, 0, 0, 0} {}

    // Bytes in internal (little-endian) order, as a hash is stored.
    static ArithUint256 FromUint256(const util::Uint256& bytes);
    util::Uint256 ToUint256() const;
    // Big-endian hex of exactly 64 digits (the order Bitcoin prints hashes and targets in).
    static std::optional<ArithUint256> FromHex(std::string_view hex);
    std::string ToHex() const;

    bool IsZero() const { return (m_limb[0] | m_limb[1] | m_limb[2] | m_limb[3]) == 0; }
    // Number of significant bits: 0 for zero, 256 when the top bit is set.
    int Bits() const;
    uint64_t Low64() const { return m_limb[0]; }
    // Limb i (0 = least significant 64 bits).
    uint64_t Limb(int i) const { return m_limb[static_cast<size_t>(i)]; }

    ArithUint256 operator~() const;
    ArithUint256& operator+=(const ArithUint256& b);
    ArithUint256& operator-=(const ArithUint256& b);
    ArithUint256& operator*=(uint64_t b);
    ArithUint256& operator*=(const ArithUint256& b);
    ArithUint256& operator/=(const ArithUint256& b);
    ArithUint256& operator<<=(unsigned shift);
    ArithUint256& operator>>=(unsigned shift);

    friend ArithUint256 operator+(ArithUint256 a, const ArithUint256& b) { return a += b; }
    friend ArithUint256 operator-(ArithUint256 a, const ArithUint256& b) { return a -= b; }
    friend ArithUint256 operator*(ArithUint256 a, uint64_t b) { return a *= b; }
    friend ArithUint256 operator*(ArithUint256 a, const ArithUint256& b) { return a *= b; }
    friend ArithUint256 operator/(ArithUint256 a, const ArithUint256& b) { return a /= b; }
    friend ArithUint256 operator<<(ArithUint256 a, unsigned shift) { return a <<= shift; }
    friend ArithUint256 operator>>(ArithUint256 a, unsigned shift) { return a >>= shift; }

    friend bool operator==(const ArithUint256&, const ArithUint256&) = default;
    friend std::strong_ordering operator<=>(const ArithUint256& a, const ArithUint256& b) {
        for (int i = 3; i >= 0; --i) {
            const auto idx = static_cast<size_t>(i);
            if (a.m_limb[idx] != b.m_limb[idx]) return a.m_limb[idx] <=> b.m_limb[idx];
        }
        return std::strong_ordering::equal;
    }

private:
    std::array<uint64_t, 4> m_limb{};  // m_limb[0] is least significant
};

}  // namespace tonari::bitcoin::consensus
