// Bech32 (BIP173) and Bech32m (BIP350): the checksummed base-32 text format of segwit
// addresses. This layer knows nothing about witness versions or programs; address.h builds
// segwit addresses on top of it.
//
// A string is hrp '1' data checksum: the HRP is 1..83 printable ASCII characters (33..126),
// the data part uses the 32-character alphabet "qpzry9x8gf2tvdw0s3jn54khce6mua7l", and the
// whole string is all lower or all upper case and at most BECH32_MAX_LENGTH characters.
// Decoded HRPs are returned in lower case. Stateless free functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::encoding::bech32 {

enum class Encoding { Bech32, Bech32m };

// BIP173's limit on the whole string. Also bounds the work a hostile string can cause
// (checksum search in Decode is quadratic-ish in the length).
inline constexpr size_t BECH32_MAX_LENGTH = 90;
inline constexpr size_t CHECKSUM_SIZE = 6;

enum class Error {
    TooLong,                 // more than the length limit
    InvalidCharacter,        // a character outside 33..126 (space, DEL, non-ASCII)
    MixedCase,               // both upper- and lower-case letters
    MissingSeparator,        // no '1'
    EmptyHrp,                // the last '1' is the first character
    ChecksumTooShort,        // fewer than 6 characters after the last '1'
    InvalidDataCharacter,    // a data-part character outside the bech32 alphabet
    InvalidChecksum,         // neither checksum verifies and no single fix was found
    InvalidBech32Checksum,   // fails, but one substitution would make a valid Bech32 string
    InvalidBech32mChecksum,  // fails, but one substitution would make a valid Bech32m string
};

struct DecodeError {
    Error error;
    // Index in the input of the offending character, where one is known (bad character,
    // separator, or the located substitution error); nullopt otherwise.
    std::optional<size_t> position;
};

// Precise reason, for logs and tests ("mixed case", "empty HRP", ...).
std::string_view ErrorName(Error e);
// The reason worded as Bitcoin Core's validateaddress reports it (Core folds several of the
// precise reasons into one message, e.g. "Invalid separator position").
std::string_view ErrorMessage(Error e);

struct Decoded {
    Encoding encoding;
    std::string hrp;   // lower case
    util::Bytes data;  // 5-bit values, checksum removed
};

// Requires: hrp non-empty, lower case, characters 33..126; every value < 32. The result is
// lower case. (Length limits are the caller's business: Encode never fails.)
std::string Encode(Encoding encoding, std::string_view hrp, util::ByteSpan values);

// Parses and verifies a string of at most max_length characters. On a checksum failure it
// tries every single-character substitution in the data part to tell the user which
// encoding was probably meant and where the typo is (as Core's LocateErrors does for one
// error; two-error location is not attempted).
util::Result<Decoded, DecodeError> Decode(std::string_view str, size_t max_length = BECH32_MAX_LENGTH);

// Regroups a bit string: 8 -> 5 (pad = true when encoding bytes) or 5 -> 8 (pad = false when
// decoding). nullopt when an input value does not fit in from_bits, or, without padding, when
// more than from_bits-1 bits are left over or the leftover bits are not zero (BIP173's
// padding rule). from_bits and to_bits must be in 1..8.
std::optional<util::Bytes> ConvertBits(util::ByteSpan in, int from_bits, int to_bits, bool pad);

}  // namespace tonari::bitcoin::encoding::bech32
