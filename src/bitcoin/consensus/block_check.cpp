// Context-free block checks (Bitcoin Core's CheckBlockHeader and CheckBlock).
#include "bitcoin/consensus/block_check.h"

#include <algorithm>
#include <iterator>

#include "bitcoin/consensus/pow.h"
#include "bitcoin/consensus/signet.h"
#include "bitcoin/consensus/tx_check.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/sigops.h"

namespace tonari::bitcoin::consensus {
namespace {

BlockValidationError Error(BlockError reason) {
    return BlockValidationError{.reason = reason};
}

}  // namespace

util::Result<void, BlockValidationError> CheckBlockHeader(const primitives::BlockHeader& header,
                                                          const ConsensusParams& params, bool check_pow) {
    if (check_pow && !CheckProofOfWork(header.ComputeHash(), header.bits, params)) {
        return util::Fail(Error(BlockError::HighHash));
    }
    return {};
}

util::Result<void, BlockValidationError> CheckBlock(const primitives::Block& block,
                                                    const ConsensusParams& params, bool check_pow,
                                                    bool check_merkle) {
    if (auto header = CheckBlockHeader(block.header, params, check_pow); !header) return header;
    if (params.signet_blocks && check_pow) {
        if (auto solution = CheckSignetBlockSolution(block, params); !solution) return solution;
    }

    if (check_merkle) {
        const primitives::MerkleRoot root = primitives::BlockMerkleRoot(block);
        if (root.root != block.header.merkle_root) return util::Fail(Error(BlockError::BadMerkleRoot));
        // CVE-2012-2459: a list with its last transactions duplicated hashes to the same root.
        if (root.mutated) return util::Fail(Error(BlockError::DuplicateTx));
    }

    // Counted before sizing anything per transaction: each transaction weighs at least four
    // units per byte, so more than MAX_BLOCK_WEIGHT / 4 of them cannot fit.
    const auto n_tx = static_cast<int64_t>(block.txs.size());
    if (block.txs.empty() || n_tx * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT ||
        static_cast<int64_t>(primitives::SerializedSize(block, false)) * WITNESS_SCALE_FACTOR >
            MAX_BLOCK_WEIGHT) {
        return util::Fail(Error(BlockError::BadLength));
    }

    if (!block.txs[0].IsCoinbase()) return util::Fail(Error(BlockError::CoinbaseMissing));
    for (size_t i = 1; i < block.txs.size(); ++i) {
        if (block.txs[i].IsCoinbase()) return util::Fail(Error(BlockError::CoinbaseMultiple));
    }

    for (size_t i = 0; i < block.txs.size(); ++i) {
        if (auto tx = CheckTransaction(block.txs[i]); !tx) {
            return util::Fail(BlockValidationError{
                .reason = BlockError::BadTransaction, .tx_error = tx.error(), .tx_index = i});
        }
    }

    // At most 1,000,000 transactions of bounded size, so this sum stays far from overflow.
    int64_t sigops = 0;
    for (const auto& tx : block.txs) sigops += LegacySigOpCount(tx);
    if (sigops * WITNESS_SCALE_FACTOR > MAX_BLOCK_SIGOPS_COST)
        return util::Fail(Error(BlockError::TooManySigops));

    return {};
}

unsigned LegacySigOpCount(const primitives::Tx& tx) {
    unsigned n = 0;
    for (const auto& in : tx.inputs) n += script::CountSigOps(in.script_sig, false);
    for (const auto& out : tx.outputs) n += script::CountSigOps(out.script_pubkey, false);
    return n;
}

std::optional<size_t> FindWitnessCommitment(const primitives::Block& block) {
    if (block.txs.empty()) return std::nullopt;
    static constexpr uint8_t HEADER[] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};  // OP_RETURN, push 36, tag
    std::optional<size_t> found;
    const auto& outputs = block.txs[0].outputs;
    for (size_t i = 0; i < outputs.size(); ++i) {
        const auto& spk = outputs[i].script_pubkey;
        if (spk.size() >= MINIMUM_WITNESS_COMMITMENT &&
            std::equal(std::begin(HEADER), std::end(HEADER), spk.begin())) {
            found = i;
        }
    }
    return found;
}

}  // namespace tonari::bitcoin::consensus
