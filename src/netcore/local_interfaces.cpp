// Interface broadcast addresses from getifaddrs.
#include "netcore/local_interfaces.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <memory>

namespace tonari::netcore {

std::vector<std::string> InterfaceBroadcastAddresses() {
    std::vector<std::string> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> owned(list, &freeifaddrs);
    for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
        if ((i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_BROADCAST) == 0 || i->ifa_broadaddr == nullptr) continue;
        std::array<char, INET_ADDRSTRLEN> text{};
        const auto* broadcast = reinterpret_cast<const sockaddr_in*>(i->ifa_broadaddr);
        if (inet_ntop(AF_INET, &broadcast->sin_addr, text.data(), text.size()) == nullptr) continue;
        std::string address(text.data());
        if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(std::move(address));
    }
    return out;
}

}  // namespace tonari::netcore
