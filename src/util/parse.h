// Strict text-to-number conversion and splitting, as Bitcoin Core's ToIntegral and
// SplitString behave: a number is the whole text in decimal (a '-' only for signed types, no
// '+', no spaces, no overflow), so "1x", "+1" and "" are not numbers. For option values,
// descriptor paths and REST paths, all of them user or network input.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

namespace tonari::util {

template <class T>
std::optional<T> ToIntegral(std::string_view text) {
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// "a/b//c" on '/' -> {"a", "b", "", "c"}; the pieces view `text`.
inline std::vector<std::string_view> Split(std::string_view text, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        const size_t pos = text.find(sep, start);
        out.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) return out;
        start = pos + 1;
    }
}

}  // namespace tonari::util
