// Byte containers used everywhere: an owning vector and a non-owning read-only view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tonari::util {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline void Append(Bytes& out, ByteSpan in) { out.insert(out.end(), in.begin(), in.end()); }

}  // namespace tonari::util
