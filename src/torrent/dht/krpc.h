// KRPC, the DHT's message format (BEP 5): bencoded dictionaries over UDP — queries (ping,
// find_node, get_peers, announce_peer), responses and errors — with compact node info
// (20-byte id + compact endpoint) and compact peers. Decoding is strict and bounded: a
// datagram is small, so are its lists, and anything malformed is an error value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "netcore/peer_network.h"
#include "torrent/dht/node_id.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::torrent::dht {

// Attack: a peer-list answer that asks us to remember thousands of endpoints. libtorrent
// answers at most 100 peers; BEP 5 packets fit one datagram anyway.
inline constexpr size_t MAX_VALUES = 200;
// Attack: a node list that floods our lookups with candidates. k = 8 is what anyone sends.
inline constexpr size_t MAX_NODES = 16;
// Transaction ids are short opaque strings (libtorrent: 2 bytes); a long one is junk.
inline constexpr size_t MAX_TRANSACTION_ID = 16;
// Tokens are opaque (ours 8 bytes, libtorrent's 4); a long one is junk.
inline constexpr size_t MAX_TOKEN = 32;

// KRPC error codes.
inline constexpr int64_t ERROR_GENERIC = 201;
inline constexpr int64_t ERROR_SERVER = 202;
inline constexpr int64_t ERROR_PROTOCOL = 203;
inline constexpr int64_t ERROR_METHOD_UNKNOWN = 204;

enum class Method { Ping, FindNode, GetPeers, AnnouncePeer, Unknown };
const char* MethodName(Method m);

struct NodeInfo {
    NodeId id{};
    netcore::PeerEndpoint endpoint;
    bool operator==(const NodeInfo&) const = default;
};

struct Query {
    std::string transaction;
    Method method = Method::Ping;
    std::string method_name;  // as received (for Unknown)
    NodeId id{};              // the querying node
    std::optional<NodeId> target;     // find_node
    std::optional<NodeId> info_hash;  // get_peers, announce_peer
    uint16_t port = 0;                // announce_peer
    bool implied_port = false;        // announce_peer: use the packet's source port
    std::string token;                // announce_peer
    bool seed = false;                // announce_peer (BEP 33)
    bool read_only = false;           // "ro": do not add this node to routing tables (BEP 43)
};

struct Response {
    std::string transaction;
    NodeId id{};
    std::vector<NodeInfo> nodes;   // IPv4 ("nodes") and IPv6 ("nodes6")
    std::vector<netcore::PeerEndpoint> values;
    std::optional<std::string> token;
    std::optional<netcore::PeerEndpoint> external;  // "ip": our address as the responder saw it (BEP 42)
};

struct ErrorMessage {
    std::string transaction;
    int64_t code = ERROR_GENERIC;
    std::string text;
};

using Message = std::variant<Query, Response, ErrorMessage>;

util::Result<Message, std::string> DecodeMessage(util::ByteSpan datagram);

std::string EncodeQuery(const Query& q);
// `sender` goes into "ip" (BEP 42) when given.
std::string EncodeResponse(const Response& r, const std::optional<netcore::PeerEndpoint>& sender = std::nullopt);
std::string EncodeError(const ErrorMessage& e);

// Compact node info: 26 bytes per IPv4 node, 38 per IPv6 node.
std::string EncodeNodes(const std::vector<NodeInfo>& nodes, bool ipv6);

}  // namespace tonari::torrent::dht
