// Base58 and Base58Check (Bitcoin's legacy text encoding for P2PKH/P2SH addresses, WIF keys
// and BIP32 extended keys).
//
// Decoding takes a bound on the output size. Base58 decoding costs O(input * output), so the
// bound is what keeps a hostile megabyte-long string cheap: decoding stops as soon as the
// output would exceed it. Like Bitcoin Core, leading and trailing whitespace (space, \t, \n,
// \v, \f, \r) is skipped; whitespace inside the string, a NUL, or any character outside the
// alphabet is an error. Stateless free functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::encoding {

enum class Base58Error {
    InvalidCharacter,  // outside the alphabet (0, O, I, l, non-ASCII, inner whitespace, NUL)
    TooLong,           // the decoded bytes would exceed the caller's bound
    TooShort,          // Base58Check: fewer than the 4 checksum bytes
    BadChecksum,       // Base58Check: checksum mismatch
};

std::string_view Base58ErrorName(Base58Error e);

// Size of the Base58Check checksum: the first 4 bytes of SHA256d(payload).
inline constexpr size_t BASE58_CHECKSUM_SIZE = 4;

std::string EncodeBase58(util::ByteSpan data);

// Fails with TooLong as soon as the result would exceed max_out_len bytes.
util::Result<util::Bytes, Base58Error> DecodeBase58(std::string_view str, size_t max_out_len);

// payload || SHA256d(payload)[0..4], Base58-encoded.
std::string EncodeBase58Check(util::ByteSpan payload);

// Decodes and verifies the checksum; returns the payload (checksum stripped). Fails with
// TooLong when the payload would exceed max_payload_len bytes.
util::Result<util::Bytes, Base58Error> DecodeBase58Check(std::string_view str, size_t max_payload_len);

}  // namespace tonari::bitcoin::encoding
