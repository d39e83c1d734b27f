// CRC-32C (Castagnoli, the iSCSI polynomial 0x1EDC6F41, reflected), as BEP 42 uses to tie a DHT
// node id to its IP address. A table-driven byte-at-a-time implementation: the inputs are a
// few bytes, so speed does not matter.
#pragma once

#include <cstdint>

#include "util/bytes.h"

namespace tonari::util {

uint32_t Crc32c(ByteSpan data);

}  // namespace tonari::util
