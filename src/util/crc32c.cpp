// CRC-32C with a table built once at compile time.
#include "util/crc32c.h"

#include <array>

namespace tonari::util {
namespace {

constexpr std::array<uint32_t, 256> MakeTable() {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr auto TABLE = MakeTable();

}  // namespace

uint32_t Crc32c(ByteSpan data) {
    uint32_t crc = 0xFFFFFFFFu;
    for (const uint8_t b : data) crc = TABLE[(crc ^ b) & 0xff] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

}  // namespace tonari::util
