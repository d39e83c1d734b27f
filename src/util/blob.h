// Blob<N>: a fixed-size opaque byte string (hashes, keys). Uint256 and Uint160 are the two used
// by Bitcoin. Bytes are stored in internal (serialization) order; ToHex() gives Bitcoin's
// display order, which is byte-reversed for hashes. A value type; no thread-safety concerns.
#pragma once

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/hex.h"

namespace tonari::util {

template <size_t N>
class Blob {
public:
    static constexpr size_t SIZE = N;

    constexpr Blob() : m_data{} {}
    explicit constexpr Blob(const std::array<uint8_t, N>& data) : m_data(data) {}

    // nullopt unless exactly N bytes.
    static std::optional<Blob> FromBytes(ByteSpan bytes) {
        if (bytes.size() != N) return std::nullopt;
        Blob b;
        std::copy(bytes.begin(), bytes.end(), b.m_data.begin());
        return b;
    }

    // Parses display-order (reversed) hex of exactly 2N characters.
    static std::optional<Blob> FromHex(std::string_view hex) {
        if (hex.size() != 2 * N) return std::nullopt;
        auto bytes = HexDecode(hex);
        if (!bytes) return std::nullopt;
        std::reverse(bytes->begin(), bytes->end());
        return FromBytes(*bytes);
    }

    // Display order (reversed), as Bitcoin prints hashes.
    std::string ToHex() const { return HexEncodeReversed(m_data); }
    // Internal order, as the bytes appear on the wire.
    std::string ToHexInternal() const { return HexEncode(m_data); }

    bool IsNull() const {
        return std::all_of(m_data.begin(), m_data.end(), [](uint8_t b) { return b == 0; });
    }

    uint8_t* data() { return m_data.data(); }
    const uint8_t* data() const { return m_data.data(); }
    static constexpr size_t size() { return N; }
    auto begin() const { return m_data.begin(); }
    auto end() const { return m_data.end(); }
    ByteSpan span() const { return m_data; }
    std::span<uint8_t, N> mutable_span() { return m_data; }
    const std::array<uint8_t, N>& bytes() const { return m_data; }

    // Little-endian 64-bit word i (0 = least significant); used by hash tables and siphash.
    uint64_t GetUint64(size_t i) const {
        uint64_t v;
        std::memcpy(&v, m_data.data() + 8 * i, 8);
        return v;
    }

    friend bool operator==(const Blob&, const Blob&) = default;
    friend auto operator<=>(const Blob& a, const Blob& b) { return a.m_data <=> b.m_data; }

private:
    std::array<uint8_t, N> m_data;
};

using Uint256 = Blob<32>;
using Uint160 = Blob<20>;

}  // namespace tonari::util
