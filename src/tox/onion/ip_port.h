// The onion's fixed-size address: a family byte (2 IPv4, 10 IPv6), 16 address bytes (an IPv4
// address padded with 12 zero bytes, so the size does not tell the family) and a big-endian
// port: 19 bytes, inside every onion layer and every sendback.
#pragma once

#include <array>
#include <optional>

#include "netcore/peer_network.h"
#include "util/bytes.h"

namespace tonari::tox::onion {

inline constexpr size_t IP_PORT_SIZE = 19;
using PackedIpPort = std::array<uint8_t, IP_PORT_SIZE>;

// None when the address is not an IP literal.
std::optional<PackedIpPort> PackIpPort(const netcore::PeerEndpoint& endpoint);
// None for a family other than UDP IPv4/IPv6, or port 0.
std::optional<netcore::PeerEndpoint> UnpackIpPort(util::ByteSpan bytes);
// A client of our own TCP relay in a sendback only we open: a family byte no address uses and
// its connection number.
PackedIpPort PackTcpClient(uint64_t client);
std::optional<uint64_t> UnpackTcpClient(util::ByteSpan bytes);

}  // namespace tonari::tox::onion
