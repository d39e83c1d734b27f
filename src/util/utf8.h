// Text that came from someone else, made safe to show: valid UTF-8 (each invalid byte becomes
// U+FFFD, as browsers do) and, for a terminal, without control characters (an escape sequence
// in a friend's name must not move the cursor or fake a line). Pure.
#pragma once

#include <string>
#include <string_view>

namespace tonari::util {

// Invalid UTF-8 (bad bytes, overlong forms, surrogates, past U+10FFFF) replaced by U+FFFD.
std::string ValidUtf8(std::string_view text);
// ValidUtf8, then C0 and C1 control characters (newlines and tabs too) dropped.
std::string PrintableText(std::string_view text);

}  // namespace tonari::util
