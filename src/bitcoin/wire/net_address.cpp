// NetAddress text forms, legacy (16-byte) conversion and routability (see net_address.h).
#include "bitcoin/wire/net_address.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

constexpr std::array<uint8_t, 12> IPV4_MAPPED_PREFIX{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string IPv4ToString(util::ByteSpan a) {
    std::string out;
    for (size_t i = 0; i < 4; ++i) {
        if (i) out += '.';
        out += std::to_string(a[i]);
    }
    return out;
}

// RFC 5952: lower-case hex, no leading zeros, the longest run (first if tied) of two or more
// zero groups compressed to "::".
std::string IPv6ToString(util::ByteSpan a) {
    uint16_t groups[8];
    for (size_t i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>((a[2 * i] << 8) | a[2 * i + 1]);
    size_t best_start = 8, best_len = 0;
    for (size_t i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < 8 && groups[j] == 0) ++j;
        if (j - i > best_len) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2) best_start = 8;
    static constexpr char DIGITS[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < 8; ++i) {
        if (i == best_start) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (i != 0 && i != best_start + best_len) out += ':';
        const uint16_t g = groups[i];
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const int d = (g >> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                out += DIGITS[d];
                started = true;
            }
        }
    }
    return out;
}

std::string_view NetName(NetId net) {
    switch (net) {
        case NetId::IPv4: return "ipv4";
        case NetId::IPv6: return "ipv6";
        case NetId::TorV2: return "torv2";
        case NetId::TorV3: return "torv3";
        case NetId::I2P: return "i2p";
        case NetId::CJDNS: return "cjdns";
    }
    return "unknown";
}

// Strict dotted quad: four decimal octets 0-255 without leading zeros (so "010" is never read
// as octal by one tool and decimal by another).
std::optional<std::array<uint8_t, 4>> ParseIPv4(std::string_view s) {
    std::array<uint8_t, 4> out{};
    for (size_t part = 0; part < 4; ++part) {
        const size_t dot = part < 3 ? s.find('.') : s.size();
        if (dot == std::string_view::npos) return std::nullopt;
        const std::string_view digits = s.substr(0, dot);
        if (digits.empty() || digits.size() > 3) return std::nullopt;
        if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
        unsigned value = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value > 255) return std::nullopt;
        out[part] = static_cast<uint8_t>(value);
        s.remove_prefix(part < 3 ? dot + 1 : dot);
    }
    if (!s.empty()) return std::nullopt;
    return out;
}

// Up to 8 colon-separated hex groups with at most one "::", optionally ending in a dotted quad.
std::optional<std::array<uint8_t, 16>> ParseIPv6(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::vector<uint16_t> head, tail;
    bool compressed = false;
    std::vector<uint16_t>* groups = &head;
    std::optional<std::array<uint8_t, 4>> v4;
    size_t pos = 0;
    if (s.substr(0, 2) == "::") {
        compressed = true;
        groups = &tail;
        pos = 2;
        if (s.size() == 2) return std::array<uint8_t, 16>{};
    } else if (s[0] == ':') {
        return std::nullopt;
    }
    while (pos < s.size()) {
        size_t end = s.find(':', pos);
        if (end == std::string_view::npos) end = s.size();
        const std::string_view field = s.substr(pos, end - pos);
        if (field.empty()) return std::nullopt;
        if (end == s.size() && field.find('.') != std::string_view::npos) {
            v4 = ParseIPv4(field);
            if (!v4) return std::nullopt;
        } else {
            if (field.size() > 4) return std::nullopt;
            unsigned value = 0;
            for (char c : field) {
                int d;
                if (c >= '0' && c <= '9') d = c - '0';
                else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
                else return std::nullopt;
                value = value * 16 + static_cast<unsigned>(d);
            }
            groups->push_back(static_cast<uint16_t>(value));
        }
        if (end == s.size()) break;
        if (s.substr(end, 2) == "::") {
            if (compressed) return std::nullopt;
            compressed = true;
            groups = &tail;
            pos = end + 2;
            if (pos == s.size()) break;
        } else {
            pos = end + 1;
            if (pos == s.size()) return std::nullopt;  // trailing single ':'
        }
    }
    const size_t total = head.size() + tail.size() + (v4 ? 2 : 0);
    if (compressed ? total > 7 : total != 8) return std::nullopt;
    std::array<uint8_t, 16> out{};
    size_t i = 0;
    for (uint16_t g : head) {
        out[i++] = static_cast<uint8_t>(g >> 8);
        out[i++] = static_cast<uint8_t>(g);
    }
    i = 16 - 2 * tail.size() - (v4 ? 4 : 0);
    for (uint16_t g : tail) {
        out[i++] = static_cast<uint8_t>(g >> 8);
        out[i++] = static_cast<uint8_t>(g);
    }
    if (v4) std::copy(v4->begin(), v4->end(), out.begin() + 12);
    return out;
}

std::optional<uint16_t> ParsePort(std::string_view s) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    if (value == 0 || value > 65535) return std::nullopt;  // Core refuses port 0 too
    return static_cast<uint16_t>(value);
}

bool InRange(uint8_t v, uint8_t lo, uint8_t hi) { return v >= lo && v <= hi; }

bool IsRoutableIPv4(const util::Bytes& a) {
    if (a[0] == 0) return false;                                    // 0.0.0.0/8 "this network"
    if (a[0] == 10) return false;                                   // RFC1918
    if (a[0] == 127) return false;                                  // loopback
    if (a[0] == 100 && (a[1] & 0xc0) == 64) return false;           // RFC6598 carrier-grade NAT
    if (a[0] == 169 && a[1] == 254) return false;                   // RFC3927 link-local
    if (a[0] == 172 && InRange(a[1], 16, 31)) return false;         // RFC1918
    if (a[0] == 192 && a[1] == 168) return false;                   // RFC1918
    if (a[0] == 198 && (a[1] & 0xfe) == 18) return false;           // RFC2544 benchmarking
    if (a[0] == 192 && a[1] == 0 && a[2] == 2) return false;        // RFC5737 documentation
    if (a[0] == 198 && a[1] == 51 && a[2] == 100) return false;     // RFC5737
    if (a[0] == 203 && a[1] == 0 && a[2] == 113) return false;      // RFC5737
    if (a[0] >= 224) return false;  // multicast, reserved 240/4, broadcast
    return true;
}

bool IsRoutableIPv6(const util::Bytes& a) {
    if (std::all_of(a.begin(), a.end(), [](uint8_t b) { return b == 0; })) return false;  // ::
    if (std::all_of(a.begin(), a.end() - 1, [](uint8_t b) { return b == 0; }) && a[15] == 1)
        return false;                                                       // ::1
    if (std::equal(IPV4_MAPPED_PREFIX.begin(), IPV4_MAPPED_PREFIX.end(), a.begin()))
        return false;  // mapped IPv4 must travel as IPv4; never valid here
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return false;               // fe80::/10 link-local
    if ((a[0] & 0xfe) == 0xfc) return false;                               // fc00::/7 RFC4193
    if (a[0] == 0xff) return false;                                        // ff00::/8 multicast
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return false;  // RFC3849
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && (a[3] & 0xf0) == 0x10)
        return false;  // 2001:10::/28 RFC4843 ORCHID
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && (a[3] & 0xf0) == 0x20)
        return false;  // 2001:20::/28 RFC7343 ORCHIDv2
    return true;
}

}  // namespace

size_t AddressLength(NetId net) {
    switch (net) {
        case NetId::IPv4: return 4;
        case NetId::IPv6: return 16;
        case NetId::TorV2: return 10;
        case NetId::TorV3: return 32;
        case NetId::I2P: return 32;
        case NetId::CJDNS: return 16;
    }
    return 0;
}

std::string NetAddress::ToString() const {
    const std::string port_text = std::to_string(port);
    if (addr.size() == AddressLength(net)) {
        if (net == NetId::IPv4) return IPv4ToString(addr) + ":" + port_text;
        if (net == NetId::IPv6) return "[" + IPv6ToString(addr) + "]:" + port_text;
    }
    return std::string(NetName(net)) + ":" + util::HexEncode(addr) + ":" + port_text;
}

std::optional<std::array<uint8_t, 16>> NetAddress::ToLegacy() const {
    std::array<uint8_t, 16> out{};
    if (net == NetId::IPv4 && addr.size() == 4) {
        std::copy(IPV4_MAPPED_PREFIX.begin(), IPV4_MAPPED_PREFIX.end(), out.begin());
        std::copy(addr.begin(), addr.end(), out.begin() + 12);
        return out;
    }
    if (net == NetId::IPv6 && addr.size() == 16) {
        std::copy(addr.begin(), addr.end(), out.begin());
        return out;
    }
    return std::nullopt;
}

NetAddress NetAddress::FromLegacy(const std::array<uint8_t, 16>& ip, uint16_t port) {
    NetAddress a;
    a.port = port;
    if (std::equal(IPV4_MAPPED_PREFIX.begin(), IPV4_MAPPED_PREFIX.end(), ip.begin())) {
        a.net = NetId::IPv4;
        a.addr.assign(ip.begin() + 12, ip.end());
    } else {
        a.net = NetId::IPv6;
        a.addr.assign(ip.begin(), ip.end());
    }
    return a;
}

std::optional<NetAddress> NetAddress::Parse(std::string_view text, uint16_t default_port) {
    std::string_view host = text;
    uint16_t port = default_port;
    bool bracketed = false;
    if (!text.empty() && text.front() == '[') {
        const size_t close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        bracketed = true;
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            const auto p = ParsePort(rest.substr(1));
            if (!p) return std::nullopt;
            port = *p;
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        // Exactly one colon: host:port. More than one without brackets is a bare IPv6 address.
        const size_t colon = text.find(':');
        host = text.substr(0, colon);
        const auto p = ParsePort(text.substr(colon + 1));
        if (!p) return std::nullopt;
        port = *p;
    }
    NetAddress out;
    out.port = port;
    if (!bracketed) {
        if (const auto v4 = ParseIPv4(host)) {
            out.net = NetId::IPv4;
            out.addr.assign(v4->begin(), v4->end());
            return out;
        }
    }
    const auto v6 = ParseIPv6(host);
    if (!v6) return std::nullopt;
    // Keep the invariant "IPv4 is 4 bytes": a mapped address is the IPv4 address.
    return FromLegacy(*v6, port);
}

bool NetAddress::IsLocal() const {
    if (net == NetId::IPv4) return addr.size() == 4 && addr[0] == 127;
    if (net == NetId::IPv6) {
        return addr.size() == 16 &&
               std::all_of(addr.begin(), addr.end() - 1, [](uint8_t b) { return b == 0; }) &&
               addr[15] == 1;
    }
    return false;
}

bool NetAddress::IsRoutable() const {
    if (addr.size() != AddressLength(net)) return false;
    switch (net) {
        case NetId::IPv4: return IsRoutableIPv4(addr);
        case NetId::IPv6: return IsRoutableIPv6(addr);
        case NetId::TorV2: return false;  // Tor v2 onion services no longer exist
        case NetId::TorV3:
        case NetId::I2P: return true;
        case NetId::CJDNS: return addr[0] == 0xfc;  // every CJDNS address is in fc00::/8
    }
    return false;
}

}  // namespace tonari::bitcoin::wire
