// Subnet parsing and matching over 16-byte addresses (IPv4 mapped into IPv6).
#include "netcore/subnet.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace tonari::netcore {
namespace {

constexpr std::array<uint8_t, 12> V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::array<uint8_t, 16> PrefixMask(int bits) {
    std::array<uint8_t, 16> mask{};
    for (int i = 0; i < 16; ++i) {
        const int b = std::clamp(bits - 8 * i, 0, 8);
        mask[static_cast<size_t>(i)] = static_cast<uint8_t>(0xff00 >> b);
    }
    return mask;
}

}  // namespace

std::optional<std::array<uint8_t, 16>> ParseIpAddress(std::string_view text) {
    if (text.size() > 64) return std::nullopt;
    const std::string s(text);
    std::array<uint8_t, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        std::copy(V4_MAPPED_PREFIX.begin(), V4_MAPPED_PREFIX.end(), out.begin());
        std::memcpy(out.data() + 12, &v4.s_addr, 4);
        return out;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::memcpy(out.data(), v6.s6_addr, 16);
        return out;
    }
    return std::nullopt;
}

std::optional<Subnet> Subnet::Parse(std::string_view text) {
    const size_t slash = text.find('/');
    const auto address = ParseIpAddress(text.substr(0, slash));
    if (!address) return std::nullopt;
    Subnet net;
    net.m_ipv4 = std::equal(V4_MAPPED_PREFIX.begin(), V4_MAPPED_PREFIX.end(), address->begin());
    int bits = 128;
    if (slash != std::string_view::npos) {
        const std::string_view suffix = text.substr(slash + 1);
        int prefix = -1;
        const auto [p, ec] = std::from_chars(suffix.data(), suffix.data() + suffix.size(), prefix);
        if (ec == std::errc() && p == suffix.data() + suffix.size() && !suffix.empty()) {
            const int max = net.m_ipv4 ? 32 : 128;
            if (prefix < 0 || prefix > max) return std::nullopt;
            bits = net.m_ipv4 ? 96 + prefix : prefix;
        } else if (net.m_ipv4) {
            // A dotted netmask: it must be contiguous ones then zeros.
            const auto mask = ParseIpAddress(suffix);
            if (!mask || !std::equal(V4_MAPPED_PREFIX.begin(), V4_MAPPED_PREFIX.end(), mask->begin())) return std::nullopt;
            uint32_t m = (uint32_t{(*mask)[12]} << 24) | (uint32_t{(*mask)[13]} << 16) | (uint32_t{(*mask)[14]} << 8) | (*mask)[15];
            const uint32_t inverted = ~m;
            if ((inverted & (inverted + 1)) != 0) return std::nullopt;
            int ones = 0;
            while (m & 0x80000000u) {
                ++ones;
                m <<= 1;
            }
            bits = 96 + ones;
        } else {
            return std::nullopt;
        }
    }
    net.m_mask = PrefixMask(bits);
    for (size_t i = 0; i < 16; ++i) net.m_network[i] = (*address)[i] & net.m_mask[i];
    return net;
}

Subnet Subnet::Localhost4() { return *Parse("127.0.0.0/8"); }
Subnet Subnet::Localhost6() { return *Parse("::1"); }

bool Subnet::Contains(const std::array<uint8_t, 16>& address) const {
    for (size_t i = 0; i < 16; ++i) {
        if ((address[i] & m_mask[i]) != m_network[i]) return false;
    }
    return true;
}

std::string Subnet::ToString() const {
    char buf[INET6_ADDRSTRLEN] = {};
    int bits = 0;
    for (uint8_t b : m_mask) bits += __builtin_popcount(b);
    if (m_ipv4) {
        inet_ntop(AF_INET, m_network.data() + 12, buf, sizeof(buf));
        return std::string(buf) + "/" + std::to_string(bits - 96);
    }
    inet_ntop(AF_INET6, m_network.data(), buf, sizeof(buf));
    return std::string(buf) + "/" + std::to_string(bits);
}

}  // namespace tonari::netcore
