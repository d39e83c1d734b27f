// LocalDiscovery: BEP 14's logic without a socket — when to multicast our announce and which
// announces heard to believe — over an injected clock, so tests run it in simulated time.
//
// We announce every torrent we track at once and then every ANNOUNCE_INTERVAL_US, all in one
// datagram with our cookie. An announce heard is believed when it comes from a local-network
// address (netcore::IsLocalAddress), is not ours (its cookie), names a torrent we track, and
// its sender (address and announced port) has not been heard within MIN_ANNOUNCE_GAP_US, nor
// MAX_PORTS_PER_ADDRESS other ports of its address. The
// peer it names is the datagram's source address with the announced port.
//
// Threading: not thread-safe; the service holds a lock around it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netcore/peer_network.h"
#include "torrent/lsd/announce.h"

namespace tonari::torrent::lsd {

// BEP 14: announce every 5 minutes while in the swarm.
inline constexpr int64_t ANNOUNCE_INTERVAL_US = 5LL * 60 * 1'000'000;
// Attack: a flood of announces, each a dial. One sender's announces (address and announced
// port) heard more often than this are ignored; libtorrent repeats each of its announces after
// 2 and 6 s, and a restarted peer announces again at once.
inline constexpr int64_t MIN_ANNOUNCE_GAP_US = 10'000'000;
// Attack: announces from endless spoofed senders growing the table of who was heard when.
inline constexpr size_t MAX_SENDERS = 256;
// Attack: one host announcing from port after port so that its peers crowd out every other
// source of peers; more ports than this from one address within a gap are ignored. (On one
// machine every process shares 127.0.0.1: enough for a busy test or demo swarm.)
inline constexpr size_t MAX_PORTS_PER_ADDRESS = 16;

struct DiscoveryStats {
    uint64_t sent = 0;
    uint64_t heard = 0;      // announces believed
    uint64_t ignored = 0;    // malformed, ours, other torrents, non-local or too frequent
};

class LocalDiscovery {
public:
    // `listen_port`: where we take BitTorrent connections; `cookie`: random, ours alone.
    LocalDiscovery(uint16_t listen_port, std::string cookie);

    // A torrent to announce and to hear of (from the next Tick on).
    void Track(const InfoHash& info_hash);

    // The datagram to multicast now, when an announce is due.
    std::optional<std::string> Tick(int64_t now_us);

    // The peer a datagram from `from` tells of and which of our torrents it is in, when the
    // announce is believed (see above).
    struct Heard {
        netcore::PeerEndpoint peer;
        std::vector<InfoHash> info_hashes;  // the tracked ones it named
    };
    std::optional<Heard> OnDatagram(const netcore::PeerEndpoint& from, util::ByteSpan data, int64_t now_us);

    const DiscoveryStats& Stats() const { return m_stats; }

private:
    uint16_t m_port;
    std::string m_cookie;
    std::vector<InfoHash> m_tracked;
    int64_t m_next_announce_us = 0;
    bool m_due = false;  // a torrent was added: announce at the next Tick
    std::map<std::string, int64_t> m_last_heard;  // "address:port" -> when
    DiscoveryStats m_stats;
};

}  // namespace tonari::torrent::lsd
