// Block assembly for tests and regtest mining: coinbase, witness commitment, merkle root, nonce.
#include "bitcoin/chain/block_assembler.h"

#include <algorithm>

#include "bitcoin/consensus/pow.h"
#include "bitcoin/consensus/subsidy.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/script.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::chain {
namespace {

// OP_RETURN, push of 36 bytes, then the BIP141 commitment tag 0xaa21a9ed.
constexpr uint8_t WITNESS_COMMITMENT_HEADER[] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};

}  // namespace

primitives::Tx MakeCoinbase(int height, const util::Bytes& payout_script, primitives::Amount value,
                            const util::Bytes& extra) {
    primitives::Tx tx;
    tx.version = 2;
    primitives::TxIn in;
    script::ScriptBuilder sig;
    sig.PushInt(height);
    if (extra.empty()) {
        sig.Op(script::Opcode::OP_0);
    } else {
        sig.Raw(extra);
    }
    in.script_sig = sig.Take();
    tx.inputs.push_back(std::move(in));
    tx.outputs.push_back({value, payout_script});
    return tx;
}

void AddWitnessCommitment(primitives::Block& block) {
    if (block.txs.empty()) return;
    primitives::Tx& coinbase = block.txs[0];
    const util::Bytes nonce(32, 0);
    coinbase.inputs[0].witness = {nonce};
    const util::Uint256 witness_root = primitives::BlockWitnessMerkleRoot(block).root;
    const util::Uint256 commitment = crypto::Sha256d(witness_root.span(), nonce, {});
    util::Bytes script(std::begin(WITNESS_COMMITMENT_HEADER), std::end(WITNESS_COMMITMENT_HEADER));
    script.insert(script.end(), commitment.begin(), commitment.end());
    coinbase.outputs.push_back({0, std::move(script)});
    block.header.merkle_root = primitives::BlockMerkleRoot(block).root;
}

primitives::Block AssembleBlock(const BlockTemplate& tmpl, const consensus::ConsensusParams& params) {
    primitives::Block block;
    block.header.version = tmpl.version;
    block.header.prev_block = tmpl.prev_hash;
    block.header.time = tmpl.time;
    block.header.bits = tmpl.bits;
    const primitives::Amount value = consensus::GetBlockSubsidy(tmpl.height, params) + tmpl.fees;
    block.txs.push_back(MakeCoinbase(tmpl.height, tmpl.payout_script, value, tmpl.coinbase_extra));
    block.txs.insert(block.txs.end(), tmpl.txs.begin(), tmpl.txs.end());
    AddWitnessCommitment(block);
    return block;
}

std::optional<primitives::Block> SolveBlock(primitives::Block block, const consensus::ConsensusParams& params,
                                            uint64_t max_tries) {
    for (uint64_t i = 0; i < max_tries; ++i) {
        if (consensus::CheckProofOfWork(block.header.ComputeHash(), block.header.bits, params)) return block;
        if (++block.header.nonce == 0) ++block.header.time;
    }
    return std::nullopt;
}

}  // namespace tonari::bitcoin::chain
