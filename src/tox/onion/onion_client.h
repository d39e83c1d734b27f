// OnionClient: our own use of the onion (spec "Onion", c-toxcore's onion_client). It announces
// our long-term key at the nodes closest to it, so friends can find us; searches, for each
// friend, the nodes closest to the friend's key until one says the friend is announced there;
// and sends data to a friend through those nodes (friend requests, and the DHT public key
// packet that tells the friend where to find us in the DHT). Requests go over random 3-hop
// paths of DHT nodes, the self and friend paths kept apart; every answer names closer nodes,
// which are asked in turn. Attached to a DhtNode like the onion server; not thread-safe.
#pragma once

#include <map>
#include <random>

#include "tox/dht/dht_node.h"
#include "tox/onion/onion_path.h"

namespace tonari::tox::onion {

// Nodes we announce ourselves to, and nodes kept per friend searched (c-toxcore: 12 and 8).
inline constexpr size_t MAX_ANNOUNCE_NODES = 12;
inline constexpr size_t MAX_FRIEND_NODES = 8;
// Paths kept for announcing and for searching (c-toxcore: 6 each); a path is replaced after
// 20 minutes, or once it goes 4 requests without an answer.
inline constexpr size_t PATHS_PER_KIND = 6;
inline constexpr int64_t PATH_LIFETIME_US = 1'200'000'000;
inline constexpr int PATH_MAX_UNANSWERED = 4;
// Until announced we ask every 3 s; then each node is pinged every 15 s.
inline constexpr int64_t ANNOUNCE_RETRY_US = 3'000'000;
// While a list is short, new DHT nodes are looked at this often (each asked once per 10 s).
inline constexpr int64_t POPULATE_INTERVAL_US = 500'000;
inline constexpr int64_t NODE_PING_INTERVAL_US = 15'000'000;
// A node that has not answered for this long is dropped from a list (3 pings and a margin).
inline constexpr int64_t NODE_TIMEOUT_US = 5 * NODE_PING_INTERVAL_US;
// A node named in an answer is asked at most once per 10 s, however many answers name it.
inline constexpr int64_t MIN_NODE_PING_US = 10'000'000;
// Requests awaiting an answer, by their sendback number; answers after 10 s are ignored.
inline constexpr size_t MAX_PENDING_ANNOUNCES = 1024;
inline constexpr int64_t ANNOUNCE_ANSWER_TIMEOUT_US = 10'000'000;
// Friends searched at once (as many as a profile holds).
inline constexpr size_t MAX_ONION_FRIENDS = 4096;
// Nodes kept to build paths from when UDP is off (bootstrap nodes and the nodes announce
// responses name): a response cannot grow the list past this.
inline constexpr size_t MAX_PATH_NODES = 64;
// The DHT public key packet goes to a found friend this often (c-toxcore: 30 s).
inline constexpr int64_t DHTPK_INTERVAL_US = 30'000'000;
// Onion data types (the first byte inside).
inline constexpr uint8_t DATA_FRIEND_REQUEST = 32;
inline constexpr uint8_t DATA_DHT_PUBLIC_KEY = 156;
// The largest [type][data] that fits a data request after both layers of sealing.
inline constexpr size_t MAX_ONION_DATA_SIZE = ONION_MAX_PACKET_SIZE - (1 + SEND_1) - DATA_REQUEST_MIN_SIZE -
                                              crypto::BOX_KEY_SIZE - crypto::BOX_MAC_SIZE;

// Data a friend sent us through the onion: its long-term key, the type byte and what follows.
using OnionDataHandler =
    std::function<void(const crypto::BoxPublicKey& sender, uint8_t type, util::ByteSpan data, int64_t now_us)>;
// A friend's DHT public key (and the nodes it named) from a DHT public key packet.
using DhtKeyHandler = std::function<void(const crypto::BoxPublicKey& friend_key, const crypto::BoxPublicKey& dht_key,
                                         const std::vector<wire::NodeInfo>& nodes, int64_t now_us)>;

struct OnionClientStats {
    size_t announce_nodes = 0;
    size_t announced_at = 0;  // nodes that say we are announced there
    size_t paths = 0;
    uint64_t requests_sent = 0;
    uint64_t answers = 0;
    uint64_t data_received = 0;
    uint64_t dropped = 0;
};

class OnionClient {
public:
    OnionClient(dht::DhtNode& node, crypto::BoxKeyPair long_term, uint64_t seed);

    void AddFriend(const crypto::BoxPublicKey& friend_key);
    void RemoveFriend(const crypto::BoxPublicKey& friend_key);
    // How many nodes say the friend is announced at them (0: not found yet).
    size_t FriendNodes(const crypto::BoxPublicKey& friend_key, int64_t now_us) const;
    // Sends [type][data] to the friend through every node that knows it; the packets sent.
    size_t SendData(const crypto::BoxPublicKey& friend_key, uint8_t type, util::ByteSpan data, int64_t now_us);
    // The route the last SendData packet took: the path's three hops, then the node that holds
    // the friend's announcement (for people watching the onion work; nothing depends on it).
    const std::vector<netcore::PeerEndpoint>& LastDataRoute() const { return m_last_data_route; }
    // Stop (or resume) telling a friend our DHT key: it is connected directly.
    void SetFriendConnected(const crypto::BoxPublicKey& friend_key, bool connected);

    void SetDataHandler(OnionDataHandler handler) { m_on_data = std::move(handler); }
    void SetDhtKeyHandler(DhtKeyHandler handler) { m_on_dht_key = std::move(handler); }
    // The TCP relays we are connected to: named first in our DHT key announcements (up to half
    // of the nodes, as c-toxcore does), so friends without UDP can reach us through them.
    void SetRelaysFn(std::function<std::vector<wire::NodeInfo>()> f) { m_relays = std::move(f); }
    // Without UDP: every onion request goes through a TCP relay, which is the path's first hop
    // (`send` takes the relay's ONION_REQUEST body and says whether a relay took it); paths and
    // first announcements come from the path nodes below instead of the DHT.
    void SetTcpOnion(std::function<bool(util::ByteSpan request)> send) { m_tcp_onion = std::move(send); }
    // `pinned` ones (the bootstrap nodes) are never evicted by nodes learned from responses.
    void AddPathNode(const wire::NodeInfo& node, bool pinned = false);
    // An onion response a relay brought back (0x84 or 0x86).
    void OnTcpResponse(util::ByteSpan response, int64_t now_us);
    void Tick(int64_t now_us);
    bool Announced(int64_t now_us) const;
    OnionClientStats Stats(int64_t now_us) const;

private:
    struct Path {
        OnionPath path;
        int64_t born_us = 0;
        int unanswered = 0;
    };
    struct Node {
        wire::NodeInfo info;
        std::array<uint8_t, PING_ID_SIZE> ping_id{};
        crypto::BoxPublicKey data_key;  // a friend's, when is_stored == 1
        uint8_t is_stored = 0;
        int64_t last_answer_us = 0;
        int64_t last_sent_us = 0;
        uint64_t path = 0;
    };
    struct Friend {
        crypto::BoxKeyPair search_keys;  // a temporary pair, so searches do not name us
        std::vector<Node> nodes;
        std::map<crypto::BoxPublicKey, int64_t> pinged;
        uint64_t last_no_replay = 0;
        std::optional<crypto::BoxPublicKey> dht_key;  // the one we search the DHT for
        int64_t last_dhtpk_us = -DHTPK_INTERVAL_US;
        bool connected = false;
    };
    struct Pending {
        std::optional<crypto::BoxPublicKey> friend_key;  // none: our own announcement
        wire::NodeInfo to;
        uint64_t path = 0;
        bool self_path = true;
        int64_t sent_us = 0;
    };

    void OnAnnounceResponse(util::ByteSpan datagram, int64_t now_us);
    void OnDataResponse(util::ByteSpan datagram, int64_t now_us);
    void OnDhtRequest(const crypto::BoxPublicKey& sender_dht, util::ByteSpan plain, int64_t now_us);
    void HandleData(const crypto::BoxPublicKey& sender, util::ByteSpan plain, int64_t now_us);
    bool SendAnnounce(const std::optional<crypto::BoxPublicKey>& friend_key, const wire::NodeInfo& to,
                      const std::array<uint8_t, PING_ID_SIZE>& ping_id, std::optional<uint64_t> path_id, int64_t now_us);
    // A path's id: kept while the path lives, so a node is asked again by the same path.
    std::optional<uint64_t> PickPath(bool self, std::optional<uint64_t> preferred, int64_t now_us);
    std::vector<Node>& ListFor(const std::optional<crypto::BoxPublicKey>& friend_key);
    void AddNode(std::vector<Node>& list, const crypto::BoxPublicKey& base, size_t cap, Node node);
    bool WorthAsking(const std::vector<Node>& list, const crypto::BoxPublicKey& base, size_t cap,
                     const crypto::BoxPublicKey& key, std::map<crypto::BoxPublicKey, int64_t>& pinged, int64_t now_us);
    void SendDhtKey(const crypto::BoxPublicKey& friend_key, Friend& f, int64_t now_us);
    // Out through the path's first node: over UDP, or the relay when UDP is off.
    bool SendRequest(const OnionPath& path, const netcore::PeerEndpoint& to, util::ByteSpan inner);
    // Nodes to start announcing or searching from, closest to `base` first.
    std::vector<wire::NodeInfo> StartNodes(const crypto::BoxPublicKey& base, size_t count) const;

    dht::DhtNode& m_node;
    crypto::BoxKeyPair m_long_term;
    crypto::BoxKeyPair m_data_keys;  // friends encrypt data to this; new each run
    std::mt19937_64 m_rng;
    std::map<uint64_t, Path> m_self_paths;
    std::map<uint64_t, Path> m_friend_paths;
    std::vector<netcore::PeerEndpoint> m_last_data_route;
    uint64_t m_next_path_id = 1;
    std::vector<Node> m_announce_nodes;
    std::map<crypto::BoxPublicKey, int64_t> m_self_pinged;
    std::map<crypto::BoxPublicKey, Friend> m_friends;
    std::map<uint64_t, Pending> m_pending;
    int64_t m_last_populate_us = -POPULATE_INTERVAL_US;
    OnionDataHandler m_on_data;
    DhtKeyHandler m_on_dht_key;
    std::function<std::vector<wire::NodeInfo>()> m_relays;
    std::function<bool(util::ByteSpan)> m_tcp_onion;
    std::vector<wire::NodeInfo> m_path_nodes;
    size_t m_pinned_path_nodes = 0;  // the first ones in m_path_nodes
    OnionClientStats m_stats;
};

}  // namespace tonari::tox::onion
