// v1 and v2 piece verification.
#include "torrent/storage/piece_check.h"

#include <algorithm>

#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "torrent/metainfo/merkle.h"

namespace tonari::torrent::storage {

namespace {

// The file holding a piece of an aligned (v2/hybrid) torrent, or nullptr for padding.
const metainfo::FileEntry* FileOfPiece(const metainfo::Metainfo& meta, uint64_t start) {
    // Files are in piece-space order: the last one starting at or before `start`.
    auto it = std::upper_bound(meta.files.begin(), meta.files.end(), start,
                               [](uint64_t pos, const metainfo::FileEntry& f) { return pos < f.offset; });
    while (it != meta.files.begin()) {
        --it;
        if (it->pad || it->length == 0) continue;
        return start < it->offset + it->length ? &*it : nullptr;
    }
    return nullptr;
}

}  // namespace

PieceCheck CheckPiece(const metainfo::Metainfo& meta, uint64_t piece, util::ByteSpan data) {
    if (piece >= meta.PieceCount() || data.size() != meta.PieceSize(piece)) return PieceCheck::Bad;
    if (meta.HasV1()) return crypto::Sha1(data) == meta.v1_piece_hashes[piece] ? PieceCheck::Good : PieceCheck::Bad;

    const uint64_t start = piece * meta.piece_length;
    const metainfo::FileEntry* file = FileOfPiece(meta, start);
    if (file == nullptr || !file->pieces_root) return PieceCheck::Bad;
    // Only the file's own bytes are hashed; the rest of the last piece is alignment.
    const uint64_t length = std::min<uint64_t>(data.size(), file->offset + file->length - start);
    std::vector<metainfo::Sha256Hash> leaves;
    for (uint64_t pos = 0; pos < length; pos += metainfo::MERKLE_BLOCK_SIZE) {
        leaves.push_back(crypto::Sha256Hash(data.subspan(pos, std::min(metainfo::MERKLE_BLOCK_SIZE, length - pos))));
    }
    if (file->length <= meta.piece_length) {
        return metainfo::RootFromLeaves(leaves) == *file->pieces_root ? PieceCheck::Good : PieceCheck::Bad;
    }
    const auto layer = meta.piece_layers.find(*file->pieces_root);
    if (layer == meta.piece_layers.end()) return PieceCheck::Unknown;
    const uint64_t index = (start - file->offset) / meta.piece_length;
    if (index >= layer->second.size()) return PieceCheck::Bad;
    const uint64_t blocks_per_piece = meta.piece_length / metainfo::MERKLE_BLOCK_SIZE;
    return metainfo::MerkleRoot(leaves, blocks_per_piece, 0) == layer->second[index] ? PieceCheck::Good
                                                                                     : PieceCheck::Bad;
}

}  // namespace tonari::torrent::storage
