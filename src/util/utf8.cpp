// UTF-8 checking, byte by byte.
#include "util/utf8.h"

#include <cstdint>

namespace tonari::util {
namespace {

constexpr std::string_view REPLACEMENT = "\xEF\xBF\xBD";

// The length of the valid sequence starting at text[i] and its code point, or 0.
size_t Sequence(std::string_view text, size_t i, uint32_t& cp) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(text[i + k]); };
    const uint8_t lead = b(0);
    size_t n = 0;
    if (lead < 0x80) {
        cp = lead;
        return 1;
    } else if ((lead & 0xe0) == 0xc0) {
        n = 2;
        cp = lead & 0x1f;
    } else if ((lead & 0xf0) == 0xe0) {
        n = 3;
        cp = lead & 0x0f;
    } else if ((lead & 0xf8) == 0xf0) {
        n = 4;
        cp = lead & 0x07;
    } else {
        return 0;
    }
    if (i + n > text.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b(k) & 0x3f);
    }
    static constexpr uint32_t MIN[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < MIN[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

std::string Clean(std::string_view text, bool drop_controls) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        uint32_t cp = 0;
        const size_t n = Sequence(text, i, cp);
        if (n == 0) {
            out += REPLACEMENT;
            ++i;
            continue;
        }
        const bool control = cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
        if (!(drop_controls && control)) out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

}  // namespace

std::string ValidUtf8(std::string_view text) { return Clean(text, false); }
std::string PrintableText(std::string_view text) { return Clean(text, true); }

}  // namespace tonari::util
