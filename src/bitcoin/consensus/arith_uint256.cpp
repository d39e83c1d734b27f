// 256-bit unsigned arithmetic on four 64-bit limbs, wrapping modulo 2^256.
#include "bitcoin/consensus/arith_uint256.h"

#include <cassert>

namespace tonari::bitcoin::consensus {
namespace {

using U128 = unsigned __int128;

}  // namespace

ArithUint256 ArithUint256::FromUint256(const util::Uint256& bytes) {
    ArithUint256 r;
    for (size_t limb = 0; limb < 4; ++limb) {
        uint64_t v = 0;
        for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(bytes.data()[8 * limb + i]) << (8 * i);
        r.m_limb[limb] = v;
    }
    return r;
}

util::Uint256 ArithUint256::ToUint256() const {
    util::Uint256 out;
    for (size_t limb = 0; limb < 4; ++limb) {
        for (size_t i = 0; i < 8; ++i)
            out.data()[8 * limb + i] = static_cast<uint8_t>(m_limb[limb] >> (8 * i));
    }
    return out;
}

std::optional<ArithUint256> ArithUint256::FromHex(std::string_view hex) {
    // Uint256::FromHex reads display (big-endian) order into internal little-endian bytes.
    const auto bytes = util::Uint256::FromHex(hex);
    if (!bytes) return std::nullopt;
    return FromUint256(*bytes);
}

std::string ArithUint256::ToHex() const {
    return ToUint256().ToHex();
}

int ArithUint256::Bits() const {
    for (int i = 3; i >= 0; --i) {
        const uint64_t v = m_limb[static_cast<size_t>(i)];
        if (v != 0) return 64 * i + (64 - __builtin_clzll(v));
    }
    return 0;
}

ArithUint256 ArithUint256::operator~() const {
    ArithUint256 r;
    for (size_t i = 0; i < 4; ++i) r.m_limb[i] = ~m_limb[i];
    return r;
}

ArithUint256& ArithUint256::operator+=(const ArithUint256& b) {
    uint64_t carry = 0;
    for (size_t i = 0; i < 4; ++i) {
        const U128 sum = static_cast<U128>(m_limb[i]) + b.m_limb[i] + carry;
        m_limb[i] = static_cast<uint64_t>(sum);
        carry = static_cast<uint64_t>(sum >> 64);
    }
    return *this;
}

ArithUint256& ArithUint256::operator-=(const ArithUint256& b) {
    uint64_t borrow = 0;
    for (size_t i = 0; i < 4; ++i) {
        const uint64_t a = m_limb[i];
        const uint64_t d = a - b.m_limb[i] - borrow;
        borrow = (a < b.m_limb[i]) || (a - b.m_limb[i] < borrow) ? 1 : 0;
        m_limb[i] = d;
    }
    return *this;
}

ArithUint256& ArithUint256::operator*=(uint64_t b) {
    uint64_t carry = 0;
    for (size_t i = 0; i < 4; ++i) {
        const U128 prod = static_cast<U128>(m_limb[i]) * b + carry;
        m_limb[i] = static_cast<uint64_t>(prod);
        carry = static_cast<uint64_t>(prod >> 64);
    }
    return *this;
}

ArithUint256& ArithUint256::operator*=(const ArithUint256& b) {
    std::array<uint64_t, 4> out{};
    for (size_t j = 0; j < 4; ++j) {
        uint64_t carry = 0;
        for (size_t i = 0; i + j < 4; ++i) {
            const U128 cur = static_cast<U128>(m_limb[i]) * b.m_limb[j] + out[i + j] + carry;
            out[i + j] = static_cast<uint64_t>(cur);
            carry = static_cast<uint64_t>(cur >> 64);
        }
    }
    m_limb = out;
    return *this;
}

ArithUint256& ArithUint256::operator/=(const ArithUint256& b) {
    assert(!b.IsZero());
    if (b.IsZero()) {  // release builds: a defined result rather than a hang
        *this = ArithUint256();
        return *this;
    }
    ArithUint256 num = *this;
    ArithUint256 div = b;
    ArithUint256 quot;
    const int num_bits = num.Bits();
    const int div_bits = div.Bits();
    if (div_bits > num_bits) {
        *this = quot;
        return *this;
    }
    // Schoolbook binary long division: align the divisor's top bit with the numerator's, then
    // subtract it wherever it fits while walking it back down one bit at a time.
    int shift = num_bits - div_bits;
    div <<= static_cast<unsigned>(shift);
    while (shift >= 0) {
        if (num >= div) {
            num -= div;
            quot.m_limb[static_cast<size_t>(shift / 64)] |= uint64_t{1} << (shift % 64);
        }
        div >>= 1;
        --shift;
    }
    *this = quot;
    return *this;
}

ArithUint256& ArithUint256::operator<<=(unsigned shift) {
    if (shift >= 256) {
        m_limb = {};
        return *this;
    }
    const unsigned limbs = shift / 64;
    const unsigned bits = shift % 64;
    std::array<uint64_t, 4> out{};
    for (unsigned i = limbs; i < 4; ++i) {
        const unsigned src = i - limbs;
        out[i] = m_limb[src] << bits;
        if (bits != 0 && src > 0) out[i] |= m_limb[src - 1] >> (64 - bits);
    }
    m_limb = out;
    return *this;
}

ArithUint256& ArithUint256::operator>>=(unsigned shift) {
    if (shift >= 256) {
        m_limb = {};
        return *this;
    }
    const unsigned limbs = shift / 64;
    const unsigned bits = shift % 64;
    std::array<uint64_t, 4> out{};
    for (unsigned i = 0; i + limbs < 4; ++i) {
        const unsigned src = i + limbs;
        out[i] = m_limb[src] >> bits;
        if (bits != 0 && src + 1 < 4) out[i] |= m_limb[src + 1] << (64 - bits);
    }
    m_limb = out;
    return *this;
}

}  // namespace tonari::bitcoin::consensus
