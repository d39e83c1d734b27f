// Small text helpers shared by the HTTP request and response parsers (header names are
// case-insensitive; values lose surrounding blanks).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace tonari::netcore {

inline std::string AsciiLower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

inline std::string_view TrimBlanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace tonari::netcore
