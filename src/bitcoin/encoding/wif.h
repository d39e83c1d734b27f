// Wallet Import Format: a private key as Base58Check(secret_prefix || key32 [|| 0x01]), the
// trailing 0x01 marking a key whose public key is used compressed.
//
// Decoding validates the key's range (1..n-1) through crypto::PrivKey, so a returned key is
// always usable. Intermediate buffers holding key bytes are wiped. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "bitcoin/encoding/network.h"
#include "crypto/keys.h"
#include "util/result.h"

namespace tonari::bitcoin::encoding {

enum class WifError {
    InvalidEncoding,  // not Base58Check (bad character, checksum, or far too long)
    WrongPrefix,      // version byte is not this network's secret-key prefix
    WrongLength,      // payload is neither 33 bytes nor 34 bytes ending in 0x01
    InvalidKey,       // key is 0 or >= the curve order
};

std::string_view WifErrorName(WifError e);

// Encodes a 32-byte key as given (no range check: encoding cannot go wrong, and the caller
// owns the key's validity).
std::string EncodeWif(std::span<const uint8_t, 32> key, bool compressed, Network network);
std::string EncodeWif(const crypto::PrivKey& key, Network network);

// The key with its compression flag (PrivKey::IsCompressed()).
util::Result<crypto::PrivKey, WifError> DecodeWif(std::string_view str, Network network);

}  // namespace tonari::bitcoin::encoding
