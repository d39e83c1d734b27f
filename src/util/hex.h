// Hex text <-> bytes. Decoding is strict (even length, [0-9a-fA-F] only) and never throws:
// user and RPC input passes through here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace tonari::util {

std::string HexEncode(ByteSpan bytes);

// Lower-case hex of the bytes in reverse order (how Bitcoin displays hashes).
std::string HexEncodeReversed(ByteSpan bytes);

// nullopt on odd length or any non-hex character. Surrounding whitespace is not accepted.
std::optional<Bytes> HexDecode(std::string_view hex);

bool IsHex(std::string_view s);

// The value of one hex digit, either case; -1 for anything else.
int HexDigitValue(char c);

}  // namespace tonari::util
