// Modular exponentiation over big-endian byte strings, for finite-field Diffie-Hellman such as
// the 768-bit group of BitTorrent's Message Stream Encryption. Backed by OpenSSL's BIGNUM;
// the exponent is treated as secret (constant-time Montgomery ladder).
#pragma once

#include <string>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::crypto {

// base^exponent mod modulus, left-padded with zeros to the modulus's length. Fails for an
// even or zero modulus (the constant-time path needs an odd one) or an allocation failure.
util::Result<util::Bytes, std::string> ModExp(util::ByteSpan base, util::ByteSpan exponent, util::ByteSpan modulus);

}  // namespace tonari::crypto
