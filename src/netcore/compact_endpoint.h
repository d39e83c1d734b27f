// Compact endpoints: an IPv4 (4 bytes) or IPv6 (16 bytes) address followed by a big-endian
// port, the form BitTorrent's trackers (BEP 23, BEP 7), peer exchange (BEP 11) and DHT (BEP 5)
// all use for peers and nodes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "netcore/peer_network.h"
#include "util/bytes.h"

namespace tonari::netcore {

inline constexpr size_t COMPACT_V4_SIZE = 6;
inline constexpr size_t COMPACT_V6_SIZE = 18;

// True when the address is an IPv6 literal.
bool IsIpv6Literal(const std::string& address);
// The 6 or 18 bytes of an endpoint whose address is an IP literal of that family; empty
// otherwise.
std::string EncodeCompactEndpoint(const PeerEndpoint& endpoint, bool ipv6);
// One endpoint from exactly 6 or 18 bytes; none for another size or port 0 (nobody listens
// there).
std::optional<PeerEndpoint> DecodeCompactEndpoint(util::ByteSpan bytes);
// Consecutive entries of one family, at most `limit` kept; a partial tail is ignored.
std::vector<PeerEndpoint> DecodeCompactEndpoints(util::ByteSpan data, bool ipv6, size_t limit);

}  // namespace tonari::netcore
