// BEP 14 announces: "BT-SEARCH * HTTP/1.1" datagrams naming the multicast host, the sender's
// BitTorrent listening port, one or more info-hashes (40 hex digits each) and an optional
// cookie by which a sender recognises its own announces coming back over multicast loopback.
// Headers are matched without regard to case and unknown ones ignored, as in HTTP.
//
// Pure functions over bytes; thread-safe. The parser never throws.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::torrent::lsd {

using InfoHash = std::array<uint8_t, 20>;

// The IPv4 group and port every BitTorrent client uses (BEP 14's "org-local" scope).
inline constexpr const char* LSD_GROUP = "239.192.152.143";
inline constexpr uint16_t LSD_PORT = 6771;
// BEP 14: several hashes may share one announce, which should stay under 1,400 bytes.
inline constexpr size_t MAX_ANNOUNCE_BYTES = 1400;
// Attack: a datagram naming hundreds of torrents, each answered by a dial. A 1,400-byte
// announce holds about 25 "Infohash:" headers; more is not an honest announce.
inline constexpr size_t MAX_HASHES_PER_ANNOUNCE = 25;

struct Announce {
    uint16_t port = 0;
    std::vector<InfoHash> info_hashes;
    std::string cookie;  // empty: none
};

// The datagram, for `host` (the group, "239.192.152.143:6771"). At most MAX_HASHES_PER_ANNOUNCE
// hashes are written.
std::string EncodeAnnounce(const Announce& a, const std::string& host);

// An announce from a datagram: the request line, a Port of 1–65535 and at least one valid
// Infohash; malformed hashes are skipped, a bad port or no hash at all is an error.
util::Result<Announce, std::string> ParseAnnounce(util::ByteSpan datagram);

}  // namespace tonari::torrent::lsd
