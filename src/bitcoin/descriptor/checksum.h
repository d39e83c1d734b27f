// Output descriptor checksums: the 8-character BCH code after '#' that catches typing errors
// in a descriptor (Bitcoin Core's descriptor.cpp defines the code; doc/descriptors.md shows it).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace tonari::bitcoin::descriptor {

// The checksum of `payload` (the descriptor without "#..."), or "" when the payload holds a
// character outside the descriptor character set.
std::string DescriptorChecksum(std::string_view payload);

// `payload` + '#' + its checksum ("" stays "" when the payload has a bad character).
std::string AddChecksum(std::string_view payload);

struct CheckedPayload {
    std::string_view payload;  // the descriptor text before '#'
    std::string checksum;      // the checksum computed over payload
};

// Splits "payload#checksum" and checks the checksum, with Core's error texts: "Multiple '#'
// symbols", "Missing checksum" (only when `require_checksum`), "Expected 8 character checksum,
// not N characters", "Invalid characters in payload", "Provided checksum 'x' does not match
// computed checksum 'y'". The returned payload views `text`.
util::Result<CheckedPayload, std::string> CheckChecksum(std::string_view text, bool require_checksum);

}  // namespace tonari::bitcoin::descriptor
