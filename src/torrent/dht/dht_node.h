// DhtNode: one BitTorrent DHT node (BEP 5) as logic — packets in, packets out through a send
// function, time injected — so the same code runs over a real UDP socket (DhtService), in
// unit tests, and in the simulator. It answers ping, find_node, get_peers and announce_peer,
// keeps the routing table (bootstrapping from routers, refreshing idle buckets, pinging
// questionable nodes), and runs iterative lookups: find_node for itself, get_peers (and then
// announce_peer) for the torrents its owner asks about. Not thread-safe: one owner.
//
// Defences, each a named constant below: per-source-IP query rate limit, a global answer
// budget, no answer to an unverified source larger than AMPLIFICATION_FACTOR times its query
// (so a forged source address cannot turn us into an amplifier), bounded outstanding queries,
// lookups, rate-limit table, peer store and routing table, answers accepted only from the
// address the query went to.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "netcore/token_bucket.h"
#include "torrent/dht/krpc.h"
#include "torrent/dht/lookup.h"
#include "torrent/dht/peer_store.h"
#include "torrent/dht/routing_table.h"
#include "torrent/dht/token_keeper.h"

namespace tonari::torrent::dht {

// Attack: one source flooding queries. Honest nodes send a few a second at most.
inline constexpr double QUERIES_PER_SOURCE_PER_S = 25;
inline constexpr double QUERY_BURST_PER_SOURCE = 100;
// Attack: a flood from many forged sources. All answers together stay under this.
inline constexpr double ANSWERS_PER_S = 1000;
// Attack: reflection. An answer to a source that never answered us is at most this many
// times the size of its query (values and then nodes are left out to fit).
inline constexpr size_t AMPLIFICATION_FACTOR = 4;
// Sources tracked for rate limiting; past this the table is cleared (forged-source floods
// must not grow it without bound).
inline constexpr size_t MAX_RATE_SOURCES = 10000;
// Our own queries awaiting an answer, and lookups running at once.
inline constexpr size_t MAX_OUTSTANDING = 1024;
inline constexpr size_t MAX_LOOKUPS = 64;
// Peers per get_peers answer (libtorrent: 100).
inline constexpr size_t MAX_VALUES_PER_ANSWER = 100;
// An unanswered query fails after this.
inline constexpr int64_t QUERY_TIMEOUT_US = 4'000'000;
// While the table holds fewer than K nodes, bootstrap again this often.
inline constexpr int64_t BOOTSTRAP_RETRY_US = 15'000'000;
// Buckets nobody was heard in for this long are refreshed with a lookup.
inline constexpr int64_t BUCKET_REFRESH_US = 15LL * 60 * 1'000'000;
inline constexpr int64_t MAINTENANCE_EVERY_US = 60'000'000;
// BEP 42: once this many verified nodes at different addresses say our public IP is one our
// id does not fit, a fitting id is made (else BEP 42 nodes would never keep us).
inline constexpr size_t EXTERNAL_IP_VOTES = 3;

struct DhtStats {
    size_t nodes = 0;
    size_t stored_torrents = 0;
    size_t stored_peers = 0;
    size_t lookups = 0;
    uint64_t queries_received = 0;
    uint64_t answers_sent = 0;
    uint64_t rate_limited = 0;    // queries dropped by the per-source or global limit
    uint64_t malformed = 0;       // datagrams that were not KRPC
    uint64_t announces_stored = 0;
    uint64_t bad_tokens = 0;
    uint64_t queries_sent = 0;
    uint64_t answers_received = 0;
    uint64_t timeouts = 0;
};

using LogFn = std::function<void(const std::string&)>;

class DhtNode {
public:
    using SendFn = std::function<void(const netcore::PeerEndpoint& to, std::string datagram)>;
    using PeersFn = std::function<void(const std::vector<netcore::PeerEndpoint>& peers)>;
    using DoneFn = std::function<void(size_t peers_found, size_t nodes_answered)>;

    DhtNode(const NodeId& id, SendFn send, RandomSource random, LogFn log = {});

    const NodeId& Id() const { return m_table.Self(); }
    // The address family of our socket: nodes of the other family are neither queried nor
    // handed out (IPv4 by default).
    void SetIpv6(bool ipv6) { m_ipv6 = ipv6; }
    // Bootstrap routers: asked for nodes near us whenever the table is short of nodes, never
    // kept in it (their ids are not known in advance).
    void AddRouter(const netcore::PeerEndpoint& router);
    bool HasRouters() const { return !m_routers.empty(); }
    // A node believed to be in the DHT (saved from an earlier run): pinged, kept if it answers.
    void AddNode(const netcore::PeerEndpoint& node, int64_t now_us);
    void OnPacket(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us);
    // Timeouts, bootstrap, maintenance, and the lookups' next steps. Call every 100 ms or so.
    void Tick(int64_t now_us);
    // A get_peers lookup for info_hash: peers reach on_peers as answers bring them; when it
    // ends, announce_peer goes to the closest nodes that gave a token (announce_port != 0),
    // then on_done. False when too many lookups are running.
    bool GetPeers(const NodeId& info_hash, uint16_t announce_port, bool seed, PeersFn on_peers, DoneFn on_done,
                  int64_t now_us);
    DhtStats Stats() const;
    std::vector<NodeInfo> Nodes() const { return m_table.All(); }

private:
    struct Outstanding {
        netcore::PeerEndpoint to;
        Method method = Method::Ping;
        uint64_t lookup = 0;  // 0: not part of a lookup
        int64_t sent_us = 0;
    };
    struct Running {
        std::unique_ptr<Lookup> lookup;
        uint16_t announce_port = 0;
        bool seed = false;
        PeersFn on_peers;
        DoneFn on_done;
    };

    void HandleQuery(const netcore::PeerEndpoint& from, const Query& q, size_t query_size, int64_t now_us);
    void HandleAnswer(const netcore::PeerEndpoint& from, const Response& r, int64_t now_us);
    void HandleError(const netcore::PeerEndpoint& from, const ErrorMessage& e, int64_t now_us);
    bool SendQuery(const netcore::PeerEndpoint& to, Query q, uint64_t lookup, int64_t now_us);
    void Answer(const netcore::PeerEndpoint& from, Response r, size_t query_size);
    bool AllowQuery(const std::string& ip, int64_t now_us);
    uint64_t StartLookup(Lookup::Kind kind, const NodeId& target, bool with_routers);
    void Drive(uint64_t id, int64_t now_us);
    void Maintain(int64_t now_us);
    void CountExternalVote(const netcore::PeerEndpoint& from, const netcore::PeerEndpoint& external, int64_t now_us);
    std::vector<NodeInfo> OfOurFamily(std::vector<NodeInfo> nodes) const;

    SendFn m_send;
    RandomSource m_random;
    LogFn m_log;
    RoutingTable m_table;
    TokenKeeper m_tokens;
    PeerStore m_store;
    std::vector<netcore::PeerEndpoint> m_routers;
    std::map<std::string, Outstanding> m_outstanding;
    std::map<uint64_t, Running> m_lookups;
    std::map<std::string, netcore::TokenBucket> m_rate;
    netcore::TokenBucket m_answer_budget{ANSWERS_PER_S, ANSWERS_PER_S};
    uint64_t m_next_lookup = 1;
    uint64_t m_bootstrap_lookup = 0;
    int64_t m_last_bootstrap_us = -1;
    int64_t m_last_maintenance_us = -1;
    DhtStats m_stats;
    bool m_ipv6 = false;
    std::map<std::string, std::set<std::string>> m_external_votes;  // claimed IP -> voters
};

}  // namespace tonari::torrent::dht
