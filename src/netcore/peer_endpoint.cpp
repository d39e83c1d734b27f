// PeerEndpoint's text form, kept out of peer_network.cpp so that builds without the Asio
// runtime (the fuzz build) have it too.
#include "netcore/peer_network.h"

namespace tonari::netcore {

std::string PeerEndpoint::ToString() const {
    if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
    return address + ":" + std::to_string(port);
}

}  // namespace tonari::netcore
