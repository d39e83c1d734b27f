// Local-network address ranges.
#include "netcore/address_scope.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>

namespace tonari::netcore {

bool IsLocalAddress(const std::string& ip) {
    std::array<uint8_t, 16> a{};
    if (inet_pton(AF_INET, ip.c_str(), a.data()) == 1) {
        return a[0] == 10 || a[0] == 127 || a[0] == 0 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
               (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) || (a[0] == 100 && (a[1] & 0xc0) == 64);
    }
    if (inet_pton(AF_INET6, ip.c_str(), a.data()) == 1) {
        bool loopback = a[15] == 1;
        for (size_t i = 0; i < 15; ++i) loopback = loopback && a[i] == 0;
        return loopback || (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
    }
    return true;
}

}  // namespace tonari::netcore
