// RIPEMD-160, and HASH160 = RIPEMD160(SHA256(x)) used by P2PKH/P2WPKH addresses.
// Implemented here rather than through OpenSSL, whose 3.x default provider no longer ships it.
#pragma once

#include <array>
#include <cstdint>

#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::crypto {

std::array<uint8_t, 20> Ripemd160(util::ByteSpan data);

util::Uint160 Hash160(util::ByteSpan data);

}  // namespace tonari::crypto
