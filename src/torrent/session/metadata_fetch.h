// FetchMetadata: a magnet link's first step for real — a PeerNetwork, the trackers and the
// peers the link names, and a MetadataFetcher on a strand, until the info dictionary arrives
// and matches its info-hash (and, for a v2 torrent, its piece layers are proven).
// `tonari torrent get MAGNET` and the daemon run this, then a Session.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "torrent/peer/metadata_fetcher.h"
#include "torrent/session/session.h"
#include "util/result.h"

namespace tonari::torrent::session {

struct FetchProgress {
    uint64_t metadata_size = 0;  // 0 until a peer has said
    uint32_t pieces_have = 0;
    uint32_t pieces_total = 0;
    size_t peers = 0;            // connected peers that offer the metadata
    size_t layer_runs_have = 0;  // v2: runs of piece hashes proven, of layer_runs_total
    size_t layer_runs_total = 0;
};

struct FetchedTorrent {
    // The .torrent: the verified info dictionary, and a v2 torrent's proven piece layers.
    std::string torrent_file;
    // Peers caught lying, for SessionOptions::banned.
    std::set<std::string> banned;
};

// Uses `options.listen`, `connect` (kept), `trackers`, `max_peers` and `seed`. Returns what
// was fetched, or why not ("stopped" when `stop` said so).
util::Result<FetchedTorrent, std::string> FetchMetadata(const metainfo::InfoHashes& info_hashes, const SessionOptions& options,
                                                     peer::LogFn log, const std::function<bool()>& stop,
                                                     const std::function<void(const FetchProgress&)>& progress);

}  // namespace tonari::torrent::session
