// The machine's own network interfaces, as LAN discovery needs them: the IPv4 broadcast
// address of every interface that is up and can broadcast. Thread-safe.
#pragma once

#include <string>
#include <vector>

namespace tonari::netcore {

// Distinct, in the order the system lists the interfaces; empty when it cannot tell.
std::vector<std::string> InterfaceBroadcastAddresses();

}  // namespace tonari::netcore
