// Internal to the encoding module: overwrite buffers that held secret key material (WIF and
// extended private keys pass through plain byte vectors while being encoded or decoded).
// Stateless; thread-safe.
#pragma once

#include <cstring>
#include <span>
#include <string>

namespace tonari::bitcoin::encoding::detail {

// Zeroes the bytes in a way the optimiser may not drop as a dead store.
inline void Wipe(std::span<uint8_t> bytes) {
    if (bytes.empty()) return;
    std::memset(bytes.data(), 0, bytes.size());
    __asm__ __volatile__("" : : "r"(bytes.data()) : "memory");
}

inline void Wipe(std::string& s) {
    if (s.empty()) return;
    std::memset(s.data(), 0, s.size());
    __asm__ __volatile__("" : : "r"(s.data()) : "memory");
}

}  // namespace tonari::bitcoin::encoding::detail
