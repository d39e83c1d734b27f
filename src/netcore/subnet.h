// Subnets for allow-lists such as -rpcallowip: "1.2.3.4", "1.2.3.0/24", "1.2.3.0/255.255.255.0",
// "::1", "fe80::/10". Parsing never throws; matching an address is a few byte compares.
// Plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tonari::netcore {

class Subnet {
public:
    // nullopt for anything that is not an address or address/prefix (or /netmask for IPv4).
    static std::optional<Subnet> Parse(std::string_view text);
    static Subnet Localhost4();  // 127.0.0.0/8
    static Subnet Localhost6();  // ::1/128

    // `address` in its 16-byte IPv6 form (IPv4 as ::ffff:a.b.c.d).
    bool Contains(const std::array<uint8_t, 16>& address) const;
    std::string ToString() const;

private:
    std::array<uint8_t, 16> m_network{};
    std::array<uint8_t, 16> m_mask{};
    bool m_ipv4 = false;
};

// 16-byte form of an IPv4 or IPv6 address text; nullopt when it is neither.
std::optional<std::array<uint8_t, 16>> ParseIpAddress(std::string_view text);

}  // namespace tonari::netcore
