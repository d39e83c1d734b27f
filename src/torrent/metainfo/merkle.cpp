// BEP 52 merkle roots and piece layers over SHA-256.
#include "torrent/metainfo/merkle.h"

#include <bit>
#include <cstring>

#include "crypto/sha256.h"

namespace tonari::torrent::metainfo {

namespace {

unsigned Log2(uint64_t power_of_two) { return static_cast<unsigned>(std::countr_zero(power_of_two)); }

}  // namespace

Sha256Hash ParentHash(const Sha256Hash& left, const Sha256Hash& right) {
    uint8_t buf[64];
    std::memcpy(buf, left.data(), 32);
    std::memcpy(buf + 32, right.data(), 32);
    return crypto::Sha256Hash(util::ByteSpan(buf, 64));
}

Sha256Hash ZeroSubtreeHash(unsigned height) {
    Sha256Hash h{};
    for (unsigned i = 0; i < height; ++i) h = ParentHash(h, h);
    return h;
}

uint64_t NextPowerOfTwo(uint64_t n) { return n <= 1 ? 1 : std::bit_ceil(n); }

Sha256Hash MerkleRoot(const std::vector<Sha256Hash>& nodes, uint64_t width, unsigned pad_height) {
    std::vector<Sha256Hash> level = nodes;
    Sha256Hash pad = ZeroSubtreeHash(pad_height);
    if (level.empty()) level.push_back(pad);
    while (width > 1) {
        std::vector<Sha256Hash> next;
        next.reserve((level.size() + 1) / 2);
        for (size_t i = 0; i < level.size(); i += 2) {
            next.push_back(ParentHash(level[i], i + 1 < level.size() ? level[i + 1] : pad));
        }
        pad = ParentHash(pad, pad);
        level = std::move(next);
        width /= 2;
    }
    return level[0];
}

Sha256Hash RootFromLeaves(const std::vector<Sha256Hash>& leaves) {
    return MerkleRoot(leaves, NextPowerOfTwo(leaves.size()), 0);
}

std::vector<Sha256Hash> PieceLayerFromLeaves(const std::vector<Sha256Hash>& leaves, uint64_t blocks_per_piece) {
    std::vector<Sha256Hash> layer;
    for (size_t first = 0; first < leaves.size(); first += blocks_per_piece) {
        const size_t last = std::min<size_t>(leaves.size(), first + blocks_per_piece);
        const std::vector<Sha256Hash> piece(leaves.begin() + static_cast<std::ptrdiff_t>(first),
                                            leaves.begin() + static_cast<std::ptrdiff_t>(last));
        layer.push_back(MerkleRoot(piece, blocks_per_piece, 0));
    }
    return layer;
}

Sha256Hash RootFromPieceLayer(const std::vector<Sha256Hash>& layer, uint64_t blocks_per_piece) {
    return MerkleRoot(layer, NextPowerOfTwo(layer.size()), Log2(blocks_per_piece));
}

}  // namespace tonari::torrent::metainfo
