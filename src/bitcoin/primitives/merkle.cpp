// Merkle root computation with the duplicate-subtree mutation check.
#include "bitcoin/primitives/merkle.h"

#include <cstring>

#include "crypto/sha256.h"

namespace tonari::bitcoin::primitives {

MerkleRoot ComputeMerkleRoot(std::vector<util::Uint256> leaves) {
    MerkleRoot result;
    if (leaves.empty()) return result;
    while (leaves.size() > 1) {
        for (size_t i = 0; i + 1 < leaves.size(); i += 2) {
            if (leaves[i] == leaves[i + 1]) result.mutated = true;
        }
        if (leaves.size() % 2 != 0) leaves.push_back(leaves.back());
        // Uint256 is exactly 32 bytes, so the vector is a packed array of 64-byte pairs.
        static_assert(sizeof(util::Uint256) == 32);
        const size_t pairs = leaves.size() / 2;
        crypto::Sha256d64(leaves[0].data(), leaves[0].data(), pairs);
        leaves.resize(pairs);
    }
    result.root = leaves[0];
    return result;
}

MerkleRoot BlockMerkleRoot(const Block& block) {
    std::vector<util::Uint256> leaves;
    leaves.reserve(block.txs.size() + 1);
    for (const Tx& tx : block.txs) leaves.push_back(ComputeTxid(tx).get());
    return ComputeMerkleRoot(std::move(leaves));
}

MerkleRoot BlockWitnessMerkleRoot(const Block& block) {
    std::vector<util::Uint256> leaves;
    leaves.reserve(block.txs.size() + 1);
    leaves.emplace_back();  // coinbase wtxid is defined as zero
    for (size_t i = 1; i < block.txs.size(); ++i) leaves.push_back(ComputeWtxid(block.txs[i]).get());
    return ComputeMerkleRoot(std::move(leaves));
}

}  // namespace tonari::bitcoin::primitives
