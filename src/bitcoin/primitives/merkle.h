// Merkle roots of a block's transactions (txids) and of their witnesses (wtxids, BIP141).
//
// `mutated` reports the CVE-2012-2459 ambiguity: a tree whose last two nodes at some level
// are equal hashes to the same root as the tree with that node duplicated, so an attacker
// can make a valid block's hash look attached to an invalid transaction list. A block whose
// tree is mutated must be rejected without marking its hash as permanently invalid.
#pragma once

#include <vector>

#include "bitcoin/primitives/block.h"
#include "util/blob.h"

namespace tonari::bitcoin::primitives {

struct MerkleRoot {
    util::Uint256 root;
    bool mutated = false;
};

// Consumes the leaves (they are hashed in place). An empty list gives a null root.
MerkleRoot ComputeMerkleRoot(std::vector<util::Uint256> leaves);

MerkleRoot BlockMerkleRoot(const Block& block);
// The coinbase's wtxid is taken as zero (BIP141).
MerkleRoot BlockWitnessMerkleRoot(const Block& block);

}  // namespace tonari::bitcoin::primitives
