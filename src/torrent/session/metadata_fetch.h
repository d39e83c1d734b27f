// FetchMetadata: a magnet link's first step for real — a PeerNetwork, the trackers and the
// peers the link names, and a MetadataFetcher on a strand, until the info dictionary arrives
// and matches its info-hash. `tonari torrent get MAGNET` runs this, then a Session.
#pragma once

#include <functional>
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
};

// Uses `options.listen`, `connect` (kept), `trackers`, `max_peers` and `seed`. Returns the
// verified info dictionary, or why not ("stopped" when `stop` said so).
util::Result<std::string, std::string> FetchMetadata(const wire::Hash20& info_hash, const SessionOptions& options,
                                                     peer::LogFn log, const std::function<bool()>& stop,
                                                     const std::function<void(const FetchProgress&)>& progress);

}  // namespace tonari::torrent::session
