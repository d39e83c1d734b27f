// Cryptographically secure random bytes from the operating system (getrandom(2)).
// Stateless; thread-safe. Aborts only if the kernel cannot supply entropy at all, which
// leaves no safe way to make keys.
#pragma once

#include <cstdint>
#include <span>

#include "util/blob.h"

namespace tonari::crypto {

void RandomBytes(std::span<uint8_t> out);
uint64_t RandomU64();
util::Uint256 RandomUint256();

}  // namespace tonari::crypto
