// The client side of onion packets: a path of three nodes with the keys each layer is sealed
// with (our DHT key to the first node, a fresh key pair to each of the others, so that no two
// layers can be linked), an onion request built from it (one nonce for every layer, as
// c-toxcore does), and the announce and data-to-route requests a path carries to its end.
#pragma once

#include <array>
#include <optional>

#include "tox/onion/onion_announce.h"
#include "tox/wire/node_info.h"

namespace tonari::tox::onion {

struct OnionPath {
    std::array<wire::NodeInfo, 3> nodes;
    std::array<crypto::BoxPublicKey, 3> layer_keys;  // the key each hop opens its layer with
    std::array<crypto::BoxSharedKey, 3> shared;
};

// None when a node's key is of small order.
std::optional<OnionPath> MakeOnionPath(const crypto::BoxKeyPair& dht_keys, const std::array<wire::NodeInfo, 3>& nodes);
// The 0x80 packet for the first node; none when an address is not an IP literal or `data` is
// empty or too large for ONION_MAX_PACKET_SIZE.
std::optional<util::Bytes> MakeOnionRequest(const OnionPath& path, const netcore::PeerEndpoint& destination,
                                            util::ByteSpan data);

// The same through a TCP relay that is the path's first node (nodes[0]): what follows the
// relay's ONION_REQUEST kind, [nonce][B's address][B's layer key][B's layer], the first layer
// in plain because the relay's stream is sealed already.
std::optional<util::Bytes> MakeTcpOnionRequest(const OnionPath& path, const netcore::PeerEndpoint& destination,
                                               util::ByteSpan data);

struct AnnounceRequest {
    std::array<uint8_t, PING_ID_SIZE> ping_id{};  // zero the first time
    crypto::BoxPublicKey searched;
    crypto::BoxPublicKey data_key;  // zero when only searching
    uint64_t sendback = 0;
};
// The 0x83 packet, sealed from `keys` (our long-term keys to announce, a temporary pair to
// search) to the destination node's DHT key; none for a key of small order (nothing is ever
// sealed with a key anyone could compute).
std::optional<util::Bytes> MakeAnnounceRequest(const crypto::BoxKeyPair& keys, const crypto::BoxPublicKey& node_key,
                                const AnnounceRequest& request);

struct AnnounceResponse {
    uint64_t sendback = 0;
    uint8_t is_stored = 0;
    std::array<uint8_t, PING_ID_SIZE> ping_id_or_key{};
    std::vector<wire::NodeInfo> nodes;
};
// Reads the sendback number first (it tells which request, and so which key, this answers),
// then opens the rest with that key.
std::optional<uint64_t> AnnounceResponseSendback(util::ByteSpan datagram);
util::Result<AnnounceResponse, std::string> OpenAnnounceResponse(util::ByteSpan datagram, const crypto::BoxSharedKey& key);

// The 0x85 packet: `payload` sealed with a fresh key pair to the data key the destination
// announced, under `nonce`; none for a data key of small order.
std::optional<util::Bytes> MakeDataRequest(const crypto::BoxPublicKey& destination, const crypto::BoxPublicKey& data_key,
                            const crypto::BoxNonce& nonce, util::ByteSpan payload);

}  // namespace tonari::tox::onion
