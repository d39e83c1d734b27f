// Internal to the wallet module: overwrite buffers that held secret material (mnemonic words,
// seeds, serialized seed records) in a way the optimiser may not drop as a dead store.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace tonari::bitcoin::wallet::detail {

inline void SecureWipe(std::span<uint8_t> bytes) {
    if (bytes.empty()) return;
    std::memset(bytes.data(), 0, bytes.size());
    __asm__ __volatile__("" : : "r"(bytes.data()) : "memory");
}

inline void SecureWipe(std::string& s) {
    if (s.empty()) return;
    std::memset(s.data(), 0, s.size());
    __asm__ __volatile__("" : : "r"(s.data()) : "memory");
}

}  // namespace tonari::bitcoin::wallet::detail
