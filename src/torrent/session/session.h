// Session: one torrent downloading or seeding for real — the Swarm's logic on its own strand,
// a PeerNetwork (netcore) carrying BitTorrent frames, the PieceStore on disk, and a ticker.
// This is the wiring the `tonari torrent get|seed` commands use; the protocol itself lives in
// torrent/peer and knows none of this.
//
// Trackers named in the options are announced to (started, completed, stopped, and at the
// intervals they ask for) and the peers they return are dialled; so are the peers the DHT finds.
//
// Start rechecks what is already on disk (so a restart, even after kill -9, fetches only the
// pieces it lacks), then listens and dials. Thread-safety: every public method may be called
// from any thread; they run their work on the session's strand.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netcore/peer_network.h"
#include "storage/env.h"
#include "torrent/metainfo/metainfo.h"
#include "torrent/mse/handshake.h"
#include "torrent/peer/swarm.h"
#include "torrent/tracker/announcer.h"
#include "util/result.h"

namespace tonari::torrent::session {

struct SessionOptions {
    std::vector<netcore::PeerEndpoint> listen;   // where peers may reach us
    std::vector<netcore::PeerEndpoint> connect;  // peers to dial and keep
    size_t max_peers = 50;
    // Rate limits for the whole torrent, all peers together (netcore's shared token buckets);
    // 0: unlimited.
    double max_download_bytes_per_sec = 0;
    double max_upload_bytes_per_sec = 0;
    bool sequential = false;
    bool super_seed = false;  // BEP 16, for the first seeder of new content
    uint64_t seed = 0;  // 0: from the OS generator
    // Tracker tiers to announce to (normally the metainfo's); empty: no trackers.
    std::vector<std::vector<std::string>> trackers;
    int32_t numwant = 50;
    // Message Stream Encryption: prefer (RC4 with anyone who speaks it, plain otherwise),
    // require (RC4 only; plain peers refused) or off.
    mse::Policy encryption = mse::Policy::Prefer;
    // The DHT (BEP 5), never for a private torrent: on UDP at the listening port, from these
    // routers (empty: the public ones), the nodes it learnt kept in dht_nodes_file (if set).
    bool dht = true;
    std::vector<netcore::PeerEndpoint> dht_routers;
    std::filesystem::path dht_nodes_file;
    // Local service discovery (BEP 14): announce on the local network's multicast group and
    // dial the peers that announce there; never for a private torrent.
    bool lsd = true;
    // Peers never to deal with (peer/ban_key.h's AddressKey), e.g. those FetchMetadata caught
    // lying; they are also left out of `connect`.
    std::set<std::string> banned;
};

// A fresh peer id, Azureus-style ("-TN0010-" and 12 random bytes).
wire::Hash20 NewPeerId();

// Called during the recheck with (pieces checked, pieces in all), from the hashing threads.
using RecheckProgress = std::function<void(uint64_t done, uint64_t total)>;

class Session {
public:
    static util::Result<std::unique_ptr<Session>, std::string> Start(
        tonari::storage::Env& env, const metainfo::Metainfo& meta, const std::filesystem::path& download_dir,
        SessionOptions options, peer::LogFn log, const RecheckProgress& recheck_progress = {});
    ~Session();

    peer::SwarmStats Stats();
    // Stats, peers, pieces and totals at one moment, for a watcher.
    peer::SwarmSnapshot Snapshot();
    // What each tracker said last (empty without trackers).
    std::vector<tracker::TrackerStatus> Trackers() const;
    // Ours, as every peer sees it in the handshake (hex).
    const std::string& PeerIdHex() const;
    bool Complete();
    std::optional<std::string> Error();
    std::vector<netcore::PeerEndpoint> ListenEndpoints() const;
    // Closes every connection and stops the threads; idempotent (the destructor calls it).
    void Stop();

    class Impl;

private:
    explicit Session(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tonari::torrent::session
