// BEP 52 hash-request answers and their proofs.
#include "torrent/metainfo/merkle_proof.h"

#include <bit>

namespace tonari::torrent::metainfo {
namespace {

// Proof layers below the run's own top are computed from the run, so they carry no hash.
size_t UncleCount(const ProofRequest& r) {
    const unsigned run_layers = static_cast<unsigned>(std::countr_zero(r.length));  // the run's top is this far above the base
    return r.proof_layers + 1 > run_layers ? r.proof_layers + 1 - run_layers : 0;
}

}  // namespace

unsigned TreeHeight(uint64_t file_length) {
    const uint64_t blocks = (file_length + MERKLE_BLOCK_SIZE - 1) / MERKLE_BLOCK_SIZE;
    return static_cast<unsigned>(std::countr_zero(NextPowerOfTwo(blocks)));
}

bool ValidProofRequest(const ProofRequest& r, unsigned tree_height) {
    if (r.base >= tree_height || r.length < 1 || r.length > MAX_PROOF_RUN || !std::has_single_bit(r.length)) return false;
    if (r.index % r.length != 0) return false;
    const uint64_t width = uint64_t{1} << (tree_height - r.base);
    if (uint64_t{r.index} + r.length > width) return false;
    return r.proof_layers < tree_height - r.base;
}

size_t ProofAnswerSize(const ProofRequest& r) { return r.length + UncleCount(r); }

bool VerifyProof(const Sha256Hash& root, unsigned tree_height, const ProofRequest& r, std::span<const Sha256Hash> hashes) {
    if (!ValidProofRequest(r, tree_height) || r.base + r.proof_layers + 1 != tree_height) return false;
    if (hashes.size() != ProofAnswerSize(r)) return false;
    std::vector<Sha256Hash> level(hashes.begin(), hashes.begin() + r.length);
    while (level.size() > 1) {
        std::vector<Sha256Hash> up;
        up.reserve(level.size() / 2);
        for (size_t i = 0; i < level.size(); i += 2) up.push_back(ParentHash(level[i], level[i + 1]));
        level = std::move(up);
    }
    Sha256Hash node = level.front();
    uint64_t position = r.index / r.length;
    for (const Sha256Hash& uncle : hashes.subspan(r.length)) {
        node = position % 2 == 0 ? ParentHash(node, uncle) : ParentHash(uncle, node);
        position /= 2;
    }
    return node == root;
}

LayerTree::LayerTree(const std::vector<Sha256Hash>& layer, unsigned layer_height, unsigned tree_height)
    : m_layer(layer),
      m_layer_height(layer_height),
      m_tree_height(std::max(tree_height, layer_height)),
      m_chunk_levels(std::min(CHUNK_LEVELS, m_tree_height - layer_height)),
      m_pad(ZeroSubtreeHash(layer_height)) {
    // The first kept level: each node the root of one chunk of the layer.
    const uint64_t width = uint64_t{1} << (m_tree_height - layer_height);
    const uint64_t chunk = uint64_t{1} << m_chunk_levels;
    std::vector<Sha256Hash> level;
    level.reserve(width / chunk);
    const Sha256Hash pad_chunk = ZeroSubtreeHash(layer_height + m_chunk_levels);
    for (uint64_t first = 0; first < width; first += chunk) {
        if (first >= m_layer.size()) {
            level.push_back(pad_chunk);
            continue;
        }
        const uint64_t end = std::min<uint64_t>(m_layer.size(), first + chunk);
        const std::vector<Sha256Hash> nodes(m_layer.begin() + static_cast<std::ptrdiff_t>(first),
                                            m_layer.begin() + static_cast<std::ptrdiff_t>(end));
        level.push_back(MerkleRoot(nodes, chunk, layer_height));
    }
    m_upper.push_back(std::move(level));
    while (m_upper.back().size() > 1) {
        const auto& below = m_upper.back();
        std::vector<Sha256Hash> up;
        up.reserve(below.size() / 2);
        for (size_t i = 0; i < below.size(); i += 2) up.push_back(ParentHash(below[i], below[i + 1]));
        m_upper.push_back(std::move(up));
    }
}

Sha256Hash LayerTree::LayerHash(uint64_t index) const { return index < m_layer.size() ? m_layer[index] : m_pad; }

Sha256Hash LayerTree::Node(unsigned height, uint64_t index) const {
    const unsigned above = height - m_layer_height;
    if (above >= m_chunk_levels) return m_upper[above - m_chunk_levels][index];
    // Inside a chunk: hash up from the layer (at most 2^above leaves).
    const uint64_t span = uint64_t{1} << above;
    const uint64_t first = index * span;
    if (first >= m_layer.size()) return ZeroSubtreeHash(height);
    std::vector<Sha256Hash> nodes;
    for (uint64_t i = first; i < first + span && i < m_layer.size(); ++i) nodes.push_back(m_layer[i]);
    return MerkleRoot(nodes, span, m_layer_height);
}

std::optional<std::vector<Sha256Hash>> LayerTree::Answer(const ProofRequest& r) const {
    if (!ValidProofRequest(r, m_tree_height) || r.base < m_layer_height) return std::nullopt;
    std::vector<Sha256Hash> out;
    out.reserve(ProofAnswerSize(r));
    if (r.base == m_layer_height) {
        for (uint64_t i = r.index; i < uint64_t{r.index} + r.length; ++i) out.push_back(LayerHash(i));
    } else {
        for (uint64_t i = r.index; i < uint64_t{r.index} + r.length; ++i) out.push_back(Node(r.base, i));
    }
    const unsigned first_uncle = r.base + static_cast<unsigned>(std::countr_zero(r.length));
    for (unsigned height = first_uncle; height <= r.base + r.proof_layers; ++height) {
        const uint64_t ancestor = uint64_t{r.index} >> (height - r.base);
        out.push_back(Node(height, ancestor ^ 1));
    }
    return out;
}

}  // namespace tonari::torrent::metainfo
