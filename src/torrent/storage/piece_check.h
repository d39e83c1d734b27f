// Checking a piece's bytes against the torrent's hashes before they are written or shared:
// SHA-1 of the piece for v1 and hybrid torrents, the BEP 52 merkle subtree of its 16 KiB
// blocks for v2 (against the file's piece layer, or its pieces root when the file fits in one
// piece). A piece whose v2 hash is not known yet (a magnet download before the piece layers
// arrive) cannot be checked: Unknown, never "good".
// Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "torrent/metainfo/metainfo.h"
#include "util/bytes.h"

namespace tonari::torrent::storage {

enum class PieceCheck : uint8_t { Good, Bad, Unknown };

PieceCheck CheckPiece(const metainfo::Metainfo& meta, uint64_t piece, util::ByteSpan data);

}  // namespace tonari::torrent::storage
