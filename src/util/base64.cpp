// Strict base64 encoder and decoder.
#include "util/base64.h"

#include <array>
#include <cstdint>

namespace tonari::util {
namespace {

constexpr std::string_view ALPHABET =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Character -> 6-bit value, or -1 for a character outside the alphabet.
const std::array<int8_t, 256>& DecodeTable() {
    static const std::array<int8_t, 256> table = [] {
        std::array<int8_t, 256> t{};
        t.fill(-1);
        for (size_t i = 0; i < ALPHABET.size(); ++i) t[static_cast<uint8_t>(ALPHABET[i])] = static_cast<int8_t>(i);
        return t;
    }();
    return table;
}

}  // namespace

std::string EncodeBase64(util::ByteSpan data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
        out += ALPHABET[v >> 18];
        out += ALPHABET[(v >> 12) & 63];
        out += ALPHABET[(v >> 6) & 63];
        out += ALPHABET[v & 63];
    }
    const size_t rest = data.size() - i;
    if (rest == 1) {
        const uint32_t v = uint32_t{data[i]} << 16;
        out += ALPHABET[v >> 18];
        out += ALPHABET[(v >> 12) & 63];
        out += "==";
    } else if (rest == 2) {
        const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
        out += ALPHABET[v >> 18];
        out += ALPHABET[(v >> 12) & 63];
        out += ALPHABET[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    if (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (!text.empty() && text.back() == '=') text.remove_suffix(1);

    const auto& table = DecodeTable();
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        const int8_t v = table[static_cast<uint8_t>(c)];
        if (v < 0) return std::nullopt;
        acc = ((acc << 6) | static_cast<uint32_t>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    // Left-over bits are padding: fewer than a whole character, and all zero.
    if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace tonari::util
