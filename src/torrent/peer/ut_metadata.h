// BEP 9 ut_metadata messages: how peers hand each other a torrent's info dictionary in 16 KiB
// pieces, so a magnet link (an info-hash alone) becomes a download. A message is a bencoded
// head ({msg_type, piece, total_size}) followed, for data, by the piece's bytes. Pure code.
#pragma once

#include <cstdint>
#include <string>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::torrent::peer {

// The extended-message id we ask peers to use for ut_metadata (our "m" dictionary).
inline constexpr uint8_t OUR_UT_METADATA_ID = 3;
inline constexpr size_t METADATA_PIECE_SIZE = 16 * 1024;
// Attack: a peer announcing metadata of gigabytes (a metadata-size bomb) so we allocate it.
// libtorrent's own limit is in this range; real info dictionaries are far smaller.
inline constexpr uint64_t MAX_METADATA_SIZE = 8 * 1024 * 1024;

enum class MetadataMessageType : uint8_t { Request = 0, Data = 1, Reject = 2 };

struct MetadataMessage {
    MetadataMessageType type = MetadataMessageType::Request;
    uint32_t piece = 0;
    uint64_t total_size = 0;  // in Data
    util::Bytes data;         // in Data
};

util::Bytes EncodeMetadataMessage(const MetadataMessage& message);
// Refuses unknown types, pieces beyond MAX_METADATA_SIZE, data bigger than a piece.
util::Result<MetadataMessage, std::string> DecodeMetadataMessage(util::ByteSpan payload);

// Pieces in metadata of this size.
inline uint32_t MetadataPieceCount(uint64_t size) {
    return static_cast<uint32_t>((size + METADATA_PIECE_SIZE - 1) / METADATA_PIECE_SIZE);
}

}  // namespace tonari::torrent::peer
