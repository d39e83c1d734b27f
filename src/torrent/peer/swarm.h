// Swarm: one torrent's peers and everything said with them — the BitTorrent peer protocol
// (BEP 3 with the fast extension, BEP 6) as logic over netcore's PeerNetwork interface and an
// injected clock, with no sockets and no Asio, so it runs the same in tests and (later) in
// the simulator.
//
// What it does: handshakes (either info-hash of a hybrid), bitfields and haves, interest,
// choking by tit-for-tat (the peers that give us most, or take most when we seed) with an
// optimistic unchoke rotated every 30 s, request pipelines sized by each peer's rate, block
// requests through the PiecePicker, every piece checked against its hash before it is written
// or announced, uploads served from the PieceStore, and reconnection to the peers it was told
// to keep.
//
// Defences (each a named constant below): handshake and message deadlines, a bitfield only
// as the first message and of the right size, requests only for pieces we have and within
// them, a bound on requests a peer may queue with us, disconnection of peers whose data
// failed a hash check (a peer alone responsible for a bad piece is banned at once), and every
// malformed message ending the connection — never the process.
//
// Threading: not thread-safe. Every call (events, Tick, Stats) must come from one strand; the
// session wires netcore's io-thread events onto it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netcore/peer_network.h"
#include "torrent/metainfo/merkle_proof.h"
#include "torrent/metainfo/metainfo.h"
#include "torrent/picker/piece_picker.h"
#include "torrent/storage/piece_store.h"
#include "torrent/wire/message.h"

namespace tonari::torrent::peer {

// A peer that does not complete the handshake in this time holds a slot for nothing.
inline constexpr int64_t HANDSHAKE_TIMEOUT_US = 10'000'000;
// Attack: a peer queueing thousands of requests so we buffer their blocks; libtorrent's
// default request queue is 500 blocks.
inline constexpr size_t MAX_QUEUED_REQUESTS = 500;
// Requests we keep in flight with one peer: from a few up to what a fast link needs (~2 s of
// its rate), so a slow peer is not overloaded and a fast one never idles.
inline constexpr size_t MIN_PIPELINE = 8;
inline constexpr size_t MAX_PIPELINE = 512;
// A block asked for and not delivered in this time goes back to the pool (anti-snub).
inline constexpr int64_t REQUEST_TIMEOUT_US = 30'000'000;
// Smart ban: a piece that fails its check is fetched again; once it passes, every peer whose
// earlier block differs from the good one is banned (a piece from one peer alone: at once).
// Honest peers who sent good blocks of a bad piece are never blamed. Records of failed pieces
// are kept for at most this many pieces (attack: failures piling up memory).
inline constexpr size_t MAX_SUSPECT_PIECES = 256;
// An address involved in this many failed pieces is banned even when no good copy has come
// to prove which blocks were bad (an attacker spreading its blocks thin).
inline constexpr int MAX_FAILED_PIECES_PER_ADDRESS = 8;
// Attack: blocks nobody asked for, to take our upload slots (they count as "giving") or slip
// into pieces ahead of honest peers. A few can be late answers to cancelled requests.
inline constexpr int MAX_UNREQUESTED_BLOCKS = 64;
// Attack: choke/unchoke toggled to make us re-send hundreds of requests per ten-byte message.
inline constexpr int MAX_CHOKES_PER_MINUTE = 30;
// BEP 10: requests a peer accepts queued ("reqq"); without its word, the common 250.
inline constexpr size_t DEFAULT_PEER_REQQ = 250;
// What we say we accept (libtorrent's default), and send in our extension handshake.
inline constexpr size_t OUR_REQQ = MAX_QUEUED_REQUESTS;
// Attack: an extension handshake megabytes long.
inline constexpr size_t MAX_EXTENSION_HANDSHAKE = 64 * 1024;
// Attack: a peer asking for the metadata (BEP 9) again and again, making us upload it without
// end; an honest peer needs each piece once, perhaps twice.
inline constexpr int METADATA_REQUEST_ROUNDS = 2;
// Peer exchange (BEP 11): what we tell each peer, a few seconds after its handshake and then
// once a minute; PEX messages a peer sends faster than PEX_MIN_GAP_US are ignored (attack:
// a flood of addresses for us to dial).
inline constexpr int64_t PEX_FIRST_US = 5'000'000;
inline constexpr int64_t PEX_INTERVAL_US = 60'000'000;
inline constexpr int64_t PEX_MIN_GAP_US = 20'000'000;
// Attack: hash requests for leaf hashes (BEP 52, base 0), each making us read and hash up to
// 8 MiB; libtorrent asks for them only after a piece failed its check.
inline constexpr int LEAF_ANSWERS_PER_MINUTE = 8;
// Attack: endless new addresses to ban, growing the ban list.
inline constexpr size_t MAX_BANNED = 10'000;
inline constexpr int64_t RECHOKE_INTERVAL_US = 10'000'000;
inline constexpr int64_t OPTIMISTIC_INTERVAL_US = 30'000'000;
inline constexpr int64_t KEEPALIVE_INTERVAL_US = 90'000'000;
inline constexpr int64_t RECONNECT_INTERVAL_US = 3'000'000;
// Super-seeding (BEP 16): pieces offered to one downloader at a time. Another is offered once
// a piece it got shows up at some other peer (it passed it on), or after a grace period so a
// downloader whose peers all choke it is not starved.
inline constexpr size_t SUPER_SEED_OFFERS = 4;
inline constexpr int64_t SUPER_SEED_GRACE_US = 2'000'000;

// Attack: a tracker (or, later, PEX or the DHT) handing out endless addresses, each remembered.
inline constexpr size_t MAX_CANDIDATES = 2000;
// A discovered peer we could not reach is tried again after this, doubled each time, and
// forgotten after MAX_CANDIDATE_FAILURES tries.
inline constexpr int64_t CANDIDATE_RETRY_US = 30'000'000;
inline constexpr int MAX_CANDIDATE_FAILURES = 4;
// Discovered peers are dialled no more often than this.
inline constexpr int64_t CANDIDATE_DIAL_INTERVAL_US = 500'000;

// Attack: a peer reconnecting under ever new peer ids, each one remembered in the totals below.
// Past this, the peer that traded least is forgotten to make room.
inline constexpr size_t MAX_PEER_TOTALS = 512;

struct SwarmOptions {
    wire::Hash20 peer_id{};
    size_t unchoke_slots = 4;  // plus one optimistic
    std::vector<netcore::PeerEndpoint> keep_connected;  // dialled, and dialled again if lost
    size_t max_outbound = 30;  // connections opened to discovered peers (trackers) at once
    uint64_t seed = 1;         // the picker's random choices
    bool sequential = false;
    // BEP 16 for an initial seeder: offer pieces one by one (via have) instead of a bitfield,
    // each to as few peers as possible, so downloaders spread them and the origin uploads
    // about one copy.
    bool super_seed = false;
    // Peers banned before the swarm starts (ban_key.h's AddressKey): those a magnet's metadata
    // phase caught lying.
    std::set<std::string> banned;
    size_t max_peer_totals = MAX_PEER_TOTALS;  // (smaller in tests)
};

struct SwarmStats {
    uint64_t pieces_have = 0;
    uint64_t pieces_total = 0;
    uint64_t bytes_have = 0;        // verified file data
    uint64_t downloaded = 0;        // payload bytes received
    uint64_t uploaded = 0;          // payload bytes sent
    double download_rate = 0;       // bytes per second, recent
    double upload_rate = 0;
    size_t peers = 0;
    size_t seeds = 0;
    size_t encrypted_peers = 0;     // connections under MSE's RC4
    uint64_t hash_failures = 0;
    uint64_t peers_banned = 0;
};

// One connection as a watcher sees it (the dashboard, the daemon's torrent-get).
struct PeerView {
    netcore::PeerEndpoint remote;
    std::string address;       // the same as text ("ip:port")
    std::string peer_id_hex;   // its handshake's peer id
    std::string client;        // its BEP 10 "v", if any
    bool inbound = false;
    bool encrypted = false;    // MSE's RC4
    uint64_t pieces = 0;       // pieces it says it has
    uint64_t uploaded = 0;     // payload sent to it on this connection
    uint64_t downloaded = 0;   // payload received from it on this connection
    double up_rate = 0;        // bytes per second, recent
    double down_rate = 0;
    bool am_choking = true;    // we refuse its requests
    bool am_interested = false;
    bool peer_choking = true;  // it refuses ours
    bool peer_interested = false;
};


// Payload traded with one peer (by peer id) over every connection to it: who gave whom what,
// after the connections are gone.
struct PeerTotals {
    std::string peer_id_hex;
    std::string address;  // of the connection it first traded over
    uint64_t uploaded = 0;
    uint64_t downloaded = 0;
};

// Everything a watcher shows, taken at one moment (so the totals add up to the counts, while
// fewer than max_peer_totals peers have traded).
struct SwarmSnapshot {
    SwarmStats stats;
    std::vector<PeerView> peers;
    std::vector<bool> have;
    std::vector<PeerTotals> totals;
};

using LogFn = std::function<void(const std::string&)>;

class Swarm {
public:
    Swarm(const metainfo::Metainfo& meta, storage::PieceStore& store, SwarmOptions options, LogFn log);
    ~Swarm();

    // Peers learnt from a tracker: remembered (bounded) and dialled while we have room.
    void AddCandidates(const std::vector<netcore::PeerEndpoint>& peers);
    size_t CandidateCount() const { return m_candidates.size(); }

    // Pieces found good on disk before starting (a recheck or resume data).
    void MarkHave(uint64_t piece);
    void SetNetwork(netcore::PeerNetwork* net) { m_net = net; }

    // netcore events, delivered on the swarm's strand.
    void OnConnected(const netcore::ConnectionInfo& info, uint64_t tag, int64_t now_us);
    void OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason);
    void OnFrame(netcore::ConnectionId id, util::ByteSpan header, util::ByteSpan payload, int64_t now_us);
    void OnDisconnected(netcore::ConnectionId id, const std::string& reason);
    void OnStreamHandshakeFailed(const netcore::PeerEndpoint& remote, bool inbound, const std::string& reason);
    // Timers: deadlines, choking, keep-alives, reconnects. Call every 100 ms or so.
    void Tick(int64_t now_us);

    SwarmStats Stats() const;
    // Handshaken connections, in connection order.
    std::vector<PeerView> Peers() const;
    // Which pieces we have, one entry per piece.
    std::vector<bool> HaveMap() const;
    // Every peer we traded payload with (at most MAX_PEER_TOTALS), busiest first.
    std::vector<PeerTotals> Totals() const;
    SwarmSnapshot Snapshot() const { return {Stats(), Peers(), HaveMap(), Totals()}; }
    bool Complete() const { return m_picker.Complete(); }
    bool Have(uint64_t piece) const { return m_picker.Have(piece); }
    // A disk error stops downloading and uploading; the text says what happened.
    const std::optional<std::string>& Error() const { return m_error; }
    // Addresses banned for sending data that failed its hash check.
    const std::set<std::string>& Banned() const { return m_banned; }

private:
    struct Peer;

    bool Send(Peer& p, const wire::Message& m);
    void Drop(Peer& p, const std::string& reason);
    void Ban(Peer& p, const std::string& reason);
    void BanKey(const std::string& key);
    bool OnHandshake(Peer& p, util::ByteSpan frame, int64_t now_us);
    void SendOurState(Peer& p);
    void OnExtensionHandshake(Peer& p, util::ByteSpan payload);
    void OnMetadataMessage(Peer& p, util::ByteSpan payload);
    void OnPex(Peer& p, util::ByteSpan payload);
    void SendPex(Peer& p);
    bool PexAllowed() const { return !m_meta.is_private; }  // BEP 27: private torrents never gossip
    wire::Handshake OurHandshake(const wire::Hash20& info_hash) const;
    void OnMessage(Peer& p, const wire::Message& m, int64_t now_us);
    void OnRequest(Peer& p, const wire::BlockRef& b);
    void OnHashRequest(Peer& p, const wire::HashRequestFields& fields);
    bool SendQueueFull(Peer& p);
    void OnPiece(Peer& p, uint32_t piece, uint32_t offset, util::ByteSpan data);
    void PieceFinished(uint64_t piece);
    void UpdateInterest(Peer& p);
    void RequestMore(Peer& p);
    void ReturnRequests(Peer& p);
    void Rechoke(int64_t now_us);
    void SetChoked(Peer& p, bool choked);
    bool Seeding() const { return m_picker.Complete(); }
    bool SuperSeeding() const { return m_options.super_seed && Seeding(); }
    void OfferPieces(Peer& p);
    void UnchokeNext();
    Peer* Find(netcore::ConnectionId id);
    PeerTotals& TotalsOf(const Peer& p);
    void DialCandidates(int64_t now_us);
    struct Candidate;
    Candidate* CandidateOf(uint64_t tag);

    const metainfo::Metainfo& m_meta;
    storage::PieceStore& m_store;
    SwarmOptions m_options;
    LogFn m_log;
    picker::PiecePicker m_picker;
    netcore::PeerNetwork* m_net = nullptr;
    std::map<netcore::ConnectionId, std::unique_ptr<Peer>> m_peers;
    std::set<std::string> m_banned;
    std::set<uint64_t> m_dialling;  // tags (keep_connected index + 1) with a dial or connection open
    struct Candidate {
        netcore::PeerEndpoint endpoint;
        int64_t next_try_us = 0;
        int failures = 0;
        uint64_t tag = 0;      // nonzero while dialled or connected
        bool self = false;     // it was us: never again
        bool seed = false;     // it had everything when we last spoke
    };
    std::map<std::string, Candidate> m_candidates;     // by "address:port"
    std::map<uint64_t, std::string> m_candidate_tags;  // tag -> key, while in use
    uint64_t m_next_candidate_tag = uint64_t{1} << 32;  // above every keep_connected tag
    int64_t m_next_candidate_dial_us = 0;
    std::optional<std::string> m_error;
    int64_t m_now_us = 0;
    int64_t m_next_rechoke_us = 0;
    int64_t m_next_optimistic_us = 0;
    int64_t m_next_reconnect_us = 0;
    int64_t m_last_rate_us = 0;
    netcore::ConnectionId m_optimistic = 0;
    std::vector<uint32_t> m_offered_count;  // super-seeding: times each piece was offered
    struct SuspectBlock {
        uint32_t offset;
        uint32_t length;
        std::array<uint8_t, 20> hash;  // SHA-1 of what the sender gave
        std::string ban_key;           // the sender's address (it may have left by then)
        netcore::ConnectionId sender;
    };
    std::map<uint64_t, std::vector<SuspectBlock>> m_suspects;  // failed pieces -> who sent what
    std::map<std::string, int> m_failures_by_address;          // failed pieces each address was in
    std::map<std::string, int> m_metadata_served;              // metadata pieces each address got
    // BEP 52: each file's tree above its piece layer, built when a peer first asks for its
    // hashes, and each file's length and offset by pieces root.
    std::map<metainfo::Sha256Hash, std::unique_ptr<metainfo::LayerTree>> m_layer_trees;
    std::map<metainfo::Sha256Hash, std::pair<uint64_t, uint64_t>> m_file_lengths;
    std::map<wire::Hash20, PeerTotals> m_totals;
    uint64_t m_downloaded = 0;
    uint64_t m_uploaded = 0;
    uint64_t m_bytes_have = 0;
    uint64_t m_hash_failures = 0;
    uint64_t m_window_down = 0;
    uint64_t m_window_up = 0;
    double m_down_rate = 0;
    double m_up_rate = 0;
};

}  // namespace tonari::torrent::peer
