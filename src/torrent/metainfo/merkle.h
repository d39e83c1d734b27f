// BEP 52 merkle trees: each file is cut into 16 KiB blocks, the leaves are SHA-256 of each
// block (the last one of the bytes that remain), the leaf count is padded to a power of two
// with all-zero hashes, and every inner node is SHA-256 of its two children. The root is the
// file's "pieces root"; the layer whose nodes each cover one piece is the file's entry in
// "piece layers".
//
// Pure functions over hashes; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "util/bytes.h"

namespace tonari::torrent::metainfo {

using Sha256Hash = std::array<uint8_t, 32>;

inline constexpr uint64_t MERKLE_BLOCK_SIZE = 16 * 1024;

// An inner node: SHA-256 of its two children's hashes, left then right.
Sha256Hash ParentHash(const Sha256Hash& left, const Sha256Hash& right);

// The hash of a subtree all of whose leaves are zero hashes, `height` levels above them.
Sha256Hash ZeroSubtreeHash(unsigned height);

// The smallest power of two >= n (1 for n == 0).
uint64_t NextPowerOfTwo(uint64_t n);

// Hashes `nodes` up to one root, padding the level to `width` (a power of two >= nodes.size())
// with `pad` (the hash of an all-zero subtree of the nodes' height) at every level.
Sha256Hash MerkleRoot(const std::vector<Sha256Hash>& nodes, uint64_t width, unsigned pad_height);

// Root over a file's leaf hashes (its block hashes), padded to the next power of two.
Sha256Hash RootFromLeaves(const std::vector<Sha256Hash>& leaves);

// The piece layer of a file from its leaves: one hash per piece, the last piece's subtree
// padded with zero leaves. `blocks_per_piece` is piece_length / 16 KiB (a power of two).
std::vector<Sha256Hash> PieceLayerFromLeaves(const std::vector<Sha256Hash>& leaves, uint64_t blocks_per_piece);

// The root from a file's piece layer: what a peer that holds only "piece layers" checks
// against the "pieces root" of the file tree.
Sha256Hash RootFromPieceLayer(const std::vector<Sha256Hash>& layer, uint64_t blocks_per_piece);

}  // namespace tonari::torrent::metainfo
