// SHA-1, SHA-512, HMAC-SHA256, HMAC-SHA512 and PBKDF2-HMAC-SHA512 (BIP32, BIP39, OP_SHA1),
// backed by OpenSSL's libcrypto. Stateless free functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>

#include "util/bytes.h"

namespace tonari::crypto {

std::array<uint8_t, 20> Sha1(util::ByteSpan data);
std::array<uint8_t, 64> Sha512(util::ByteSpan data);
std::array<uint8_t, 32> HmacSha256(util::ByteSpan key, util::ByteSpan data);
std::array<uint8_t, 64> HmacSha512(util::ByteSpan key, util::ByteSpan data);
// iterations must be >= 1 (BIP39 uses 2048); 0 is a caller bug and aborts.
std::array<uint8_t, 64> Pbkdf2HmacSha512(util::ByteSpan password, util::ByteSpan salt, uint32_t iterations);

}  // namespace tonari::crypto
