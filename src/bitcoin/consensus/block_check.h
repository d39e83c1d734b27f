// Context-free block checks: the rules a block must satisfy before anyone looks at its
// parent, its height or the UTXO set. Bitcoin Core's CheckBlockHeader and CheckBlock, rule
// for rule and in the same order, so the first failure is the one Core reports.
// Pure functions; safe from any thread.
// On signet, with check_pow, the block solution (BIP325) is checked right after the header,
// as Core's CheckBlock does.
#pragma once

#include <cstddef>
#include <optional>

#include "bitcoin/consensus/limits.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/block.h"
#include "util/result.h"

namespace tonari::bitcoin::consensus {

// Smallest scriptPubKey that can hold a witness commitment: OP_RETURN, a 36-byte push
// (0x24), the 4-byte tag aa21a9ed and the 32-byte commitment (BIP141).
inline constexpr size_t MINIMUM_WITNESS_COMMITMENT = 38;

// Proof of work only: nBits is a valid target for the network and the header hash meets it.
util::Result<void, BlockValidationError> CheckBlockHeader(const primitives::BlockHeader& header,
                                                          const ConsensusParams& params,
                                                          bool check_pow = true);

// CheckBlockHeader, then: merkle root matches and the tree is not mutated; 1..1,000,000
// transactions with stripped size * 4 within MAX_BLOCK_WEIGHT; the first transaction and only
// the first is a coinbase; every transaction passes CheckTransaction; legacy sigops * 4 within
// MAX_BLOCK_SIGOPS_COST. Witness data and its commitment are contextual (chain/).
util::Result<void, BlockValidationError> CheckBlock(const primitives::Block& block,
                                                    const ConsensusParams& params, bool check_pow = true,
                                                    bool check_merkle = true);

// Signature operations counted the legacy way (every scriptSig and scriptPubKey, multisig
// as 20), as CheckBlock limits them.
unsigned LegacySigOpCount(const primitives::Tx& tx);

// Index of the coinbase output carrying the BIP141 witness commitment: the last output whose
// script starts 6a 24 aa21a9ed and is at least MINIMUM_WITNESS_COMMITMENT bytes. nullopt when
// the block has no transactions or no such output.
std::optional<size_t> FindWitnessCommitment(const primitives::Block& block);

}  // namespace tonari::bitcoin::consensus
