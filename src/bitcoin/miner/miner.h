// The CPU miner: block templates on the active tip and a nonce search spread over worker
// threads. Regtest blocks need about two tries; the search is also what `generatetoaddress`
// uses on signet or test networks with a trivial target, and it gives up after max_tries.
// Thread-safety: CreateBlockTemplate reads the chainstate (call on the validation strand);
// SolveBlock touches only its arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "bitcoin/chain/chainstate.h"
#include "bitcoin/primitives/block.h"
#include "util/bytes.h"
#include "util/worker_pool.h"

namespace tonari::bitcoin::miner {

struct TemplateRequest {
    util::Bytes payout_script;
    std::vector<primitives::Tx> txs;  // in block order, already valid on the tip
    primitives::Amount fees = 0;
    util::Bytes coinbase_extra;       // extra nonce bytes after the BIP34 height
    int64_t now = 0;                  // unix time; the block time is max(now, MTP + 1)
};

// A block on the current tip: coinbase paying subsidy + fees, witness commitment, merkle
// root, the difficulty the next block needs; nonce 0.
primitives::Block CreateBlockTemplate(const chain::Chainstate& chain, const TemplateRequest& request);

struct SolveResult {
    std::optional<primitives::Block> block;  // nullopt: no solution within the budget
    uint64_t tries = 0;                      // nonces counted against the budget
};

// Searches nonces from 0 upward, in parallel chunks on `pool`, until the header meets its
// target; gives up after max_tries hashes (the nonce space alone is 2^32). The lowest
// winning nonce is kept, so the result does not depend on thread timing.
SolveResult SolveBlock(primitives::Block block, const consensus::ConsensusParams& params, util::WorkerPool& pool,
                       uint64_t max_tries);

}  // namespace tonari::bitcoin::miner
