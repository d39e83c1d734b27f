// The DHT packet (spec "DHT Packet"): kind, the sender's DHT public key, a nonce and a payload
// boxed from the sender's secret key to the receiver's public key; and the plaintexts of the
// two RPC services carried in it, ping and nodes, each ending in the 8-byte request id the
// reply echoes. Sizes are checked exactly, as c-toxcore checks them, before anything is
// decrypted or allocated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tox/wire/node_info.h"
#include "tox/wire/packet_kind.h"

namespace tonari::tox::wire {

inline constexpr size_t DHT_HEADER_SIZE = 1 + crypto::BOX_KEY_SIZE + crypto::BOX_NONCE_SIZE;  // 57
inline constexpr size_t REQUEST_ID_SIZE = 8;
// A nodes response names at most 4 nodes: the most a peer can make us try per reply.
inline constexpr size_t MAX_SENT_NODES = 4;
inline constexpr size_t PING_PLAIN_SIZE = 1 + REQUEST_ID_SIZE;
inline constexpr size_t NODES_REQUEST_PLAIN_SIZE = crypto::BOX_KEY_SIZE + REQUEST_ID_SIZE;
inline constexpr size_t PING_PACKET_SIZE = DHT_HEADER_SIZE + PING_PLAIN_SIZE + crypto::BOX_MAC_SIZE;  // 82
inline constexpr size_t NODES_REQUEST_PACKET_SIZE =
    DHT_HEADER_SIZE + NODES_REQUEST_PLAIN_SIZE + crypto::BOX_MAC_SIZE;  // 113
inline constexpr size_t MAX_NODES_RESPONSE_PLAIN_SIZE = 1 + MAX_SENT_NODES * PACKED_NODE_SIZE_IP6 + REQUEST_ID_SIZE;

// A DHT packet before decryption; `sealed` points into the datagram.
struct DhtPacketView {
    PacketKind kind = PacketKind::PING_REQUEST;
    PublicKey sender;
    crypto::BoxNonce nonce;
    util::ByteSpan sealed;
};

// Splits the header off; an error when the datagram is too short to hold a header and a MAC.
util::Result<DhtPacketView, std::string> ParseDhtPacket(util::ByteSpan datagram);
// A whole datagram: header with a fresh random nonce, then the boxed plaintext.
util::Bytes SealDhtPacket(PacketKind kind, const PublicKey& sender, const crypto::BoxSharedKey& key,
                          util::ByteSpan plain);

struct PingPayload {
    bool response = false;
    uint64_t request_id = 0;
};
struct NodesRequestPayload {
    PublicKey target;
    uint64_t request_id = 0;
};
struct NodesResponsePayload {
    std::vector<NodeInfo> nodes;
    uint64_t request_id = 0;
};

// The request id is opaque bytes to everyone but its maker; read and written little-endian so
// that ours survive a round trip through c-toxcore, which copies it as it came.
util::Bytes EncodePing(const PingPayload& p);
util::Result<PingPayload, std::string> DecodePing(util::ByteSpan plain);
util::Bytes EncodeNodesRequest(const NodesRequestPayload& p);
util::Result<NodesRequestPayload, std::string> DecodeNodesRequest(util::ByteSpan plain);
// Nodes that are not IP literals are left out; at most MAX_SENT_NODES are written.
util::Bytes EncodeNodesResponse(const NodesResponsePayload& p);
util::Result<NodesResponsePayload, std::string> DecodeNodesResponse(util::ByteSpan plain);

}  // namespace tonari::tox::wire
