// DNS rebinding defence for the dashboard: a web page from an attacker's site can make a
// browser resolve the attacker's name to 127.0.0.1 and read the dashboard as if it were that
// site. Such a request carries the attacker's name in Host; so only an IP literal or
// "localhost" (with or without a port) is served. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace tonari::web {

bool HostAllowed(std::optional<std::string_view> host);

}  // namespace tonari::web
