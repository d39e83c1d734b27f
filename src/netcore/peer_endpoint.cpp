// PeerEndpoint's text form both ways, kept out of peer_network.cpp so that builds without the
// Asio runtime (the fuzz build) have it too.
#include "netcore/peer_network.h"

namespace tonari::netcore {

std::string PeerEndpoint::ToString() const {
    if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
    return address + ":" + std::to_string(port);
}

std::optional<PeerEndpoint> PeerEndpoint::Parse(std::string_view text) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size()) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::string_view port = text.substr(colon + 1);
    if (port.find_first_not_of("0123456789") != std::string_view::npos || port.size() > 5) return std::nullopt;
    unsigned long n = 0;
    for (const char c : port) n = n * 10 + static_cast<unsigned long>(c - '0');
    if (n == 0 || n > 65535) return std::nullopt;
    return PeerEndpoint{std::string(host), static_cast<uint16_t>(n)};
}

}  // namespace tonari::netcore
