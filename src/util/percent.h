// Percent-encoding (RFC 3986) of arbitrary bytes and its strict decoding: magnet links and
// HTTP query strings carry info-hashes, names and URLs this way.
#pragma once

#include <string>
#include <string_view>

namespace tonari::util {

// Every byte outside the unreserved set (letters, digits, "-._~") becomes %XX.
std::string PercentEncode(std::string_view bytes);
// "%41+b" -> "A b" ('+' is a space, as forms write it); false on a malformed escape.
bool PercentDecode(std::string_view text, std::string& out);

}  // namespace tonari::util
