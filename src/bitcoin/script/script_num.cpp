// Script number encoding: little-endian magnitude, sign in the top bit of the last byte.
#include "bitcoin/script/script_num.h"

#include <cassert>
#include <limits>

namespace tonari::bitcoin::script {

std::string_view ScriptNumErrorMessage(ScriptNumError e) {
    switch (e) {
        case ScriptNumError::Overflow: return "script number overflow";
        case ScriptNumError::NonMinimal: return "non-minimally encoded script number";
    }
    return "unknown script number error";
}

util::Bytes EncodeScriptNum(int64_t v) {
    util::Bytes out;
    if (v == 0) return out;
    const bool negative = v < 0;
    // Unsigned negation is defined for INT64_MIN, whose magnitude does not fit int64.
    uint64_t magnitude = negative ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
    while (magnitude != 0) {
        out.push_back(static_cast<uint8_t>(magnitude & 0xff));
        magnitude >>= 8;
    }
    // The top bit of the last byte is the sign: if the magnitude already uses it, add a byte.
    if (out.back() & 0x80) {
        out.push_back(negative ? 0x80 : 0x00);
    } else if (negative) {
        out.back() |= 0x80;
    }
    return out;
}

bool IsMinimalScriptNum(util::ByteSpan bytes) {
    if (bytes.empty()) return true;
    // The last byte may be 0x00/0x80 only when it exists to carry the sign bit for a
    // magnitude whose previous byte has its top bit set.
    if ((bytes.back() & 0x7f) == 0) {
        if (bytes.size() == 1 || (bytes[bytes.size() - 2] & 0x80) == 0) return false;
    }
    return true;
}

util::Result<int64_t, ScriptNumError> DecodeScriptNum(util::ByteSpan bytes, bool require_minimal,
                                                      size_t max_size) {
    assert(max_size <= 8);
    if (bytes.size() > max_size) return util::Fail(ScriptNumError::Overflow);
    if (require_minimal && !IsMinimalScriptNum(bytes)) return util::Fail(ScriptNumError::NonMinimal);
    if (bytes.empty()) return int64_t{0};
    uint64_t magnitude = 0;
    for (size_t i = 0; i < bytes.size(); ++i) magnitude |= static_cast<uint64_t>(bytes[i]) << (8 * i);
    const uint64_t sign_bit = uint64_t{0x80} << (8 * (bytes.size() - 1));
    if (magnitude & sign_bit) {
        // With at most 8 bytes the magnitude without its sign bit is below 2^63, so it fits.
        return -static_cast<int64_t>(magnitude & ~sign_bit);
    }
    return static_cast<int64_t>(magnitude);
}

int32_t ScriptNumToInt32(int64_t v) {
    if (v > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
    if (v < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
    return static_cast<int32_t>(v);
}

}  // namespace tonari::bitcoin::script
