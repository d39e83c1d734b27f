// Installs BitTorrent's stream encryption (MSE/PE) on a PeerNetwork's options for one torrent:
// dials start with an MSE handshake under the SKEY peers know the torrent by, and listeners
// answer MSE for any of the torrent's hashes or, when the policy allows, a plain handshake.
// Shared by Session and FetchMetadata so a magnet's metadata phase follows the same policy.
#pragma once

#include <vector>

#include "netcore/peer_network.h"
#include "torrent/mse/handshake.h"

namespace tonari::torrent::session {

// skeys: the first is what dials use (the v1 info-hash, else the truncated v2 one); a hybrid
// lists both. Policy::Off installs nothing: plain connections only.
void InstallStreamEncryption(netcore::PeerNetworkOptions& net, mse::Policy policy, std::vector<mse::Key20> skeys);

}  // namespace tonari::torrent::session
