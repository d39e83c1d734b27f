// Host header check.
#include "web/host_check.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace tonari::web {

bool HostAllowed(std::optional<std::string_view> host) {
    if (!host || host->empty() || host->size() > 255) return false;
    std::string_view name = *host;
    if (name.front() == '[') {  // [IPv6]:port
        const size_t close = name.find(']');
        if (close == std::string_view::npos) return false;
        const std::string rest(name.substr(close + 1));
        if (!rest.empty() && (rest[0] != ':' || rest.size() == 1 ||
                              !std::all_of(rest.begin() + 1, rest.end(), [](unsigned char c) { return std::isdigit(c); }))) {
            return false;
        }
        std::array<unsigned char, 16> buf{};
        return inet_pton(AF_INET6, std::string(name.substr(1, close - 1)).c_str(), buf.data()) == 1;
    }
    if (const size_t colon = name.rfind(':'); colon != std::string_view::npos) {
        const std::string_view port = name.substr(colon + 1);
        if (port.empty() || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) return false;
        name = name.substr(0, colon);
    }
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "localhost") return true;
    std::array<unsigned char, 4> buf{};
    return inet_pton(AF_INET, lower.c_str(), buf.data()) == 1;
}

}  // namespace tonari::web
