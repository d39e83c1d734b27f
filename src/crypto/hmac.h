// SHA-1, SHA-512, HMAC-SHA256, HMAC-SHA512, PBKDF2-HMAC-SHA512 and HKDF-SHA256 (BIP32, BIP39,
// OP_SHA1, BIP324), backed by OpenSSL's libcrypto. Stateless free functions; thread-safe.
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
// RFC 5869 HKDF with SHA-256: Extract gives the pseudorandom key; Expand32 the first 32 bytes
// of output for one `info` label (all BIP324 needs).
std::array<uint8_t, 32> HkdfSha256Extract(util::ByteSpan salt, util::ByteSpan ikm);
std::array<uint8_t, 32> HkdfSha256Expand32(const std::array<uint8_t, 32>& prk, util::ByteSpan info);

}  // namespace tonari::crypto
