// Hex encoding and strict decoding.
#include "util/hex.h"

namespace tonari::util {
namespace {

constexpr char DIGITS[] = "0123456789abcdef";

}  // namespace

int HexDigitValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string HexEncode(ByteSpan bytes) {
    std::string out(bytes.size() * 2, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        out[2 * i] = DIGITS[bytes[i] >> 4];
        out[2 * i + 1] = DIGITS[bytes[i] & 0x0f];
    }
    return out;
}

std::string HexEncodeReversed(ByteSpan bytes) {
    std::string out(bytes.size() * 2, '\0');
    const size_t n = bytes.size();
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = DIGITS[bytes[n - 1 - i] >> 4];
        out[2 * i + 1] = DIGITS[bytes[n - 1 - i] & 0x0f];
    }
    return out;
}

std::optional<Bytes> HexDecode(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    Bytes out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        const int hi = HexDigitValue(hex[2 * i]);
        const int lo = HexDigitValue(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>((hi << 4) | lo);
    }
    return out;
}

bool IsHex(std::string_view s) {
    if (s.empty() || s.size() % 2 != 0) return false;
    for (char c : s) {
        if (HexDigitValue(c) < 0) return false;
    }
    return true;
}

}  // namespace tonari::util
