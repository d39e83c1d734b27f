// Packed onion addresses.
#include "tox/onion/ip_port.h"

#include <algorithm>

#include "netcore/compact_endpoint.h"

namespace tonari::tox::onion {
namespace {
constexpr uint8_t FAMILY_IP4 = 2;
constexpr uint8_t FAMILY_IP6 = 10;
constexpr uint8_t FAMILY_TCP_CLIENT = 0xF1;
}  // namespace

std::optional<PackedIpPort> PackIpPort(const netcore::PeerEndpoint& endpoint) {
    const bool ipv6 = netcore::IsIpv6Literal(endpoint.address);
    const std::string compact = netcore::EncodeCompactEndpoint(endpoint, ipv6);
    if (compact.empty()) return std::nullopt;
    PackedIpPort out{};
    out[0] = ipv6 ? FAMILY_IP6 : FAMILY_IP4;
    const size_t address_size = ipv6 ? 16 : 4;
    std::copy_n(compact.begin(), address_size, out.begin() + 1);
    out[17] = static_cast<uint8_t>(compact[address_size]);
    out[18] = static_cast<uint8_t>(compact[address_size + 1]);
    return out;
}

std::optional<netcore::PeerEndpoint> UnpackIpPort(util::ByteSpan bytes) {
    if (bytes.size() != IP_PORT_SIZE || (bytes[0] != FAMILY_IP4 && bytes[0] != FAMILY_IP6)) return std::nullopt;
    util::Bytes compact;
    if (bytes[0] == FAMILY_IP4) {
        compact.assign(bytes.begin() + 1, bytes.begin() + 5);
    } else {
        compact.assign(bytes.begin() + 1, bytes.begin() + 17);
    }
    compact.push_back(bytes[17]);
    compact.push_back(bytes[18]);
    return netcore::DecodeCompactEndpoint(compact);
}

PackedIpPort PackTcpClient(uint64_t client) {
    PackedIpPort out{};
    out[0] = FAMILY_TCP_CLIENT;
    for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<uint8_t>(client >> (56 - 8 * i));
    return out;
}

std::optional<uint64_t> UnpackTcpClient(util::ByteSpan bytes) {
    if (bytes.size() != IP_PORT_SIZE || bytes[0] != FAMILY_TCP_CLIENT) return std::nullopt;
    uint64_t client = 0;
    for (int i = 0; i < 8; ++i) client = (client << 8) | bytes[1 + i];
    return client;
}

}  // namespace tonari::tox::onion
