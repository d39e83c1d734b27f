// Which addresses belong to a local network: loopback, private (RFC 1918), link-local,
// carrier-grade NAT, IPv6 unique-local and link-local. The DHT exempts them from BEP 42's
// node-id rule; local service discovery takes announces only from them. Pure; thread-safe.
#pragma once

#include <string>

namespace tonari::netcore {

// True for those addresses, and for anything that is not an IP literal.
bool IsLocalAddress(const std::string& ip);

}  // namespace tonari::netcore
