// Contextual block checks, block script flags and BIP30 (Bitcoin Core's rules).
#include "bitcoin/chain/block_verify.h"

#include <algorithm>
#include <cassert>
#include <string_view>
#include <vector>

#include "bitcoin/chain/tx_verify.h"
#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/primitives/hash_writer.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/script.h"

namespace tonari::bitcoin::chain {
namespace {

using consensus::BlockError;
using consensus::BlockValidationError;


// Offset of the 32-byte commitment in the commitment output: OP_RETURN, push 36, 4-byte tag.
constexpr size_t WITNESS_COMMITMENT_OFFSET = 6;
constexpr size_t WITNESS_RESERVED_VALUE_SIZE = 32;

primitives::BlockHash Hash(std::string_view display_hex) {
    const auto v = util::Uint256::FromHex(display_hex);
    assert(v);
    return primitives::BlockHash(*v);
}

}  // namespace

util::Bytes CoinbaseHeightPrefix(int height) {
    return script::ScriptBuilder().PushInt(height).Take();
}

util::Result<void, BlockValidationError> CheckWitnessCommitment(const primitives::Block& block, bool segwit_active) {
    if (segwit_active) {
        if (const auto pos = consensus::FindWitnessCommitment(block)) {
            const auto& coinbase = block.txs[0];
            if (coinbase.inputs.empty()) return util::Fail(consensus::BlockRejection(BlockError::CoinbaseMissing));
            const auto& stack = coinbase.inputs[0].witness;
            if (stack.size() != 1 || stack[0].size() != WITNESS_RESERVED_VALUE_SIZE) {
                return util::Fail(consensus::BlockRejection(BlockError::BadWitnessNonceSize));
            }
            // The witness tree cannot be mutated without mutating the txid tree, which
            // CheckBlock has already refused, so its `mutated` flag is not consulted.
            primitives::HashWriter h;
            h.WriteBytes(primitives::BlockWitnessMerkleRoot(block).root.span());
            h.WriteBytes(stack[0]);
            const util::Uint256 commitment = h.GetHashD();
            const util::Bytes& spk = coinbase.outputs[*pos].script_pubkey;
            if (!std::equal(commitment.begin(), commitment.end(),
                            spk.begin() + static_cast<std::ptrdiff_t>(WITNESS_COMMITMENT_OFFSET))) {
                return util::Fail(consensus::BlockRejection(BlockError::BadWitnessMerkleMatch));
            }
            return {};
        }
    }
    // Without a commitment nothing binds witness data to the block hash, so any would be
    // free-riding spam a relayer could add or strip at will.
    for (const auto& tx : block.txs) {
        if (tx.HasWitness()) return util::Fail(consensus::BlockRejection(BlockError::UnexpectedWitness));
    }
    return {};
}

util::Result<void, BlockValidationError> ContextualCheckBlock(const primitives::Block& block, int height,
                                                              int64_t prev_mtp,
                                                              const consensus::ConsensusParams& params) {
    if (block.txs.empty() || block.txs[0].inputs.empty()) return util::Fail(consensus::BlockRejection(BlockError::CoinbaseMissing));

    // BIP113: lock times compare against the parent's median time past, which miners cannot
    // push forward the way they can their own timestamp.
    const int64_t lock_time_cutoff = height >= params.csv_height ? prev_mtp : static_cast<int64_t>(block.header.time);
    for (const auto& tx : block.txs) {
        if (!IsFinalTx(tx, height, lock_time_cutoff)) return util::Fail(consensus::BlockRejection(BlockError::NonFinalTx));
    }

    if (height >= params.bip34_height) {
        const util::Bytes expect = CoinbaseHeightPrefix(height);
        const util::Bytes& script_sig = block.txs[0].inputs[0].script_sig;
        if (script_sig.size() < expect.size() || !std::equal(expect.begin(), expect.end(), script_sig.begin())) {
            return util::Fail(consensus::BlockRejection(BlockError::BadCoinbaseHeight));
        }
    }

    if (auto r = CheckWitnessCommitment(block, height >= params.segwit_height); !r) return r;

    if (primitives::BlockWeight(block) > consensus::MAX_BLOCK_WEIGHT) return util::Fail(consensus::BlockRejection(BlockError::BadWeight));
    return {};
}

script::ScriptFlags GetBlockScriptFlags(int height, const primitives::BlockHash& block_hash,
                                        const consensus::ConsensusParams& params) {
    // P2SH, segwit and taproot are enforced for the whole chain: only the listed blocks
    // (mined before enforcement, and breaking the rule) ever violated them.
    script::ScriptFlags flags = script::SCRIPT_VERIFY_P2SH | script::SCRIPT_VERIFY_WITNESS | script::SCRIPT_VERIFY_TAPROOT;
    for (const auto& exception : params.script_flag_exceptions) {
        if (exception.block == block_hash) {
            flags = (exception.verify_p2sh ? script::SCRIPT_VERIFY_P2SH : 0) |
                    (exception.verify_witness ? script::SCRIPT_VERIFY_WITNESS : 0);
            break;
        }
    }
    if (height >= params.bip66_height) flags |= script::SCRIPT_VERIFY_DERSIG;
    if (height >= params.bip65_height) flags |= script::SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY;
    if (height >= params.csv_height) flags |= script::SCRIPT_VERIFY_CHECKSEQUENCEVERIFY;
    if (height >= params.segwit_height) flags |= script::SCRIPT_VERIFY_NULLDUMMY;  // BIP147, with segwit
    return flags;
}

bool IsBip30Repeat(int height, const primitives::BlockHash& block_hash) {
    return (height == 91842 && block_hash == Hash("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec")) ||
           (height == 91880 && block_hash == Hash("00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721"));
}

bool IsBip30Unspendable(int height, const primitives::BlockHash& block_hash) {
    return (height == 91722 && block_hash == Hash("00000000000271a2dc26e7667f8419f2e15416dc6955e5a6c6cdf3f2574dd08e")) ||
           (height == 91812 && block_hash == Hash("00000000000af0aed4792b1acee3d966af36cf5def14935db8de83d6f9306f2f"));
}

bool ShouldEnforceBip30(int height, const primitives::BlockHash& block_hash,
                        const std::optional<primitives::BlockHash>& bip34_ancestor,
                        const consensus::ConsensusParams& params) {
    bool enforce = !IsBip30Repeat(height, block_hash);
    // Once this chain is known to contain the real BIP34 activation block, no new duplicate
    // coinbase could be made, and every pre-existing duplicate pair had already overwritten
    // its first coinbase before it was spent: nothing is left to overwrite. (A chain whose
    // block at that height differs, such as regtest where bip34_hash is null, keeps checking.)
    const bool bip34_chain = bip34_ancestor.has_value() && *bip34_ancestor == params.bip34_hash;
    enforce = enforce && !bip34_chain;
    return enforce || height >= BIP34_IMPLIES_BIP30_LIMIT;
}

util::Result<void, BlockValidationError> CheckBip30(const primitives::Block& block,
                                                    std::span<const primitives::Txid> txids,
                                                    const CoinsViewCache& view) {
    assert(txids.size() == block.txs.size());
    for (size_t i = 0; i < block.txs.size(); ++i) {
        for (size_t o = 0; o < block.txs[i].outputs.size(); ++o) {
            if (view.HaveCoin(primitives::OutPoint{txids[i], static_cast<uint32_t>(o)})) {
                return util::Fail(BlockValidationError{.reason = BlockError::Bip30, .tx_index = i});
            }
        }
    }
    return {};
}

util::Result<void, BlockValidationError> CheckBip30(const primitives::Block& block, const CoinsViewCache& view) {
    std::vector<primitives::Txid> txids;
    txids.reserve(block.txs.size());
    for (const auto& tx : block.txs) txids.push_back(primitives::ComputeTxid(tx));
    return CheckBip30(block, txids, view);
}

}  // namespace tonari::bitcoin::chain
