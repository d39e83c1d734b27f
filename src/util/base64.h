// Base64 (RFC 4648, standard alphabet, '=' padding) for HTTP Basic authentication.
//
// Decoding is strict like Bitcoin Core's DecodeBase64: the length must be a multiple of four,
// at most two '=' and only at the end, no whitespace, and the unused low bits of the last
// character must be zero, so every byte string has exactly one accepted encoding. It never
// throws and allocates at most 3/4 of the input. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace tonari::util {

std::string EncodeBase64(util::ByteSpan data);
inline std::string EncodeBase64(std::string_view text) { return EncodeBase64(util::AsBytes(text)); }

// The decoded bytes as a std::string (Basic auth carries "user:password" text), or nullopt.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace tonari::util
