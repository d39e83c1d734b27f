// Shared decoding helpers (see codec.h).
#include "bitcoin/wire/codec.h"

#include <algorithm>
#include <array>

#include "bitcoin/encoding/compact_size.h"

namespace tonari::bitcoin::wire::detail {

util::Result<uint64_t, WireError> ReadCompactSize(util::ByteReader& r, uint64_t limit) {
    if (r.remaining() == 0) return util::Fail(WireError::Truncated);
    const uint8_t marker = r.data()[r.position()];
    const size_t needed = marker < 0xfd ? 1 : marker == 0xfd ? 3 : marker == 0xfe ? 5 : 9;
    if (r.remaining() < needed) return util::Fail(WireError::Truncated);
    // Enough bytes are present, so a failure here can only be a non-shortest encoding.
    const uint64_t value = encoding::ReadCompactSize(r, /*range_check=*/false);
    if (r.failed()) return util::Fail(WireError::Malformed);
    if (value > limit) return util::Fail(WireError::TooMany);
    return value;
}

util::Result<uint64_t, WireError> ReadCount(util::ByteReader& r, uint64_t limit,
                                            size_t min_item_size) {
    auto count = ReadCompactSize(r, limit);
    if (!count) return count;
    if (!r.CheckCount(*count, min_item_size)) return util::Fail(WireError::Truncated);
    return count;
}

util::Result<void, WireError> Finish(const util::ByteReader& r) {
    if (r.failed()) return util::Fail(WireError::Truncated);
    if (!r.empty()) return util::Fail(WireError::TrailingBytes);
    return {};
}

WireError FromDecodeError(primitives::DecodeError e) {
    switch (e) {
        case primitives::DecodeError::Truncated: return WireError::Truncated;
        case primitives::DecodeError::TrailingBytes: return WireError::TrailingBytes;
        case primitives::DecodeError::UnknownWitnessFlag:
        case primitives::DecodeError::SuperfluousWitness: return WireError::Malformed;
    }
    return WireError::Malformed;
}

void WriteLegacyAddress(util::ByteWriter& w, uint64_t services, const NetAddress& addr) {
    w.WriteU64LE(services);
    const auto legacy = addr.ToLegacy();
    if (legacy) {
        w.WriteBytes(*legacy);
        w.WriteU16BE(addr.port);
    } else {
        const std::array<uint8_t, 16> unspecified{};
        w.WriteBytes(unspecified);
        w.WriteU16BE(0);
    }
}

NetAddress ReadLegacyAddress(util::ByteReader& r, uint64_t& services) {
    services = r.ReadU64LE();
    std::array<uint8_t, 16> ip{};
    r.ReadInto(ip);
    const uint16_t port = r.ReadU16BE();
    return NetAddress::FromLegacy(ip, port);
}

bool IsDisallowedIPv6(util::ByteSpan ip16) {
    static constexpr std::array<uint8_t, 12> IPV4_MAPPED{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static constexpr std::array<uint8_t, 6> TORV2_ONIONCAT{0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43};
    static constexpr std::array<uint8_t, 6> INTERNAL{0xfd, 0x6b, 0x88, 0xc0, 0x87, 0x24};
    if (ip16.size() != 16) return false;
    const auto has_prefix = [&](util::ByteSpan prefix) {
        return std::equal(prefix.begin(), prefix.end(), ip16.begin());
    };
    return has_prefix(IPV4_MAPPED) || has_prefix(TORV2_ONIONCAT) || has_prefix(INTERNAL);
}

util::Result<void, WireError> CheckEmptyPayload(util::ByteSpan payload) {
    if (!payload.empty()) return util::Fail(WireError::TrailingBytes);
    return {};
}

}  // namespace tonari::bitcoin::wire::detail
