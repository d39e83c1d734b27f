// How peers are named in ban lists: by address, except on loopback, where every peer shares
// one address and the port tells them apart. Shared by the Swarm and the MetadataFetcher, so a
// peer banned while fetching a magnet's metadata stays banned in the download that follows.
#pragma once

#include <string>

#include "netcore/peer_network.h"

namespace tonari::torrent::peer {

inline bool IsLoopback(const std::string& address) { return address.rfind("127.", 0) == 0 || address == "::1"; }

inline std::string AddressKey(const netcore::PeerEndpoint& e) { return IsLoopback(e.address) ? e.ToString() : e.address; }

}  // namespace tonari::torrent::peer
