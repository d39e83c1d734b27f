// BEP 52 hash-request answers: every run of a file's piece layer (and of its leaves) answers
// with a proof that checks against the file's root, a changed hash or a misplaced run fails,
// malformed requests are refused, and the answer's size follows the BEP's counting of proof
// layers (the layers computable from the run carry no hash).
#include "torrent/metainfo/merkle_proof.h"

#include <gtest/gtest.h>

#include <bit>

#include "crypto/sha256.h"

namespace tonari::torrent::metainfo {
namespace {

std::vector<Sha256Hash> Leaves(size_t n, uint8_t salt) {
    std::vector<Sha256Hash> out;
    for (size_t i = 0; i < n; ++i) {
        const uint8_t block[3] = {salt, static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
        out.push_back(crypto::Sha256Hash(util::ByteSpan(block, 3)));
    }
    return out;
}

TEST(MerkleProof, TreeHeightFollowsTheBlockCount) {
    EXPECT_EQ(TreeHeight(1), 0u);
    EXPECT_EQ(TreeHeight(MERKLE_BLOCK_SIZE), 0u);
    EXPECT_EQ(TreeHeight(MERKLE_BLOCK_SIZE + 1), 1u);
    EXPECT_EQ(TreeHeight(5 * MERKLE_BLOCK_SIZE), 3u);
    EXPECT_EQ(TreeHeight(1024 * MERKLE_BLOCK_SIZE), 10u);
}

TEST(MerkleProof, EveryChunkOfAPieceLayerProvesAgainstTheRoot) {
    // 1,500 pieces of 4 blocks (64 KiB) and a short last piece: three runs of 512, the last
    // one reaching into the padding, as libtorrent asks for them.
    const uint64_t blocks_per_piece = 4;
    const auto leaves = Leaves(1500 * 4 - 3, 1);
    const auto layer = PieceLayerFromLeaves(leaves, blocks_per_piece);
    ASSERT_EQ(layer.size(), 1500u);
    const Sha256Hash root = RootFromLeaves(leaves);
    const unsigned height = TreeHeight(leaves.size() * MERKLE_BLOCK_SIZE);
    const unsigned piece_height = 2;
    const LayerTree tree(layer, piece_height, height);
    EXPECT_EQ(tree.Root(), root);
    for (uint32_t index = 0; index < 1500; index += 512) {
        const uint32_t length = std::min<uint32_t>(512, static_cast<uint32_t>(NextPowerOfTwo(1500 - index)));
        const ProofRequest r{piece_height, index, length, height - piece_height - 1};
        const auto answer = tree.Answer(r);
        ASSERT_TRUE(answer.has_value()) << index;
        ASSERT_EQ(answer->size(), ProofAnswerSize(r));
        EXPECT_EQ(answer->size(), length + (height - piece_height - static_cast<unsigned>(std::countr_zero(length))));
        for (uint32_t i = 0; i < length && index + i < layer.size(); ++i) EXPECT_EQ((*answer)[i], layer[index + i]);
        EXPECT_TRUE(VerifyProof(root, height, r, *answer)) << index;
        // Any changed hash, in the run or among the uncles, breaks the proof.
        for (size_t i = 0; i < answer->size(); i += 97) {
            auto bad = *answer;
            bad[i][5] ^= 1;
            EXPECT_FALSE(VerifyProof(root, height, r, bad)) << index << " " << i;
        }
        // The same hashes claimed for another place do not prove.
        ProofRequest moved = r;
        moved.index = index == 0 ? 512 : 0;
        moved.length = 512;
        if (moved.length == length) {
            EXPECT_FALSE(VerifyProof(root, height, moved, *answer));
        }
        // Short or long answers fail before any hashing.
        auto shorter = *answer;
        shorter.pop_back();
        EXPECT_FALSE(VerifyProof(root, height, r, shorter));
    }
}

TEST(MerkleProof, AWholeSmallLayerNeedsNoUncles) {
    const auto leaves = Leaves(3 * 8, 2);  // three pieces of 8 blocks
    const auto layer = PieceLayerFromLeaves(leaves, 8);
    const unsigned height = TreeHeight(leaves.size() * MERKLE_BLOCK_SIZE);  // 5
    const LayerTree tree(layer, 3, height);
    const ProofRequest r{3, 0, 4, height - 3 - 1};
    const auto answer = tree.Answer(r);
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->size(), 4u);
    EXPECT_EQ((*answer)[3], ZeroSubtreeHash(3));  // the padding piece
    EXPECT_TRUE(VerifyProof(RootFromLeaves(leaves), height, r, *answer));
}

TEST(MerkleProof, LeafRunsAndPartialProofs) {
    const auto leaves = Leaves(37, 3);
    const unsigned height = TreeHeight(leaves.size() * MERKLE_BLOCK_SIZE);  // 6
    const LayerTree tree(leaves, 0, height);
    EXPECT_EQ(tree.Root(), RootFromLeaves(leaves));
    const ProofRequest full{0, 8, 4, height - 1};
    const auto answer = tree.Answer(full);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->size(), 4u + 4u);  // uncles at heights 2..5
    EXPECT_TRUE(VerifyProof(tree.Root(), height, full, *answer));
    // A proof that stops short is answered (for peers that hold the upper nodes) but cannot be
    // checked against the root alone.
    const ProofRequest partial{0, 8, 4, 2};
    const auto part = tree.Answer(partial);
    ASSERT_TRUE(part.has_value());
    EXPECT_EQ(part->size(), 4u + 1u);
    EXPECT_FALSE(VerifyProof(tree.Root(), height, partial, *part));
    // Proof layers inside the run carry nothing.
    const ProofRequest inside{0, 8, 4, 1};
    EXPECT_EQ(ProofAnswerSize(inside), 4u);
}

TEST(MerkleProof, ARunOfOneAsLibtorrentAsksForALoneLastPiece) {
    // 513 pieces of one block: libtorrent asks for the second run as {index 512, length 1}; the
    // answer carries the piece's sibling first (a zero subtree) and then the uncles above.
    const auto leaves = Leaves(513, 5);
    const unsigned height = TreeHeight(leaves.size() * MERKLE_BLOCK_SIZE);  // 10
    const LayerTree tree(leaves, 0, height);
    const ProofRequest r{0, 512, 1, height - 1};
    ASSERT_TRUE(ValidProofRequest(r, height));
    const auto answer = tree.Answer(r);
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->size(), 1u + height);  // the hash, then one uncle per height 0..9
    EXPECT_EQ((*answer)[0], leaves[512]);
    EXPECT_EQ((*answer)[1], ZeroSubtreeHash(0));
    EXPECT_TRUE(VerifyProof(RootFromLeaves(leaves), height, r, *answer));
}

TEST(MerkleProof, ChunkedTreeAnswersAsTheFullTreeWould) {
    // 3,000 pieces: the tree keeps levels from 9 above the layer; answers at every base and
    // length match a tree built over the leaves themselves.
    const auto leaves = Leaves(3000 * 2, 6);
    const auto layer = PieceLayerFromLeaves(leaves, 2);
    const unsigned height = TreeHeight(leaves.size() * MERKLE_BLOCK_SIZE);  // 13
    const LayerTree from_layer(layer, 1, height);
    const LayerTree from_leaves(leaves, 0, height);
    EXPECT_EQ(from_layer.Root(), from_leaves.Root());
    for (const ProofRequest r : {ProofRequest{1, 2048, 512, height - 2}, ProofRequest{1, 2944, 64, height - 2},
                                 ProofRequest{3, 256, 32, height - 4}, ProofRequest{1, 2999, 1, height - 2},
                                 ProofRequest{11, 0, 4, 1}, ProofRequest{1, 128, 128, 3}}) {
        const auto a = from_layer.Answer(r);
        const auto b = from_leaves.Answer(r);
        ASSERT_TRUE(a.has_value() && b.has_value()) << r.base << " " << r.index;
        EXPECT_EQ(*a, *b) << r.base << " " << r.index;
        if (r.base + r.proof_layers + 1 == height) {
            EXPECT_TRUE(VerifyProof(from_layer.Root(), height, r, *a));
        }
    }
}

TEST(MerkleProof, MalformedRequestsAreRefused) {
    const unsigned height = 10;
    EXPECT_TRUE(ValidProofRequest({2, 0, 256, 7}, height));
    EXPECT_FALSE(ValidProofRequest({2, 0, 256, 8}, height));    // proof past the root
    EXPECT_FALSE(ValidProofRequest({2, 128, 256, 7}, height));  // index not a multiple of the length
    EXPECT_FALSE(ValidProofRequest({2, 0, 3, 7}, height));      // not a power of two
    EXPECT_FALSE(ValidProofRequest({2, 0, 0, 7}, height));      // an empty run
    EXPECT_FALSE(ValidProofRequest({2, 256, 256, 7}, height));  // past the layer's width
    EXPECT_FALSE(ValidProofRequest({10, 0, 2, 0}, height));     // at or above the root
    EXPECT_FALSE(ValidProofRequest({0, 0, 1024, 9}, height));   // a run over MAX_PROOF_RUN
    EXPECT_FALSE(ValidProofRequest({0, 0xfffffffe, 2, 0}, height));  // no overflow past the width
    const auto leaves = Leaves(64, 4);
    const auto layer = PieceLayerFromLeaves(leaves, 4);
    const LayerTree tree(layer, 2, 6);
    EXPECT_FALSE(tree.Answer({0, 0, 4, 5}).has_value());  // below the layer it holds
    EXPECT_TRUE(tree.Answer({2, 0, 4, 3}).has_value());
    EXPECT_TRUE(tree.Answer({3, 0, 2, 2}).has_value());   // above it
}

}  // namespace
}  // namespace tonari::torrent::metainfo
