// DhtNode: one Tox DHT node's logic (spec "DHT Operation"), free of sockets and clocks so tests
// and the simulator can drive it. It answers pings and nodes requests, keeps the close list
// (k-buckets around its own key) and a list per searched key, fills them by asking the nodes it
// learns, checks every member once a minute and drops the silent, forwards DHT request packets
// to the close nodes they are addressed to, and answers bootstrap-info queries. Packet kinds
// it does not own go to handlers the layers above register. Not thread-safe: one owner.
#pragma once

#include <array>
#include <deque>
#include <list>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "netcore/token_bucket.h"
#include "tox/dht/client_list.h"
#include "tox/dht/hole_punch.h"
#include "tox/wire/dht_packet.h"

namespace tonari::tox::dht {

inline constexpr size_t BUCKET_SIZE = 8;
inline constexpr size_t SEARCH_LIST_SIZE = 8;
// A reply to a ping or nodes request later than this is ignored (c-toxcore's PING_TIMEOUT).
inline constexpr int64_t REQUEST_TIMEOUT_US = 5'000'000;
// Each list asks one random member for closer nodes this often…
inline constexpr int64_t RANDOM_REQUEST_INTERVAL_US = 20'000'000;
// …and every member is checked with a nodes request this often.
inline constexpr int64_t CHECK_INTERVAL_US = 60'000'000;
// While the close list has no good node, the bootstrap nodes are asked again this often.
inline constexpr int64_t BOOTSTRAP_INTERVAL_US = 5'000'000;
// A list that just got its first member asks this many times in quick succession.
inline constexpr int FIRST_REQUESTS_BURST = 5;
inline constexpr int64_t BURST_SPACING_US = 500'000;
// Pings to nodes that asked us something, to learn them: at most this many per interval,
// closest first (c-toxcore: 32 every 2 s). Bounds what a flood of strangers makes us send.
inline constexpr size_t MAX_TO_PING = 32;
// Nodes named in one nodes response that we ask in turn: at most one request each, so a reply
// cannot make us send more than this (c-toxcore bounds it with its to-bootstrap lists).
inline constexpr size_t MAX_REQUESTS_PER_RESPONSE = 4;
// DHT request packets (0x20): c-toxcore forwards at most 1,040 bytes and reads at most 1,024.
inline constexpr size_t MAX_DHT_REQUEST_FORWARD = 1040;
inline constexpr size_t MAX_DHT_REQUEST_LOCAL = 1024;
inline constexpr int64_t TO_PING_INTERVAL_US = 2'000'000;
// Requests awaiting a reply. A peer that never answers cannot make this grow past the cap:
// new requests are skipped until old ones time out.
inline constexpr size_t MAX_PENDING_REQUESTS = 2048;
// Shared keys cached per peer key. Every packet from an unknown key costs one Curve25519
// multiplication; the cache bounds the memory a flood of fresh keys can take.
inline constexpr size_t MAX_SHARED_KEYS = 4096;
// Packets taken from one source per second, with a burst (session data excepted, which only
// an established friend's address gets read): an IP on the internet (one host
// rotating ports is still one source), an IP and port on a local network (where many nodes of
// one machine share an address). A source that floods us burns our CPU on decryption, or,
// spoofed, turns us into a reflector toward its victim; honest DHT traffic between two nodes
// is a few packets a second.
inline constexpr double PACKETS_PER_SOURCE_PER_S = 50;
inline constexpr double PACKETS_PER_SOURCE_BURST = 100;
// Addresses whose rate is tracked; the oldest is forgotten first.
inline constexpr size_t MAX_TRACKED_SOURCES = 10'000;
// Shared keys computed for keys not cached, per second, with a burst: a flood that signs every
// packet with a fresh key makes each one cost a Curve25519 multiplication. Keys of nodes in our
// lists or awaiting our answer are always computed, so a flood cannot cut us off from them.
inline constexpr double NEW_KEYS_PER_S = 2'000;
inline constexpr double NEW_KEYS_BURST = 4'000;
// Keys searched for at once (friends, and the random searches that spread knowledge).
inline constexpr size_t MAX_SEARCHES = 1024;
// Searches for random keys every node runs (spec "DHT Initialisation"; c-toxcore's fake
// friends): they send it into other parts of the key space, so that distant nodes learn of it.
inline constexpr size_t RANDOM_SEARCHES = 2;
// The request packet c-toxcore sends for bootstrap info, and the reply's message limit.
inline constexpr size_t BOOTSTRAP_INFO_REQUEST_SIZE = 78;
inline constexpr size_t MAX_MOTD_SIZE = 256;
// LAN discovery (0x21): the packet is the kind and the sender's DHT key, nothing else.
inline constexpr size_t LAN_DISCOVERY_SIZE = 1 + crypto::BOX_KEY_SIZE;

using LogFn = std::function<void(const std::string&)>;
using SendFn = std::function<void(const netcore::PeerEndpoint& to, util::Bytes datagram)>;
using PacketHandler = std::function<void(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us)>;
// A DHT request packet addressed to us, decrypted: the sender's DHT key and the inner plaintext.
using DhtRequestHandler =
    std::function<void(const netcore::PeerEndpoint& from, const PublicKey& sender, util::ByteSpan plain, int64_t now_us)>;

struct DhtStats {
    size_t close_nodes = 0;
    size_t good_close_nodes = 0;
    size_t searches = 0;  // besides the random ones
    size_t pending_requests = 0;
    uint64_t packets_in = 0;
    uint64_t packets_out = 0;
    uint64_t malformed = 0;        // wrong size or layout
    uint64_t undecryptable = 0;    // failed the MAC: wrong key, tampered or replayed elsewhere
    uint64_t unsolicited = 0;      // a reply to nothing we asked (or asked too long ago)
    uint64_t requests_skipped = 0; // not sent because MAX_PENDING_REQUESTS were in flight
    uint64_t forwarded = 0;        // DHT request packets passed on to a close node
    uint64_t unhandled = 0;        // kinds no layer has claimed yet; DHT requests for strangers
    uint64_t rate_limited = 0;     // dropped by the per-source or new-key limits
    uint64_t nat_pings_answered = 0;  // friends' NAT ping requests we answered
    uint64_t punch_pings = 0;         // pings sent by hole punching rounds
    uint64_t lan_discovered = 0;      // LAN discovery packets that made us ask their sender
};

class DhtNode {
public:
    DhtNode(crypto::BoxKeyPair keys, SendFn send, uint64_t seed, LogFn log = {});

    const PublicKey& SelfKey() const { return m_keys.public_key; }
    // The node's DHT key pair: the first layer of our own onion paths is sealed with it.
    const crypto::BoxKeyPair& Keys() const { return m_keys; }
    // Work the layers above do on the node's clock: run at the end of every Tick.
    void AddTicker(std::function<void(int64_t now_us)> ticker) { m_tickers.push_back(std::move(ticker)); }
    // A node to start from: asked for nodes close to us now and whenever the close list has no
    // good node. Remembered for the node's life.
    void Bootstrap(const NodeInfo& node, int64_t now_us);
    // Asks one node, once, for the nodes it knows closest to `target`.
    void AskNodes(const NodeInfo& node, const PublicKey& target, int64_t now_us) { SendNodesRequest(node, target, now_us); }
    void OnPacket(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us);
    void Tick(int64_t now_us);

    // Searches keep a list of the nodes closest to `key` and find the node itself when online.
    bool AddSearch(const PublicKey& key);
    void RemoveSearch(const PublicKey& key);
    // The searched node's address once it answered us directly.
    std::optional<NodeInfo> Found(const PublicKey& key) const;

    // The good nodes we know closest to `target` (close list and searches), at most `count`;
    // addresses on local networks only when `include_local`.
    std::vector<NodeInfo> ClosestNodes(const PublicKey& target, size_t count, bool include_local) const;
    // Every good node known, closest to us first, for saving.
    std::vector<NodeInfo> KnownNodes() const;
    bool InCloseList(const PublicKey& key) const { return m_close.Contains(key); }
    DhtStats Stats() const;

    void SetBootstrapInfo(uint32_t version, std::string motd);
    // LAN discovery (spec "LAN discovery"): when on, a discovery packet from an address on a
    // local network makes us ask its sender for nodes (it is found only once it answers).
    void SetLanDiscovery(bool on) { m_lan_discovery = on; }
    // The packet to broadcast: our kind byte and DHT key.
    util::Bytes LanDiscoveryPacket() const;
    // Hole punching toward friends found only through their close nodes (spec "Hole
    // punching"); on by default, as in c-toxcore.
    void SetHolePunching(bool on) { m_hole_punching = on; }
    // Routes a top-level packet kind the DHT does not own (onion, net_crypto…) to its layer.
    void SetHandler(wire::PacketKind kind, PacketHandler handler);
    // Receives DHT request packets addressed to us (NAT pings, DHT public key packets).
    void SetDhtRequestHandler(DhtRequestHandler handler) { m_dht_request_handler = std::move(handler); }
    // Sends a DHT request packet (kind 0x20) to `to`, through one of the close nodes that know
    // it; false when none does.
    bool SendDhtRequest(const PublicKey& to, util::ByteSpan plain);
    // The addresses the members of `key`'s search list gave for it lately (at most one each);
    // empty once the node itself answers us, when there is nothing to punch.
    std::vector<netcore::PeerEndpoint> ReturnedAddresses(const PublicKey& key) const;
    // The shared key with a peer's DHT key (cached); none for a key of small order.
    std::optional<crypto::BoxSharedKey> SharedKey(const PublicKey& key);
    void Send(const netcore::PeerEndpoint& to, util::Bytes datagram);

private:
    enum class RequestKind { PING, NODES };
    struct Pending {
        RequestKind kind = RequestKind::PING;
        PublicKey to;
        netcore::PeerEndpoint endpoint;
        int64_t sent_us = 0;
    };
    struct Search {
        ClientList list;
        std::optional<NodeInfo> found;
        int64_t found_us = 0;  // when it last answered us
        int64_t found_check_us = 0;  // when we last asked it, to know it is still there
        int64_t last_random_us = 0;
        int burst = FIRST_REQUESTS_BURST;
        PunchState punch;
    };

    void HandlePing(const netcore::PeerEndpoint& from, const wire::DhtPacketView& p, int64_t now_us);
    void HandleNodesRequest(const netcore::PeerEndpoint& from, const wire::DhtPacketView& p, int64_t now_us);
    void HandleNodesResponse(const netcore::PeerEndpoint& from, const wire::DhtPacketView& p, int64_t now_us);
    void HandleDhtRequest(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us);
    void HandleBootstrapInfo(const netcore::PeerEndpoint& from, util::ByteSpan datagram);
    void HandleLanDiscovery(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us);
    void HandleNatPing(const PublicKey& sender, const NatPing& ping, int64_t now_us);
    // Records the addresses a nodes response gave for searched keys, against its sender.
    void NoteReturned(const PublicKey& responder, const std::vector<NodeInfo>& nodes, int64_t now_us);
    // NAT pings and punching rounds for every friend not reachable directly.
    void DoNat(int64_t now_us);
    bool IsFriendSearch(const PublicKey& key) const;
    util::Bytes DhtRequestPacket(const PublicKey& to, const crypto::BoxSharedKey& key, util::ByteSpan plain);
    std::optional<util::Bytes> Open(const wire::DhtPacketView& p);
    std::optional<util::Bytes> OpenSized(const wire::DhtPacketView& p, size_t min_plain, size_t max_plain);
    // Takes the pending request `id` if it went to this key and address and is recent.
    bool TakePending(uint64_t id, RequestKind kind, const PublicKey& from_key, const netcore::PeerEndpoint& from,
                     int64_t now_us);
    void SendPing(const NodeInfo& node, int64_t now_us);
    void SendNodesRequest(const NodeInfo& node, const PublicKey& target, int64_t now_us);
    uint64_t NewRequest(RequestKind kind, const NodeInfo& node, int64_t now_us);
    // A node that answered us: into every list with room for it.
    void AddAnswered(const NodeInfo& node, int64_t now_us);
    void ConsiderPing(const NodeInfo& node, int64_t now_us);
    void AskRandom(const std::vector<const Client*>& members, const PublicKey& target, int64_t now_us);

    crypto::BoxKeyPair m_keys;
    SendFn m_send;
    LogFn m_log;
    std::mt19937_64 m_rng;
    KBuckets m_close;
    int64_t m_close_last_random_us = 0;
    int m_close_burst = FIRST_REQUESTS_BURST;
    std::map<PublicKey, Search> m_searches;
    std::vector<PublicKey> m_random_searches;
    std::vector<NodeInfo> m_bootstrap;
    int64_t m_last_bootstrap_us = 0;
    std::map<uint64_t, Pending> m_pending;
    std::map<PublicKey, NodeInfo> m_to_ping;  // closest MAX_TO_PING by distance to us
    int64_t m_last_to_ping_us = 0;
    bool Admit(const netcore::PeerEndpoint& from, int64_t now_us);
    bool Known(const PublicKey& key) const;

    std::map<std::pair<std::string, uint16_t>, netcore::TokenBucket> m_sources;
    std::deque<std::pair<std::string, uint16_t>> m_source_order;
    netcore::TokenBucket m_new_keys{NEW_KEYS_PER_S, NEW_KEYS_BURST};
    // Least recently used first; a hit moves a key to the back.
    std::list<std::pair<PublicKey, crypto::BoxSharedKey>> m_shared_lru;
    std::map<PublicKey, std::list<std::pair<PublicKey, crypto::BoxSharedKey>>::iterator> m_shared;
    std::map<wire::PacketKind, PacketHandler> m_handlers;
    DhtRequestHandler m_dht_request_handler;
    std::vector<std::function<void(int64_t)>> m_tickers;
    uint32_t m_info_version = 0;
    std::string m_motd;
    bool m_serve_info = false;
    bool m_lan_discovery = false;
    bool m_hole_punching = true;
    DhtStats m_stats;
    int64_t m_now_us = 0;  // the latest time seen, for the const queries
};

}  // namespace tonari::tox::dht
