// BEP 11 peer exchange (ut_pex): peers tell each other whom else they are connected to, so a
// swarm stays connected without asking a tracker. A message is a bencoded dictionary of compact
// endpoints: "added"/"added.f"/"dropped" (IPv4, 6 bytes each) and "added6"/"added6.f"/"dropped6"
// (IPv6, 18 bytes each). Pure code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netcore/peer_network.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::torrent::peer {

// The extended-message id we ask peers to use for ut_pex (our "m" dictionary).
inline constexpr uint8_t OUR_UT_PEX_ID = 1;
// BEP 11: at most 50 added (and 50 dropped) peers per message; more is a flood.
inline constexpr size_t MAX_PEX_PEERS = 50;
// Attack: a PEX message megabytes long.
inline constexpr size_t MAX_PEX_MESSAGE = 8 * 1024;

struct PexMessage {
    std::vector<netcore::PeerEndpoint> added;
    std::vector<netcore::PeerEndpoint> dropped;
};

util::Bytes EncodePex(const PexMessage& message);
// Reads at most MAX_PEX_PEERS of each list (the rest is ignored); malformed input is an error.
util::Result<PexMessage, std::string> DecodePex(util::ByteSpan payload);

}  // namespace tonari::torrent::peer
