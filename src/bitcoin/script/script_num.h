// Script numbers (Bitcoin Core's CScriptNum): integers as the stack holds them, little-endian
// sign-magnitude with the sign in the top bit of the last byte, zero as the empty string.
//
// Arithmetic operands are limited to 4 bytes on input, but results may grow to 5 bytes and are
// still valid stack items; CHECKLOCKTIMEVERIFY/CHECKSEQUENCEVERIFY read 5-byte operands. Decoding
// never throws; an oversize or non-minimal encoding is a typed error. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::script {

// Arithmetic opcodes read at most 4-byte numbers: bounding operands keeps every intermediate
// result inside int64 and stops a script from doing bignum work on 520-byte "numbers".
inline constexpr size_t DEFAULT_MAX_NUM_SIZE = 4;
// BIP65/BIP112 lock times and sequences need the fifth byte (values up to 2^39 - 1).
inline constexpr size_t LOCKTIME_MAX_NUM_SIZE = 5;

enum class ScriptNumError {
    Overflow,    // more bytes than the caller's max_size ("script number overflow")
    NonMinimal,  // require_minimal and the encoding has a superfluous byte (BIP62 rule 4)
};

std::string_view ScriptNumErrorMessage(ScriptNumError e);

// Minimal encoding of v: empty for 0, otherwise the shortest sign-magnitude form. Any int64
// value is encodable (INT64_MIN takes 9 bytes).
util::Bytes EncodeScriptNum(int64_t v);

// Decodes bytes as a number. max_size must be at most 8. With require_minimal, a most
// significant byte of 0x00 or 0x80 is rejected unless it is needed to hold the sign bit:
// [0x00], [0x80] ("negative zero") and [0x05, 0x00] are non-minimal; [0xff, 0x00] (255) is not.
util::Result<int64_t, ScriptNumError> DecodeScriptNum(util::ByteSpan bytes, bool require_minimal,
                                                      size_t max_size = DEFAULT_MAX_NUM_SIZE);

// True when bytes is the minimal encoding of some number (BIP62 rule 4), regardless of size.
bool IsMinimalScriptNum(util::ByteSpan bytes);

// CScriptNum::getint(): the value clamped to the int32 range.
int32_t ScriptNumToInt32(int64_t v);

}  // namespace tonari::bitcoin::script
