// Tracker: the logic of a BitTorrent tracker (HTTP announce/scrape per BEP 3/23/7/48, UDP per
// BEP 15) — who is in which swarm, answered from memory with no I/O of its own, so the
// `tonari torrent tracker` command wires it to netcore's HTTP server and a UDP socket, and tests
// drive it directly. Thread-safe: the HTTP workers and the UDP thread call it at once.
//
// Defences: the sender's address is what is recorded (an "ip" parameter naming someone else is
// ignored, so nobody can aim a swarm at a third party); UDP answers bigger than a connect reply
// go only to senders that proved their address with a connection id (no reflection); swarms,
// peers per swarm and peers per answer are bounded; full scrapes are refused.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "netcore/http_message.h"
#include "netcore/peer_network.h"
#include "torrent/tracker/announce.h"
#include "util/bytes.h"

namespace tonari::torrent::tracker {

// Attack: announces for endless made-up info-hashes, each a swarm held in memory.
inline constexpr size_t MAX_TRACKED_TORRENTS = 100'000;
// Attack: endless made-up peer ids in one swarm, or across many swarms.
inline constexpr size_t MAX_PEERS_PER_TORRENT = 20'000;
inline constexpr size_t MAX_TRACKED_PEERS = 1'000'000;
// A UDP answer stays under a typical path MTU (BEP 15 has no fragmentation of its own): about
// 230 IPv4 or 76 IPv6 peers after the 20-byte header.
inline constexpr size_t MAX_UDP_REPLY_BYTES = 1400;
// Peers handed out per answer, whatever numwant says (BEP 3's customary 50 by default).
inline constexpr size_t DEFAULT_NUMWANT = 50;
inline constexpr size_t MAX_NUMWANT = 200;

struct TrackerOptions {
    int64_t interval_s = DEFAULT_ANNOUNCE_INTERVAL_S;
    uint64_t seed = 0;  // random choices and the UDP connection-id secret; 0: from the OS
};

struct TrackerStats {
    size_t torrents = 0;
    size_t seeders = 0;
    size_t leechers = 0;
    uint64_t announces = 0;
    uint64_t scrapes = 0;
};

class Tracker {
public:
    explicit Tracker(TrackerOptions options);

    // GET /announce?… and /scrape?…; `client` is the connection's source address.
    netcore::HttpResponse Http(const netcore::HttpRequest& request, const std::string& client, int64_t now_s);
    // A BEP 15 packet from `from`; the reply to send back, if any.
    std::optional<util::Bytes> Udp(util::ByteSpan packet, const netcore::PeerEndpoint& from, int64_t now_s);
    TrackerStats Stats() const;

private:
    struct PeerEntry {
        netcore::PeerEndpoint endpoint;
        uint64_t left = 0;
        int64_t last_seen_s = 0;
    };
    struct Swarm {
        // By peer id and address: knowing a peer's id (it is in every handshake) is not enough
        // to move it elsewhere or to say "stopped" for it.
        std::map<std::pair<Hash20, std::string>, PeerEntry> peers;
        uint64_t completed = 0;             // "completed" events seen
    };
    struct AnnounceResult {
        std::vector<netcore::PeerEndpoint> peers;
        size_t seeders = 0;
        size_t leechers = 0;
        std::string error;
    };

    AnnounceResult Announce(const AnnounceRequest& request, const std::string& address, size_t numwant, int64_t now_s);
    ScrapeEntry ScrapeOne(const Hash20& info_hash) const;
    void ExpireLocked(Swarm& swarm, int64_t now_s);
    void ExpireAllLocked(int64_t now_s);
    uint64_t ConnectionId(const netcore::PeerEndpoint& from, int64_t window) const;

    TrackerOptions m_options;
    std::array<uint8_t, 32> m_secret{};
    mutable std::mutex m_mutex;
    std::map<Hash20, Swarm> m_swarms;
    size_t m_peer_count = 0;  // across every swarm
    std::mt19937_64 m_rng;
    int64_t m_next_expiry_s = 0;
    uint64_t m_announces = 0;
    uint64_t m_scrapes = 0;
};

}  // namespace tonari::torrent::tracker
