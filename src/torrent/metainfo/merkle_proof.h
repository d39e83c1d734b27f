// BEP 52 hash requests, answered and checked: a run of hashes from one layer of a file's merkle
// tree plus the "uncle" hashes that prove the run against the file's pieces root. Downloaders of
// a v2 magnet link (whose metadata has no piece layers) fetch the piece layers this way; seeds
// answer from the layers they hold.
//
// Heights count up from the 16 KiB leaves (height 0); a file of B blocks has a tree of height
// TreeHeight = log2(next power of two >= B), its root at that height. A request names a base
// height b, an index i and a length n (a power of two, i a multiple of n) of hashes at that
// height, and a number of proof layers P (< TreeHeight - b). The answer is the n hashes, then
// for each height from b + log2(n) up to b + P the sibling of the run's ancestor there (the
// lower proof layers are computed from the run itself, so they are left out: libtorrent's and
// the BEP's reading). BEP 52 asks for n >= 2; libtorrent asks for n = 1 for a file's lone last
// piece past a multiple of 512, so a run of one is answered too (its first uncle is its sibling).
//
// Pure functions over hashes; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "torrent/metainfo/merkle.h"

namespace tonari::torrent::metainfo {

// Hashes one answer may carry at its base height (the BEP's "SHOULD NOT be greater than 512";
// libtorrent asks for 512 at most). Attack: a request for a huge run, to make us hash and send
// megabytes.
inline constexpr uint32_t MAX_PROOF_RUN = 512;

struct ProofRequest {
    uint32_t base = 0;    // height of the requested hashes above the leaves
    uint32_t index = 0;   // first hash, counted along that height
    uint32_t length = 0;  // hashes wanted there
    uint32_t proof_layers = 0;
    bool operator==(const ProofRequest&) const = default;
};

// Height of the tree of a file `length` bytes long (0 for a file of one block or less).
unsigned TreeHeight(uint64_t file_length);

// True when `r` is well formed for a tree of height `tree_height` (the rules above, and a run of
// at most MAX_PROOF_RUN). Our own requests use runs of at least two.
bool ValidProofRequest(const ProofRequest& r, unsigned tree_height);

// How many hashes the answer to a valid `r` holds: the run, and its uncles.
size_t ProofAnswerSize(const ProofRequest& r);

// True when `hashes` (the answer to `r`, run first) leads up to `root` and `r`'s proof reaches
// the root (b + P + 1 == tree height): a lie in any hash fails.
bool VerifyProof(const Sha256Hash& root, unsigned tree_height, const ProofRequest& r, std::span<const Sha256Hash> hashes);

// A file's tree from one layer up (a piece layer: height log2(blocks per piece)), answering
// requests whose base is that layer or above. It refers to the layer (which must outlive it)
// and keeps only the levels from CHUNK_LEVELS above it, 1/512 of the layer's size; the hashes
// inside one 512-wide chunk of the layer are computed per answer (at most 511 SHA-256). Attack:
// a hash request for a file of millions of pieces making us hold its whole tree.
class LayerTree {
public:
    static constexpr unsigned CHUNK_LEVELS = 9;  // log2(MAX_PROOF_RUN)

    // `layer` holds the layer's hashes (unpadded); the rest of the width is all-zero subtrees.
    LayerTree(const std::vector<Sha256Hash>& layer, unsigned layer_height, unsigned tree_height);

    // The answer to `r`, or nothing when it is invalid or asks below the layer this tree holds.
    std::optional<std::vector<Sha256Hash>> Answer(const ProofRequest& r) const;
    const Sha256Hash& Root() const { return m_upper.back().front(); }

private:
    // The hash at `height` (>= the layer's) and `index` along it.
    Sha256Hash Node(unsigned height, uint64_t index) const;
    // The layer's hash at `index`, the zero subtree past its end.
    Sha256Hash LayerHash(uint64_t index) const;

    const std::vector<Sha256Hash>& m_layer;
    unsigned m_layer_height;
    unsigned m_tree_height;
    unsigned m_chunk_levels;  // CHUNK_LEVELS, or fewer for a narrow tree
    Sha256Hash m_pad;         // an all-zero subtree at the layer's height
    std::vector<std::vector<Sha256Hash>> m_upper;  // [0]: m_chunk_levels above the layer; last: the root alone
};

}  // namespace tonari::torrent::metainfo
