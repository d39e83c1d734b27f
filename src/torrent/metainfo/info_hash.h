// Info-hashes: SHA-1 of the info dictionary (v1, "btih") and SHA-256 of it (v2, "btmh"),
// with their text forms (hex, base32 for old magnets). A hybrid torrent has both; the v2
// hash truncated to 20 bytes is what a v2 peer puts in the handshake.
//
// Plain values; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace tonari::torrent::metainfo {

using Sha1Hash = std::array<uint8_t, 20>;

struct InfoHashes {
    std::optional<Sha1Hash> v1;
    std::optional<std::array<uint8_t, 32>> v2;

    // Both hashes of the same info bytes.
    static InfoHashes Of(util::ByteSpan info_bytes, bool v1, bool v2);
    // The 20 bytes a peer handshake carries: the v1 hash, else the truncated v2 hash.
    Sha1Hash HandshakeHash() const;
    bool operator==(const InfoHashes&) const = default;
};

// Lower-case hex of any hash.
std::string ToHex(util::ByteSpan hash);
// Exactly 40 hex digits, or 32 base32 characters (RFC 4648, either case): a v1 info-hash.
std::optional<Sha1Hash> ParseV1Hash(std::string_view text);

}  // namespace tonari::torrent::metainfo
