// The peers other nodes announced to us (announce_peer), by info-hash, for get_peers answers.
// Bounded every way a flood of announces could grow it, and entries expire. A public IP holds
// one entry per swarm (a new announce moves its port), so one token cannot fill a swarm with
// made-up ports; a full swarm makes room by dropping its oldest entry, so real peers are not
// locked out by early floods.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "netcore/peer_network.h"
#include "torrent/dht/node_id.h"

namespace tonari::torrent::dht {

// Attack: announces for endless made-up info-hashes. libtorrent keeps 2,000 too.
inline constexpr size_t MAX_STORED_TORRENTS = 2000;
// Attack: one swarm flooded with made-up peers (each announce needs a token for its IP, but
// IPv6 hosts have many addresses). libtorrent keeps 500.
inline constexpr size_t MAX_PEERS_PER_TORRENT = 500;
// Attack: both of the above at once. Peers stored in all (about 100 bytes each).
inline constexpr size_t MAX_STORED_PEERS = 100'000;
// An announce lasts this long unless renewed (clients re-announce every 15 to 30 minutes).
inline constexpr int64_t PEER_TTL_US = 45LL * 60 * 1'000'000;

class PeerStore {
public:
    // False when it was refused (the store or the swarm is full).
    bool Add(const NodeId& info_hash, const netcore::PeerEndpoint& peer, bool seed, int64_t now_us);
    // Up to `max` peers of one address family, chosen at random when there are more.
    std::vector<netcore::PeerEndpoint> Get(const NodeId& info_hash, bool ipv6, size_t max, const RandomSource& random) const;
    void Expire(int64_t now_us);
    size_t TorrentCount() const { return m_swarms.size(); }
    size_t PeerCount() const;

private:
    struct Entry {
        netcore::PeerEndpoint peer;
        bool seed = false;
        int64_t expires_us = 0;
    };
    std::map<NodeId, std::vector<Entry>> m_swarms;
    size_t m_total = 0;
};

}  // namespace tonari::torrent::dht
