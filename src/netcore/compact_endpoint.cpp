// Compact endpoint encoding through inet_pton / inet_ntop.
#include "netcore/compact_endpoint.h"

#include <arpa/inet.h>

#include <array>

namespace tonari::netcore {

bool IsIpv6Literal(const std::string& address) { return address.find(':') != std::string::npos; }

std::string EncodeCompactEndpoint(const PeerEndpoint& endpoint, bool ipv6) {
    std::array<uint8_t, 16> address{};
    if (inet_pton(ipv6 ? AF_INET6 : AF_INET, endpoint.address.c_str(), address.data()) != 1) return {};
    std::string out(reinterpret_cast<const char*>(address.data()), ipv6 ? 16 : 4);
    out += static_cast<char>(endpoint.port >> 8);
    out += static_cast<char>(endpoint.port & 0xff);
    return out;
}

std::optional<PeerEndpoint> DecodeCompactEndpoint(util::ByteSpan bytes) {
    if (bytes.size() != COMPACT_V4_SIZE && bytes.size() != COMPACT_V6_SIZE) return std::nullopt;
    const bool ipv6 = bytes.size() == COMPACT_V6_SIZE;
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof(text))) return std::nullopt;
    const auto port = static_cast<uint16_t>(bytes[bytes.size() - 2] << 8 | bytes[bytes.size() - 1]);
    if (port == 0) return std::nullopt;
    return PeerEndpoint{text, port};
}

std::vector<PeerEndpoint> DecodeCompactEndpoints(util::ByteSpan data, bool ipv6, size_t limit) {
    const size_t width = ipv6 ? COMPACT_V6_SIZE : COMPACT_V4_SIZE;
    std::vector<PeerEndpoint> out;
    for (size_t at = 0; at + width <= data.size() && out.size() < limit; at += width) {
        if (auto endpoint = DecodeCompactEndpoint(data.subspan(at, width))) out.push_back(std::move(*endpoint));
    }
    return out;
}

}  // namespace tonari::netcore
