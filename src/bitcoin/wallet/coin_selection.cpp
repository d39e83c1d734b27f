// Branch and Bound and Single Random Draw (see coin_selection.h).
#include "bitcoin/wallet/coin_selection.h"

#include <algorithm>

#include "bitcoin/wallet/tx_size.h"

namespace tonari::bitcoin::wallet {
namespace {

using primitives::Amount;

Amount SelectionAmount(const CoinCandidate& c, bool use_effective) {
    return use_effective ? c.effective_value : c.value;
}

}  // namespace

std::string_view SelectionAlgorithmName(SelectionAlgorithm algorithm) {
    return algorithm == SelectionAlgorithm::BnB ? "bnb" : "srd";
}

CoinCandidate MakeCandidate(const primitives::OutPoint& outpoint, Amount value, OutputType type,
                            policy::FeeRate rate, policy::FeeRate long_term_rate) {
    CoinCandidate c;
    c.outpoint = outpoint;
    c.value = value;
    c.type = type;
    c.input_vsize = InputVsize(type);
    c.fee = FeeFor(rate, c.input_vsize);
    c.long_term_fee = FeeFor(long_term_rate, c.input_vsize);
    c.effective_value = value - c.fee;
    return c;
}

BnbOutcome SelectCoinsBnB(std::vector<CoinCandidate>& pool, Amount target, Amount cost_of_change,
                          size_t max_tries) {
    BnbOutcome out;
    Amount available = 0;
    for (const auto& c : pool) available += c.effective_value;
    if (pool.empty() || available < target) return out;

    // Largest first: the inclusion branch of big coins reaches the target fastest. Stable, so
    // equal values keep the caller's order and the search is deterministic.
    std::stable_sort(pool.begin(), pool.end(), [](const CoinCandidate& a, const CoinCandidate& b) {
        return a.effective_value > b.effective_value;
    });

    Amount curr_value = 0;
    Amount curr_waste = 0;
    std::vector<size_t> curr_selection;
    std::vector<size_t> best_selection;
    Amount best_waste = primitives::MAX_MONEY;
    // When spending now costs more than spending later, each extra input adds waste, so a
    // branch whose waste already exceeds the best can be cut.
    const bool feerate_high = pool[0].fee > pool[0].long_term_fee;

    size_t index = 0;
    size_t tries = 0;
    for (; tries < max_tries; ++tries, ++index) {
        bool backtrack = false;
        if (curr_value + available < target ||            // cannot reach the target any more
            curr_value > target + cost_of_change ||       // overshot the changeless window
            (curr_waste > best_waste && feerate_high)) {  // only gets worse down here
            backtrack = true;
        } else if (curr_value >= target) {
            // A match. Its excess would go to fees, so it counts as waste.
            const Amount waste = curr_waste + (curr_value - target);
            if (waste <= best_waste) {
                best_selection = curr_selection;
                best_waste = waste;
            }
            backtrack = true;
        }

        if (backtrack) {
            if (curr_selection.empty()) break;  // every branch explored
            // Give back the coins skipped after the last included one, then exclude it.
            for (--index; index > curr_selection.back(); --index) available += pool[index].effective_value;
            const CoinCandidate& c = pool[index];
            curr_value -= c.effective_value;
            curr_waste -= c.fee - c.long_term_fee;
            curr_selection.pop_back();
        } else {
            const CoinCandidate& c = pool[index];
            available -= c.effective_value;
            // Skip an inclusion branch identical to one just explored: the previous coin has
            // the same value and fee and was excluded.
            const bool prev_excluded_twin = !curr_selection.empty() && index - 1 != curr_selection.back() &&
                                            c.effective_value == pool[index - 1].effective_value &&
                                            c.fee == pool[index - 1].fee;
            if (curr_selection.empty() || !prev_excluded_twin) {
                curr_selection.push_back(index);
                curr_value += c.effective_value;
                curr_waste += c.fee - c.long_term_fee;
            }
        }
    }
    out.tries = tries;
    if (best_selection.empty()) return out;
    std::vector<CoinCandidate> selected;
    for (size_t i : best_selection) selected.push_back(pool[i]);
    out.selection = std::move(selected);
    out.waste = best_waste;
    return out;
}

std::optional<std::vector<CoinCandidate>> SelectCoinsSRD(const std::vector<CoinCandidate>& pool,
                                                         Amount target, bool use_effective_value,
                                                         WalletRng& rng) {
    std::vector<size_t> order(pool.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    ShuffleWith(order, rng);
    std::vector<CoinCandidate> selected;
    Amount sum = 0;
    for (size_t i : order) {
        selected.push_back(pool[i]);
        sum += SelectionAmount(pool[i], use_effective_value);
        if (sum >= target) return selected;
    }
    return std::nullopt;
}

util::Result<SelectionResult, SelectionError> SelectCoins(std::vector<CoinCandidate> candidates,
                                                          const SelectionParams& params, WalletRng& rng) {
    const bool use_effective = !params.subtract_fee_outputs;
    // Coins that cost more to spend than they are worth only lose money (Core drops them).
    std::erase_if(candidates, [&](const CoinCandidate& c) { return SelectionAmount(c, use_effective) <= 0; });
    Amount available = 0;
    for (const auto& c : candidates) available += SelectionAmount(c, use_effective);
    if (available < params.target || candidates.empty()) return util::Fail(SelectionError::InsufficientFunds);

    SelectionResult result;
    if (!params.subtract_fee_outputs) {
        std::vector<CoinCandidate> pool = candidates;
        BnbOutcome bnb = SelectCoinsBnB(pool, params.target, params.cost_of_change, params.bnb_max_tries);
        result.bnb_tries = bnb.tries;
        if (bnb.selection) {
            result.algorithm = SelectionAlgorithm::BnB;
            result.selected = std::move(*bnb.selection);
            result.waste = bnb.waste;
            result.change_needed = false;
            for (const auto& c : result.selected) {
                result.selected_value += c.value;
                result.selected_effective_value += c.effective_value;
            }
            return result;
        }
    }

    // SRD, aiming for a comfortable change first, then for the bare target.
    auto drawn =
        SelectCoinsSRD(candidates, params.target + params.change_fee + CHANGE_LOWER, use_effective, rng);
    if (!drawn) drawn = SelectCoinsSRD(candidates, params.target, use_effective, rng);
    if (!drawn) return util::Fail(SelectionError::InsufficientFunds);  // unreachable: available >= target
    result.algorithm = SelectionAlgorithm::SRD;
    result.selected = std::move(*drawn);
    Amount input_waste = 0;
    for (const auto& c : result.selected) {
        result.selected_value += c.value;
        result.selected_effective_value += c.effective_value;
        input_waste += c.fee - c.long_term_fee;
    }
    const Amount change = use_effective ? result.selected_effective_value - params.target - params.change_fee
                                        : result.selected_value - params.target;
    result.change_needed = change >= params.min_viable_change && change > 0;
    result.change = result.change_needed ? change : 0;
    const Amount excess =
        (use_effective ? result.selected_effective_value : result.selected_value) - params.target;
    result.waste = input_waste + (result.change_needed ? params.cost_of_change : excess);
    return result;
}

}  // namespace tonari::bitcoin::wallet
