// Assembles valid blocks on top of a given tip: the BIP34 coinbase, the BIP141 witness
// commitment, the merkle root, and (for networks with an easy target, such as regtest) the
// proof of work. Used to build chains in tests and by the regtest `generate` path.
// Pure functions over values; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "bitcoin/consensus/params.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/transaction.h"
#include "util/bytes.h"

namespace tonari::bitcoin::chain {

struct BlockTemplate {
    primitives::BlockHash prev_hash;
    int height = 0;               // height of the block being built
    uint32_t time = 0;            // must exceed the median time past of the tip
    uint32_t bits = 0;            // required difficulty
    int32_t version = 0x20000000;  // BIP9 top bits, no signals
    util::Bytes payout_script;    // coinbase output script
    primitives::Amount fees = 0;  // added to the subsidy in the coinbase output
    std::vector<primitives::Tx> txs;  // non-coinbase transactions, in block order
    // Extra coinbase scriptSig bytes after the height, to make coinbases (and so blocks) of
    // the same height differ between competing branches.
    util::Bytes coinbase_extra;
};

// The coinbase: scriptSig = the height (pushed as Bitcoin Core's miner pushes it) followed by
// `extra`, or by OP_0 when extra is empty (a coinbase scriptSig needs at least 2 bytes);
// one output paying `value` to the payout script.
primitives::Tx MakeCoinbase(int height, const util::Bytes& payout_script, primitives::Amount value,
                            const util::Bytes& extra);

// Adds the BIP141 commitment output to block.txs[0] (and the nonce to its witness), then
// recomputes the merkle root. Call after the transactions are final.
void AddWitnessCommitment(primitives::Block& block);

// Builds the block: coinbase paying subsidy + fees, the transactions, the witness commitment
// (always, as miners have since segwit) and the merkle root; the nonce is left at 0.
primitives::Block AssembleBlock(const BlockTemplate& tmpl, const consensus::ConsensusParams& params);

// Increments the nonce (and, on wrap, the time) until the header meets its target. nullopt if
// no solution is found within max_tries (regtest needs about two).
std::optional<primitives::Block> SolveBlock(primitives::Block block, const consensus::ConsensusParams& params,
                                            uint64_t max_tries = 1'000'000);

}  // namespace tonari::bitcoin::chain
