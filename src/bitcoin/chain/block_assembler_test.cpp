// Assembled blocks must pass the context-free checks and carry a correct witness commitment.
#include <gtest/gtest.h>

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/consensus/block_check.h"
#include "bitcoin/primitives/merkle.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::chain {
namespace {

TEST(BlockAssembler, RegtestBlockOnGenesisPassesCheckBlock) {
    const auto& params = consensus::GetParams(encoding::Network::Regtest);
    BlockTemplate tmpl;
    tmpl.prev_hash = params.genesis_hash;
    tmpl.height = 1;
    tmpl.time = params.genesis.header.time + 600;
    tmpl.bits = params.genesis.header.bits;
    tmpl.payout_script = {0x51};
    auto block = SolveBlock(AssembleBlock(tmpl, params), params);
    ASSERT_TRUE(block);
    EXPECT_TRUE(consensus::CheckBlock(*block, params, true, true));
    // Height 1 pushes as OP_1, padded by OP_0 to the 2-byte minimum.
    EXPECT_EQ(block->txs[0].inputs[0].script_sig, (util::Bytes{0x51, 0x00}));
    EXPECT_EQ(block->txs[0].outputs[0].value, 50 * 100'000'000LL);

    const auto pos = consensus::FindWitnessCommitment(*block);
    ASSERT_TRUE(pos);
    const auto& spk = block->txs[0].outputs[*pos].script_pubkey;
    const util::Uint256 expected = crypto::Sha256d(primitives::BlockWitnessMerkleRoot(*block).root.span(),
                                                   block->txs[0].inputs[0].witness[0], {});
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), spk.begin() + 6));
}

TEST(BlockAssembler, ExtraBytesMakeDistinctCoinbases) {
    const auto& params = consensus::GetParams(encoding::Network::Regtest);
    BlockTemplate a;
    a.prev_hash = params.genesis_hash;
    a.height = 300;
    a.bits = params.genesis.header.bits;
    BlockTemplate b = a;
    b.coinbase_extra = {0x01, 0x02};
    EXPECT_NE(AssembleBlock(a, params).header.merkle_root, AssembleBlock(b, params).header.merkle_root);
    // A mainnet target cannot be met by chance.
    EXPECT_FALSE(SolveBlock(AssembleBlock(a, consensus::GetParams(encoding::Network::Main)),
                            consensus::GetParams(encoding::Network::Main), 1000));
}

}  // namespace
}  // namespace tonari::bitcoin::chain
