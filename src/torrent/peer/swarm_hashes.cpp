// BEP 52 hash requests answered by the swarm: a run of a file's piece layer (or a layer above
// it) with the uncle hashes that prove it, so that a peer that came with a v2 magnet link
// (metadata without piece layers) can check the pieces it downloads from us.
#include "torrent/peer/swarm.h"

#include "torrent/peer/swarm_peer.h"

namespace tonari::torrent::peer {

void Swarm::OnHashRequest(Peer& p, const wire::HashRequestFields& fields) {
    // BEP 52: every request is answered, by hashes or a reject. Leaf hashes (base 0) would have
    // to be read back from disk; libtorrent asks for them only after a piece failed its check,
    // and takes a reject by asking someone else.
    auto reject = [&] { Send(p, wire::HashReject{fields}); };
    if (!m_meta.HasV2()) return reject();
    if (SendQueueFull(p)) return Drop(p, "hash request flood");
    const auto layer = m_meta.piece_layers.find(fields.pieces_root);
    if (layer == m_meta.piece_layers.end()) return reject();  // not ours, or a file of one piece
    const metainfo::FileEntry* file = nullptr;
    for (const auto& f : m_meta.files) {
        if (f.pieces_root == fields.pieces_root) {
            file = &f;
            break;
        }
    }
    if (file == nullptr) return reject();
    const unsigned tree_height = metainfo::TreeHeight(file->length);
    const metainfo::ProofRequest request{fields.base_layer, fields.index, fields.length, fields.proof_layers};
    if (!metainfo::ValidProofRequest(request, tree_height)) return reject();
    auto& tree = m_layer_trees[fields.pieces_root];
    if (!tree) {
        const unsigned piece_height = metainfo::TreeHeight(m_meta.piece_length);
        tree = std::make_unique<metainfo::LayerTree>(layer->second, piece_height, tree_height);
    }
    auto answer = tree->Answer(request);
    if (!answer) return reject();
    Send(p, wire::Hashes{fields, std::move(*answer)});
}

}  // namespace tonari::torrent::peer
