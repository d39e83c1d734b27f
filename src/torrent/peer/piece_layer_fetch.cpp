// Fetching a v2 torrent's piece layers by BEP 52 hash requests.
#include "torrent/peer/piece_layer_fetch.h"

#include <algorithm>
#include <set>

namespace tonari::torrent::peer {

PieceLayerFetch::PieceLayerFetch(const metainfo::Metainfo& meta) {
    const unsigned piece_height = metainfo::TreeHeight(meta.piece_length);
    std::set<metainfo::Sha256Hash> seen;
    for (const auto& f : meta.files) {
        if (f.pad || !f.pieces_root || f.length <= meta.piece_length) continue;
        // Two files with the same contents share a root, and so a layer.
        if (!seen.insert(*f.pieces_root).second) continue;
        const uint64_t pieces = (f.length + meta.piece_length - 1) / meta.piece_length;
        const unsigned tree_height = metainfo::TreeHeight(f.length);
        for (uint64_t index = 0; index < pieces; index += metainfo::MAX_PROOF_RUN) {
            Run r;
            r.fields.pieces_root = *f.pieces_root;
            r.fields.base_layer = piece_height;
            r.fields.index = static_cast<uint32_t>(index);
            // At least two (BEP 52): a lone last piece is asked with its padding neighbour.
            const uint64_t run = std::clamp<uint64_t>(metainfo::NextPowerOfTwo(pieces - index), 2, metainfo::MAX_PROOF_RUN);
            r.fields.length = static_cast<uint32_t>(run);
            // A proof all the way to the root, the only hash we hold.
            r.fields.proof_layers = tree_height - piece_height - 1;
            r.tree_height = tree_height;
            r.file_pieces = pieces;
            m_runs.push_back(std::move(r));
        }
    }
}

std::optional<wire::HashRequestFields> PieceLayerFetch::Next(PeerKey peer, int64_t now_us) {
    size_t open = 0;
    for (const auto& r : m_runs) open += r.asked == peer ? 1 : 0;
    if (open >= HASH_REQUEST_PIPELINE) return std::nullopt;
    for (auto& r : m_runs) {
        if (r.have || r.asked != 0) continue;
        if (auto it = r.refused.find(peer); it != r.refused.end()) {
            if (now_us - it->second < HASH_REFUSAL_MEMORY_US) continue;
            r.refused.erase(it);
        }
        r.asked = peer;
        r.asked_at = now_us;
        return r.fields;
    }
    return std::nullopt;
}

PieceLayerFetch::Run* PieceLayerFetch::Find(PeerKey peer, const wire::HashRequestFields& fields) {
    for (auto& r : m_runs) {
        if (r.asked == peer && r.fields == fields) return &r;
    }
    return nullptr;
}

PieceLayerFetch::Answer PieceLayerFetch::OnHashes(PeerKey peer, const wire::Hashes& hashes) {
    Run* r = Find(peer, hashes.fields);
    if (r == nullptr) return Answer::NotAsked;
    r->asked = 0;
    const metainfo::ProofRequest request{r->fields.base_layer, r->fields.index, r->fields.length, r->fields.proof_layers};
    if (!metainfo::VerifyProof(r->fields.pieces_root, r->tree_height, request, hashes.hashes)) return Answer::BadProof;
    const uint64_t own = std::min<uint64_t>(r->fields.length, r->file_pieces - r->fields.index);
    r->hashes.assign(hashes.hashes.begin(), hashes.hashes.begin() + static_cast<std::ptrdiff_t>(own));
    r->have = true;
    ++m_have;
    return Answer::Accepted;
}

void PieceLayerFetch::OnReject(PeerKey peer, const wire::HashRequestFields& fields, int64_t now_us) {
    if (Run* r = Find(peer, fields)) {
        r->asked = 0;
        r->refused[peer] = now_us;
    }
}

bool PieceLayerFetch::Asking(PeerKey peer) const {
    return std::any_of(m_runs.begin(), m_runs.end(), [peer](const Run& r) { return r.asked == peer; });
}

void PieceLayerFetch::OnPeerGone(PeerKey peer) {
    for (auto& r : m_runs) {
        if (r.asked == peer) r.asked = 0;
        r.refused.erase(peer);
    }
}

std::vector<PieceLayerFetch::PeerKey> PieceLayerFetch::Late(int64_t now_us) const {
    std::vector<PeerKey> late;
    for (const auto& r : m_runs) {
        if (r.asked != 0 && now_us - r.asked_at > HASH_REQUEST_TIMEOUT_US) late.push_back(r.asked);
    }
    return late;
}

std::map<metainfo::Sha256Hash, std::vector<metainfo::Sha256Hash>> PieceLayerFetch::Layers() const {
    std::map<metainfo::Sha256Hash, std::vector<metainfo::Sha256Hash>> layers;
    for (const auto& r : m_runs) {
        auto& layer = layers[r.fields.pieces_root];
        layer.insert(layer.end(), r.hashes.begin(), r.hashes.end());  // runs are in order within a file
    }
    return layers;
}

}  // namespace tonari::torrent::peer
