// Choosing a block's transactions from the mempool: Bitcoin Core's ancestor-feerate package
// selection. Each candidate is judged with its not-yet-chosen in-pool ancestors as one
// package (a child paying for its parent counts), best package fee rate first, within the
// block's weight and sigop budgets, parents always before children.
// Validation strand only (reads the pool).
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/consensus/limits.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/policy/policy.h"
#include "bitcoin/primitives/amount.h"

namespace tonari::bitcoin::miner {

// Room kept for the coinbase transaction (Core 30's DEFAULT_BLOCK_RESERVED_WEIGHT).
inline constexpr int64_t COINBASE_RESERVED_WEIGHT = 8000;
inline constexpr int64_t COINBASE_RESERVED_SIGOPS = 400;
// Within this much weight of the limit a block counts as full enough to stop early (Core's
// BLOCK_FULL_ENOUGH_WEIGHT_DELTA).
inline constexpr int64_t BLOCK_FULL_ENOUGH_WEIGHT_DELTA = 4000;
// After this many packages in a row fail to fit while the block is nearly full, stop
// looking (Core's MAX_CONSECUTIVE_FAILURES): the rest are unlikely to fit either.
inline constexpr int MAX_CONSECUTIVE_FAILURES = 1000;

struct SelectionOptions {
    int64_t max_weight = consensus::MAX_BLOCK_WEIGHT;
    int64_t max_sigops_cost = consensus::MAX_BLOCK_SIGOPS_COST;
    // Packages paying less than this are left out (Core's -blockmintxfee).
    policy::FeeRate min_fee_rate{policy::DEFAULT_BLOCK_MIN_TX_FEE};
};

struct Selection {
    std::vector<const mempool::MempoolEntry*> entries;  // in block order
    primitives::Amount fees = 0;
    int64_t weight = 0;       // of the chosen transactions (not the coinbase)
    int64_t sigops_cost = 0;  // likewise
};

Selection SelectTransactions(const mempool::TxMempool& pool, const SelectionOptions& options = {});

}  // namespace tonari::bitcoin::miner
