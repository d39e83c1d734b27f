// Coin selection: which of the wallet's coins fund a payment.
//
// Candidates are valued by their effective value (value minus the fee to spend them at the
// target rate, with an input size per type: 68 vB for P2WPKH, 58 vB for P2TR key path).
// SelectCoins runs, as Bitcoin Core does:
//   1. Branch and Bound (Core's SelectCoinsBnB): a depth-first search, largest coins first,
//      for an input set whose effective value lands in [target, target + cost_of_change], so
//      no change output is needed; among those it keeps the one with the least waste. The
//      search stops after BNB_TOTAL_TRIES steps.
//   2. If BnB finds nothing: Single Random Draw (Core's SelectCoinsSRD). Coins are drawn in
//      random order until they cover the target plus the change output's fee plus
//      CHANGE_LOWER, so the change is not a tiny, privacy-revealing amount. If the wallet has
//      enough for the payment but not for that padding, SRD draws again for the bare target
//      and the change is kept only if it is worth an output.
// Knapsack and CoinGrinder are not implemented. With fees subtracted from the recipients,
// coins are valued at their full value and BnB is skipped (Core skips it too: a changeless
// exact match makes no sense when the payment amount itself is adjusted).
//
// Waste (Core's metric): sum over inputs of (fee - long_term_fee), plus the cost of the change
// output when there is one, or the excess given to fees when there is not.
//
// Randomness comes from a caller-supplied WalletRng, so tests can seed it. Pure functions of
// their arguments; thread-safe for distinct RNGs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wallet/output_type.h"
#include "util/result.h"

namespace tonari::bitcoin::wallet {

// Production code seeds it from crypto::RandomU64; tests seed it with a constant.
using WalletRng = std::mt19937_64;

// A uniform index in [0, n); n > 0. Modulo bias is below 2^-40 for any n a wallet sees.
inline size_t RandomIndex(WalletRng& rng, size_t n) {
    return static_cast<size_t>(rng() % n);
}

// Fisher-Yates with RandomIndex, so the order depends only on the RNG's outputs (not on the
// standard library's distribution implementation).
template <typename T>
void ShuffleWith(std::vector<T>& items, WalletRng& rng) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[RandomIndex(rng, i)]);
}

// Core's TOTAL_TRIES: BnB's search is exponential in the worst case; the cap bounds the time a
// wallet with many similar coins can spend in one selection.
inline constexpr size_t BNB_TOTAL_TRIES = 100'000;
// Core's CHANGE_LOWER: SRD aims for at least this much change.
inline constexpr primitives::Amount CHANGE_LOWER = 50'000;

struct CoinCandidate {
    primitives::OutPoint outpoint;
    primitives::Amount value = 0;
    OutputType type = OutputType::Bech32;
    int64_t input_vsize = 0;
    primitives::Amount fee = 0;            // to spend it at the target rate
    primitives::Amount long_term_fee = 0;  // to spend it at the long-term rate
    primitives::Amount effective_value = 0;

    friend bool operator==(const CoinCandidate&, const CoinCandidate&) = default;
};

CoinCandidate MakeCandidate(const primitives::OutPoint& outpoint, primitives::Amount value, OutputType type,
                            policy::FeeRate rate, policy::FeeRate long_term_rate);

struct SelectionParams {
    // What the inputs must cover: the recipients' amounts plus the fee of every byte of the
    // transaction except inputs and change (with fees subtracted from recipients: just the
    // recipients' amounts).
    primitives::Amount target = 0;
    // BnB's tolerance: fee of a change output now plus the fee to spend it later.
    primitives::Amount cost_of_change = 0;
    // Fee of adding a change output now.
    primitives::Amount change_fee = 0;
    // Change below this is not made (given to fees instead).
    primitives::Amount min_viable_change = 0;
    // Fees come out of the recipients: select on full values, skip BnB.
    bool subtract_fee_outputs = false;
    size_t bnb_max_tries = BNB_TOTAL_TRIES;
};

enum class SelectionAlgorithm { BnB, SRD };
// "bnb", "srd" (Core's GetAlgorithmName).
std::string_view SelectionAlgorithmName(SelectionAlgorithm algorithm);

struct SelectionResult {
    SelectionAlgorithm algorithm = SelectionAlgorithm::BnB;
    std::vector<CoinCandidate> selected;
    primitives::Amount selected_value = 0;
    primitives::Amount selected_effective_value = 0;
    primitives::Amount waste = 0;
    // Whether the planned change (below) is worth an output. The transaction builder
    // recomputes it from the real size; this is the selection's own view.
    bool change_needed = false;
    primitives::Amount change = 0;
    size_t bnb_tries = 0;  // steps BnB took (0 when it was skipped)
};

enum class SelectionError {
    InsufficientFunds,  // the coins' (effective) values do not reach the target
};

util::Result<SelectionResult, SelectionError> SelectCoins(std::vector<CoinCandidate> candidates,
                                                          const SelectionParams& params, WalletRng& rng);

// Branch and Bound alone. `pool` is sorted (descending effective value) in place. Only coins
// with positive effective value may be passed.
struct BnbOutcome {
    std::optional<std::vector<CoinCandidate>> selection;  // nullopt: no changeless match found
    primitives::Amount waste = 0;
    size_t tries = 0;
};
BnbOutcome SelectCoinsBnB(std::vector<CoinCandidate>& pool, primitives::Amount target,
                          primitives::Amount cost_of_change, size_t max_tries = BNB_TOTAL_TRIES);

// Single Random Draw alone: coins in random order until their selection amount reaches
// `target`. nullopt if all of them do not.
std::optional<std::vector<CoinCandidate>> SelectCoinsSRD(const std::vector<CoinCandidate>& pool,
                                                         primitives::Amount target, bool use_effective_value,
                                                         WalletRng& rng);

}  // namespace tonari::bitcoin::wallet
