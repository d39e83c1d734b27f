// SipHash-2-4 (keyed 64-bit hash): hash-table keys that a peer cannot collide on purpose
// (hash-flooding attacks on mempool/addrman maps) and BIP152 short transaction ids.
#pragma once

#include <cstdint>

#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::crypto {

uint64_t SipHash24(uint64_t k0, uint64_t k1, util::ByteSpan data);

// Same result as SipHash24 over the 32 bytes of `v`, with the fixed-length rounds unrolled.
uint64_t SipHash24Uint256(uint64_t k0, uint64_t k1, const util::Uint256& v);

}  // namespace tonari::crypto
