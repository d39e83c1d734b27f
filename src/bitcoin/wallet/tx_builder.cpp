// Transaction building: selection, fee, change, ordering (see tx_builder.h).
#include "bitcoin/wallet/tx_builder.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "bitcoin/policy/policy.h"
#include "bitcoin/wallet/tx_size.h"
#include "crypto/keys.h"

namespace tonari::bitcoin::wallet {
namespace {

using primitives::Amount;

int64_t CompactSizeLen(uint64_t n) {
    return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

WalletError Error(WalletErrorCode code, std::string message) {
    return WalletError::Make(code, std::move(message));
}

int64_t DummyVsize(const primitives::Tx& tx, const std::vector<SpendableCoin>& inputs) {
    return primitives::TxVirtualSize(WithDummySignatures(tx, inputs));
}

// Takes `total` from the recipients that pay the fee: equal shares, the first of them also
// the remainder.
util::Result<void, WalletError> DeductFee(std::vector<primitives::TxOut>& outputs,
                                          const std::vector<Recipient>& recipients, Amount total) {
    std::vector<size_t> payers;
    for (size_t i = 0; i < recipients.size(); ++i) {
        if (recipients[i].subtract_fee_from_amount) payers.push_back(i);
    }
    const Amount n = static_cast<Amount>(payers.size());
    const Amount share = total / n;
    for (size_t k = 0; k < payers.size(); ++k) {
        primitives::TxOut& out = outputs[payers[k]];
        out.value -= share + (k == 0 ? total % n : 0);
        if (out.value < 0) {
            return util::Fail(
                Error(WalletErrorCode::AmountTooSmall, "The transaction amount is too small to pay the fee"));
        }
        if (IsDust(out)) {
            return util::Fail(
                Error(WalletErrorCode::AmountTooSmall,
                      "The transaction amount is too small to send after the fee has been deducted"));
        }
    }
    return {};
}

}  // namespace

std::string FormatSatPerVb(policy::FeeRate rate) {
    const Amount v = rate.SatPerKvB();
    char buf[48];
    std::snprintf(buf, sizeof(buf), "%s%lld.%03lld sat/vB", v < 0 ? "-" : "",
                  static_cast<long long>(std::abs(v) / 1000), static_cast<long long>(std::abs(v) % 1000));
    return buf;
}

primitives::Tx WithDummySignatures(const primitives::Tx& tx, const std::vector<SpendableCoin>& inputs) {
    primitives::Tx out = tx;
    for (size_t i = 0; i < out.inputs.size() && i < inputs.size(); ++i) {
        auto& witness = out.inputs[i].witness;
        if (inputs[i].origin.type == OutputType::Bech32) {
            witness = {util::Bytes(DUMMY_ECDSA_SIG_SIZE, 0), util::Bytes(crypto::PubKey::COMPRESSED_SIZE, 0)};
        } else {
            witness = {util::Bytes(SCHNORR_SIG_SIZE, 0)};
        }
    }
    return out;
}

util::Result<BuiltTx, WalletError> BuildTransaction(const TxBuildParams& params,
                                                    const std::vector<SpendableCoin>& coins, WalletRng& rng) {
    if (params.recipients.empty()) {
        return util::Fail(
            Error(WalletErrorCode::InvalidParameter, "Transaction must have at least one recipient"));
    }
    if (params.fee_rate.SatPerKvB() < MIN_WALLET_FEE_RATE) {
        return util::Fail(Error(WalletErrorCode::FeeRateTooLow,
                                "Fee rate (" + FormatSatPerVb(params.fee_rate) +
                                    ") is lower than the minimum fee rate setting (" +
                                    FormatSatPerVb(policy::FeeRate(MIN_WALLET_FEE_RATE)) + ")"));
    }
    Amount recipients_total = 0;
    bool any_sffo = false;
    int64_t outputs_size = 0;
    for (const auto& r : params.recipients) {
        if (r.amount < 0) {
            return util::Fail(
                Error(WalletErrorCode::InvalidAmount, "Transaction amounts must not be negative"));
        }
        if (!primitives::MoneyRange(r.amount) || !primitives::MoneyRange(recipients_total + r.amount)) {
            return util::Fail(Error(WalletErrorCode::InvalidAmount, "Amount out of range"));
        }
        recipients_total += r.amount;
        any_sffo = any_sffo || r.subtract_fee_from_amount;
        // Fee-paying recipients are checked after the fee is taken from them.
        if (!r.subtract_fee_from_amount && IsDust(primitives::TxOut{r.amount, r.script_pubkey})) {
            return util::Fail(Error(WalletErrorCode::AmountTooSmall, "Transaction amount too small"));
        }
        outputs_size += OutputSize(r.script_pubkey);
    }

    // What the inputs must pay for besides themselves: version, locktime, the counts, the
    // segwit marker and flag (2 weight units), and the recipients' outputs.
    const int64_t noinput_weight =
        (4 + 4 + CompactSizeLen(coins.size()) + CompactSizeLen(params.recipients.size() + 1) + outputs_size) *
            primitives::WITNESS_SCALE_FACTOR +
        2;
    const int64_t noinput_vsize = (noinput_weight + 3) / 4;
    const primitives::TxOut change_template{0, params.change_script};
    const Amount change_fee = FeeFor(params.fee_rate, OutputSize(params.change_script));
    const Amount change_spend_fee = FeeFor(params.discard_fee_rate, InputVsize(params.change_type));
    const Amount min_viable_change = std::max(change_spend_fee + 1, DustThreshold(change_template));

    SelectionParams sp;
    sp.subtract_fee_outputs = any_sffo;
    sp.target = recipients_total + (any_sffo ? 0 : FeeFor(params.fee_rate, noinput_vsize));
    sp.change_fee = change_fee;
    sp.cost_of_change = change_fee + change_spend_fee;
    sp.min_viable_change = min_viable_change;

    std::vector<CoinCandidate> candidates;
    std::map<primitives::OutPoint, size_t> by_outpoint;
    for (size_t i = 0; i < coins.size(); ++i) {
        candidates.push_back(MakeCandidate(coins[i].outpoint, coins[i].txout.value, coins[i].origin.type,
                                           params.fee_rate, params.long_term_fee_rate));
        by_outpoint.emplace(coins[i].outpoint, i);
    }
    auto selection = SelectCoins(std::move(candidates), sp, rng);
    if (!selection) return util::Fail(Error(WalletErrorCode::InsufficientFunds, "Insufficient funds"));

    BuiltTx built;
    built.selection = std::move(*selection);
    Amount total_in = 0;
    for (const auto& c : built.selection.selected) {
        built.inputs.push_back(coins[by_outpoint.at(c.outpoint)]);
        total_in += c.value;
    }
    ShuffleWith(built.inputs, rng);

    primitives::Tx tx;
    tx.version = 2;
    tx.locktime = params.lock_time;
    for (const auto& coin : built.inputs) {
        primitives::TxIn in;
        in.prevout = coin.outpoint;
        in.sequence = WALLET_TX_SEQUENCE;
        tx.inputs.push_back(std::move(in));
    }
    std::vector<primitives::TxOut> outputs;
    for (const auto& r : params.recipients) outputs.push_back({r.amount, r.script_pubkey});

    tx.outputs = outputs;
    const int64_t vsize_no_change = DummyVsize(tx, built.inputs);
    tx.outputs.push_back(change_template);
    const int64_t vsize_change = DummyVsize(tx, built.inputs);
    const Amount fee_no_change = FeeFor(params.fee_rate, vsize_no_change);
    const Amount fee_change = FeeFor(params.fee_rate, vsize_change);

    const Amount surplus = total_in - recipients_total;  // fee plus change
    Amount change = 0;
    if (!any_sffo) {
        if (surplus - fee_change >= min_viable_change) {
            change = surplus - fee_change;
            built.fee = fee_change;
        } else {
            built.fee = surplus;
            if (built.fee < fee_no_change) {
                return util::Fail(Error(WalletErrorCode::InsufficientFunds, "Insufficient funds"));
            }
        }
    } else {
        Amount to_deduct = 0;
        if (surplus >= min_viable_change) {
            change = surplus;
            to_deduct = fee_change;
            built.fee = fee_change;
        } else {
            to_deduct = std::max<Amount>(0, fee_no_change - surplus);
            built.fee = surplus + to_deduct;
        }
        if (auto r = DeductFee(outputs, params.recipients, to_deduct); !r) return util::Fail(r.error());
    }
    if (built.fee > params.max_tx_fee) {
        return util::Fail(
            Error(WalletErrorCode::FeeTooHigh,
                  "Fee exceeds maximum configured by user (e.g. -paytxfee, maxtxfee, maxfeerate)"));
    }

    // Final output order: random, change included.
    std::vector<std::pair<primitives::TxOut, bool>> ordered;
    for (auto& out : outputs) ordered.emplace_back(std::move(out), false);
    if (change > 0) ordered.emplace_back(primitives::TxOut{change, params.change_script}, true);
    ShuffleWith(ordered, rng);
    tx.outputs.clear();
    for (size_t i = 0; i < ordered.size(); ++i) {
        if (ordered[i].second) built.change_pos = static_cast<int>(i);
        tx.outputs.push_back(std::move(ordered[i].first));
    }
    built.estimated_vsize = change > 0 ? vsize_change : vsize_no_change;
    if (primitives::TxWeight(WithDummySignatures(tx, built.inputs)) > policy::MAX_STANDARD_TX_WEIGHT) {
        return util::Fail(Error(WalletErrorCode::TxTooLarge, "Transaction too large"));
    }
    built.tx = std::move(tx);
    return built;
}

}  // namespace tonari::bitcoin::wallet
