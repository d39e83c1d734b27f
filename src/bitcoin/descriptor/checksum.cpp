// The descriptor checksum: a BCH code over GF(32) of degree 8, fed with each character's
// position in a 96-character set (low 5 bits per character, the group numbers of every
// three characters as one extra symbol), so case errors and single typos are always caught.
#include "bitcoin/descriptor/checksum.h"

#include <cstdint>

namespace tonari::bitcoin::descriptor {
namespace {

// Hex digits and key-path characters sit in the first group of 32 so that the common
// characters cost one symbol each; upper and lower case differ by a multiple of 32.
constexpr std::string_view INPUT_CHARSET =
    "0123456789()[],'/*abcdefgh@:$%{}"
    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
    "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
constexpr std::string_view CHECKSUM_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr size_t CHECKSUM_LENGTH = 8;

uint64_t PolyMod(uint64_t c, uint64_t value) {
    const uint64_t c0 = c >> 35;
    c = ((c & 0x7ffffffffULL) << 5) ^ value;
    if (c0 & 1) c ^= 0xf5dee51989ULL;
    if (c0 & 2) c ^= 0xa9fdca3312ULL;
    if (c0 & 4) c ^= 0x1bab10e32dULL;
    if (c0 & 8) c ^= 0x3706b1677aULL;
    if (c0 & 16) c ^= 0x644d626ffdULL;
    return c;
}

}  // namespace

std::string DescriptorChecksum(std::string_view payload) {
    uint64_t c = 1;
    uint64_t group = 0;
    int group_count = 0;
    for (const char ch : payload) {
        const size_t pos = INPUT_CHARSET.find(ch);
        if (pos == std::string_view::npos) return "";
        c = PolyMod(c, pos & 31);
        group = group * 3 + (pos >> 5);
        if (++group_count == 3) {
            c = PolyMod(c, group);
            group = 0;
            group_count = 0;
        }
    }
    if (group_count > 0) c = PolyMod(c, group);
    for (size_t i = 0; i < CHECKSUM_LENGTH; ++i) c = PolyMod(c, 0);
    c ^= 1;
    std::string out(CHECKSUM_LENGTH, ' ');
    for (size_t i = 0; i < CHECKSUM_LENGTH; ++i) out[i] = CHECKSUM_CHARSET[(c >> (5 * (7 - i))) & 31];
    return out;
}

std::string AddChecksum(std::string_view payload) {
    const std::string checksum = DescriptorChecksum(payload);
    if (checksum.empty()) return "";
    return std::string(payload) + "#" + checksum;
}

util::Result<CheckedPayload, std::string> CheckChecksum(std::string_view text, bool require_checksum) {
    const size_t hash = text.find('#');
    if (hash != std::string_view::npos && text.find('#', hash + 1) != std::string_view::npos) {
        return util::Fail(std::string("Multiple '#' symbols"));
    }
    if (hash == std::string_view::npos && require_checksum) return util::Fail(std::string("Missing checksum"));
    const std::string_view payload = text.substr(0, hash);
    std::string_view given;
    if (hash != std::string_view::npos) {
        given = text.substr(hash + 1);
        if (given.size() != CHECKSUM_LENGTH) {
            return util::Fail("Expected 8 character checksum, not " + std::to_string(given.size()) + " characters");
        }
    }
    std::string checksum = DescriptorChecksum(payload);
    if (checksum.empty()) return util::Fail(std::string("Invalid characters in payload"));
    if (hash != std::string_view::npos && given != checksum) {
        return util::Fail("Provided checksum '" + std::string(given) + "' does not match computed checksum '" +
                          checksum + "'");
    }
    return CheckedPayload{payload, std::move(checksum)};
}

}  // namespace tonari::bitcoin::descriptor
