// NetAddress: a peer's network address as Bitcoin's P2P protocol carries it (BIP155 network
// ids: IPv4, IPv6, Tor v3, I2P, CJDNS), plus the port, and the timestamped, service-flagged
// form that `addr`/`addrv2` messages and the address manager hold.
//
// Plain values; no I/O. Thread-safety: none needed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace tonari::bitcoin::wire {

// BIP155 network ids (the byte on the wire in addrv2).
enum class NetId : uint8_t {
    IPv4 = 1,
    IPv6 = 2,
    TorV2 = 3,  // obsolete: parsed and dropped
    TorV3 = 4,
    I2P = 5,
    CJDNS = 6,
};

// Address length each network id requires (BIP155); 0 for an unknown id.
size_t AddressLength(NetId net);

struct NetAddress {
    NetId net = NetId::IPv4;
    util::Bytes addr;  // AddressLength(net) bytes; IPv4 as 4 bytes, never IPv4-mapped IPv6
    uint16_t port = 0;

    // "1.2.3.4:8333", "[::1]:18444"; other networks as hex.
    std::string ToString() const;
    // The 16-byte form of the legacy `addr` message and `version` (IPv4 mapped into
    // ::ffff:0:0/96); nullopt for networks the legacy form cannot carry.
    std::optional<std::array<uint8_t, 16>> ToLegacy() const;
    static NetAddress FromLegacy(const std::array<uint8_t, 16>& ip, uint16_t port);
    // Parses "1.2.3.4:8333", "[::1]:8333", "::1" or "1.2.3.4" (then `default_port`).
    static std::optional<NetAddress> Parse(std::string_view text, uint16_t default_port);

    bool IsIPv4() const { return net == NetId::IPv4; }
    // Loopback, RFC1918, link-local, unspecified and the like: never worth relaying.
    bool IsRoutable() const;
    bool IsLocal() const;  // 127.0.0.0/8, ::1

    friend bool operator==(const NetAddress&, const NetAddress&) = default;
    friend auto operator<=>(const NetAddress&, const NetAddress&) = default;
};

// An address as gossiped: when it was last seen and what it serves.
struct AddrEntry {
    uint32_t time = 0;      // seconds since the epoch
    uint64_t services = 0;  // NODE_* bits (protocol.h)
    NetAddress address;

    friend bool operator==(const AddrEntry&, const AddrEntry&) = default;
};

}  // namespace tonari::bitcoin::wire
