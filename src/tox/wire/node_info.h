// Node Info in the packed node format: one byte for transport and address family (2/10 UDP,
// 130/138 TCP), the IPv4 or IPv6 address, the big-endian port and the node's public key. DHT
// nodes responses, saved profiles and TCP relay lists all carry lists of them.
#pragma once

#include <string>
#include <vector>

#include "crypto/nacl_box.h"
#include "netcore/peer_network.h"
#include "util/byte_writer.h"
#include "util/result.h"

namespace tonari::tox::wire {

using PublicKey = crypto::BoxPublicKey;

inline constexpr size_t PACKED_NODE_SIZE_IP4 = 1 + 4 + 2 + crypto::BOX_KEY_SIZE;   // 39
inline constexpr size_t PACKED_NODE_SIZE_IP6 = 1 + 16 + 2 + crypto::BOX_KEY_SIZE;  // 51

struct NodeInfo {
    bool tcp = false;
    netcore::PeerEndpoint endpoint;  // an IP literal and a port
    PublicKey public_key;

    bool operator==(const NodeInfo&) const = default;
};

// Appends one node; false (nothing written) when the address is not an IP literal.
bool PackNode(const NodeInfo& node, util::ByteWriter& out);
// Exactly `count` nodes filling all of `data` (a nodes response and the state format's lists
// leave no slack). An unknown address family, port 0, a short record or bytes left over are
// errors; `max_count` caps what a peer can make us allocate.
util::Result<std::vector<NodeInfo>, std::string> UnpackNodes(util::ByteSpan data, size_t count, size_t max_count);
// As many whole nodes as `data` holds, for lists with no count in front (the state format's).
util::Result<std::vector<NodeInfo>, std::string> UnpackNodeList(util::ByteSpan data, size_t max_count);

}  // namespace tonari::tox::wire
