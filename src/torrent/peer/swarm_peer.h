// Swarm::Peer: what the swarm knows of one connection, shared by the swarm's source files
// (swarm.cpp: the protocol; swarm_discovery.cpp: finding peers). Private to torrent/peer.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "torrent/peer/ban_key.h"
#include "torrent/peer/swarm.h"

namespace tonari::torrent::peer {

struct Swarm::Peer {
    netcore::ConnectionId id = 0;
    bool inbound = false;
    netcore::PeerEndpoint remote;
    std::string transport;  // "plaintext", "rc4"… (what netcore's stream handshake chose)
    uint64_t tag = 0;
    int64_t connected_us = 0;
    int64_t last_send_us = 0;
    bool handshaken = false;
    bool fast = false;
    bool got_first_message = false;
    std::vector<bool> has;
    uint64_t has_count = 0;
    bool am_choking = true;
    bool am_interested = false;
    bool peer_choking = true;
    bool peer_interested = false;
    std::map<wire::BlockRef, int64_t> requested;  // block -> when asked
    std::set<uint32_t> offered;                   // super-seeding: pieces offered, not yet had
    std::map<uint32_t, int64_t> passing_on;       // super-seeding: had, not yet seen elsewhere
    uint64_t window_down = 0;
    uint64_t window_up = 0;
    uint64_t total_down = 0;  // payload over this connection's life
    uint64_t total_up = 0;
    double down_rate = 0;
    double up_rate = 0;
    // Slow start, as TCP and libtorrent do: the pipeline grows by one request per block
    // received (doubling each round trip) until a rate window shows no more gain; then it
    // follows the measured rate.
    bool slow_start = true;
    size_t slow_start_pipeline = MIN_PIPELINE;
    bool dropped = false;  // disconnect asked for: its queued frames are ignored
    bool extensions = false;              // BEP 10 on both sides
    size_t reqq = DEFAULT_PEER_REQQ;      // requests it accepts queued (BEP 10 "reqq")
    std::string client;                   // its extension handshake's "v"
    wire::Hash20 peer_id{};
    uint8_t ut_metadata = 0;    // its id for ut_metadata messages (BEP 9); 0: none
    uint8_t ut_pex = 0;         // its id for ut_pex messages (BEP 11); 0: none
    uint16_t listen_port = 0;   // where it takes connections (BEP 10 "p"), for an inbound peer
    std::map<std::string, netcore::PeerEndpoint> pex_told;  // whom we told it about, by text
    int64_t next_pex_us = 0;
    int64_t last_pex_in_us = 0;
    int metadata_requests = 0;  // metadata pieces it asked for
    bool super = false;    // served as a super-seed (chosen at the handshake)
    int unrequested_blocks = 0;
    int leaf_answers = 0;      // BEP 52 leaf-hash answers in the current minute
    int64_t leaf_window_us = 0;
    int chokes = 0;        // chokes received in the current minute
    int64_t chokes_since_us = 0;
};

}  // namespace tonari::torrent::peer
