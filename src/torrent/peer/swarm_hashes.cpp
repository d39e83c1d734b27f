// BEP 52 hash requests answered by the swarm: a run of a file's piece layer (or a layer above
// it) with the uncle hashes that prove it, so that a peer that came with a v2 magnet link
// (metadata without piece layers) can check the pieces it downloads from us; and the leaf
// hashes of whole pieces we have, which libtorrent asks for after a piece failed its check (to
// find the bad block).
#include "torrent/peer/swarm.h"

#include <algorithm>

#include "crypto/sha256.h"
#include "torrent/peer/swarm_peer.h"

namespace tonari::torrent::peer {

void Swarm::OnHashRequest(Peer& p, const wire::HashRequestFields& fields) {
    // Every request is answered, by hashes or a reject (BEP 52), but a peer whose answers pile
    // up unread is a flood like any other.
    if (SendQueueFull(p)) return Drop(p, "hash request flood");
    auto reject = [&] { Send(p, wire::HashReject{fields}); };
    if (!m_meta.HasV2()) return reject();
    if (m_file_lengths.empty()) {
        for (const auto& f : m_meta.files) {
            if (f.pieces_root && !f.pad) m_file_lengths.emplace(*f.pieces_root, std::make_pair(f.length, f.offset));
        }
    }
    const auto layer = m_meta.piece_layers.find(fields.pieces_root);
    const auto file = m_file_lengths.find(fields.pieces_root);
    if (layer == m_meta.piece_layers.end() || file == m_file_lengths.end()) return reject();  // not ours, or one piece
    const auto [length, offset] = file->second;
    const unsigned tree_height = metainfo::TreeHeight(length);
    const unsigned piece_height = metainfo::TreeHeight(m_meta.piece_length);
    const metainfo::ProofRequest request{fields.base_layer, fields.index, fields.length, fields.proof_layers};
    if (!metainfo::ValidProofRequest(request, tree_height)) return reject();
    auto& tree = m_layer_trees[fields.pieces_root];
    if (!tree) tree = std::make_unique<metainfo::LayerTree>(layer->second, piece_height, tree_height);
    if (fields.base_layer >= piece_height) {
        auto answer = tree->Answer(request);
        if (!answer) return reject();
        Send(p, wire::Hashes{fields, std::move(*answer)});
        return;
    }
    // Leaf hashes (base 0) of whole pieces we have, their uncles from the piece layer up. Runs
    // inside a piece, or pieces we lack, are refused; so is more than LEAF_ANSWERS_PER_MINUTE a
    // peer (each costs reading and hashing up to 8 MiB).
    const uint64_t blocks_per_piece = m_meta.piece_length / metainfo::MERKLE_BLOCK_SIZE;
    if (fields.base_layer != 0 || fields.length < blocks_per_piece) return reject();
    if (m_now_us - p.leaf_window_us > 60'000'000) {
        p.leaf_window_us = m_now_us;
        p.leaf_answers = 0;
    }
    if (++p.leaf_answers > LEAF_ANSWERS_PER_MINUTE) return reject();
    const uint64_t first_piece = offset / m_meta.piece_length + fields.index / blocks_per_piece;
    const uint64_t file_pieces = (length + m_meta.piece_length - 1) / m_meta.piece_length;
    const uint64_t pieces = std::min<uint64_t>(fields.length / blocks_per_piece, file_pieces - std::min(file_pieces, fields.index / blocks_per_piece));
    std::vector<metainfo::Sha256Hash> hashes;
    hashes.reserve(metainfo::ProofAnswerSize(request));
    util::Bytes data;
    for (uint64_t i = 0; i < pieces; ++i) {
        const uint64_t piece = first_piece + i;
        if (!m_picker.Have(piece)) return reject();
        data.resize(m_meta.PieceDataSize(piece));
        if (auto read = m_store.ReadHeld(piece, 0, data); !read) {
            m_error = "reading the torrent's files: " + read.error().message;
            m_log(*m_error);
            return reject();
        }
        for (uint64_t at = 0; at < data.size(); at += metainfo::MERKLE_BLOCK_SIZE) {
            const uint64_t n = std::min<uint64_t>(metainfo::MERKLE_BLOCK_SIZE, data.size() - at);
            hashes.push_back(crypto::Sha256Hash(util::ByteSpan(data).subspan(at, n)));
        }
    }
    hashes.resize(fields.length, metainfo::Sha256Hash{});  // past the file's end: zero leaves
    // The uncles sit at the piece height and above (the run covers whole pieces): the same as
    // those of the pieces' own run one layer up.
    const uint32_t piece_run = static_cast<uint32_t>(fields.length / blocks_per_piece);
    const uint32_t up_layers = fields.proof_layers >= piece_height ? fields.proof_layers - piece_height : 0;
    auto uncles = tree->Answer({piece_height, static_cast<uint32_t>(fields.index / blocks_per_piece), piece_run, up_layers});
    if (!uncles) return reject();
    hashes.insert(hashes.end(), uncles->begin() + piece_run, uncles->end());
    if (hashes.size() != metainfo::ProofAnswerSize(request)) return reject();
    Send(p, wire::Hashes{fields, std::move(hashes)});
}

}  // namespace tonari::torrent::peer
