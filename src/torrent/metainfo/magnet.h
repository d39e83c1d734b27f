// Magnet links (BEP 9, BEP 52): what a download needs before it has the metadata — the
// info-hash(es), a display name, trackers and peers to ask.
//   magnet:?xt=urn:btih:<40 hex | 32 base32>&xt=urn:btmh:1220<64 hex>&dn=NAME&tr=URL&x.pe=HOST:PORT
// Parsing is strict about the hashes (a link must carry at least one) and lenient about
// parameters it does not know, as clients are.
//
// Plain values; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "torrent/metainfo/info_hash.h"
#include "util/result.h"

namespace tonari::torrent::metainfo {

// Attack: a magnet link pasted from a hostile page, megabytes long or with thousands of
// trackers and peers to dial.
inline constexpr size_t MAX_MAGNET_LENGTH = 64 * 1024;
inline constexpr size_t MAX_MAGNET_TRACKERS = 100;
inline constexpr size_t MAX_MAGNET_PEERS = 100;

struct MagnetLink {
    InfoHashes info_hashes;
    std::string display_name;
    std::vector<std::string> trackers;
    std::vector<std::string> peers;  // "host:port" or "[v6]:port"
};

util::Result<MagnetLink, std::string> ParseMagnet(std::string_view uri);
// Builds a link; `dn` and `tr` are percent-encoded.
std::string ToMagnet(const MagnetLink& link);

}  // namespace tonari::torrent::metainfo
