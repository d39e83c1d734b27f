// Contextual transaction checks (Bitcoin Core's consensus/tx_verify.cpp rules).
#include "bitcoin/chain/tx_verify.h"

#include <algorithm>
#include <cassert>

#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/script/sigops.h"

namespace tonari::bitcoin::chain {

using consensus::TxError;
using primitives::Amount;
using primitives::MoneyRange;

util::Result<Amount, TxError> CheckTxInputs(const primitives::Tx& tx, const CoinsViewCache& inputs,
                                            int spend_height, const consensus::ConsensusParams& params) {
    if (tx.IsCoinbase() || !inputs.HaveInputs(tx)) return util::Fail(TxError::InputsMissingOrSpent);

    Amount value_in = 0;
    for (const auto& in : tx.inputs) {
        const Coin* coin = inputs.AccessCoin(in.prevout);
        if (coin == nullptr) return util::Fail(TxError::InputsMissingOrSpent);  // checked above
        if (coin->coinbase &&
            static_cast<int64_t>(spend_height) - static_cast<int64_t>(coin->height) < params.coinbase_maturity) {
            return util::Fail(TxError::PrematureCoinbaseSpend);
        }
        // Each value is in range before it is added, so the sum cannot overflow.
        if (!MoneyRange(coin->out.value)) return util::Fail(TxError::InputValuesOutOfRange);
        value_in += coin->out.value;
        if (!MoneyRange(value_in)) return util::Fail(TxError::InputValuesOutOfRange);
    }

    Amount value_out = 0;
    for (const auto& out : tx.outputs) {
        if (out.value < 0) return util::Fail(TxError::VoutNegative);
        if (out.value > primitives::MAX_MONEY) return util::Fail(TxError::VoutTooLarge);
        value_out += out.value;
        if (!MoneyRange(value_out)) return util::Fail(TxError::TxoutTotalTooLarge);
    }

    if (value_in < value_out) return util::Fail(TxError::InBelowOut);
    const Amount fee = value_in - value_out;
    if (!MoneyRange(fee)) return util::Fail(TxError::FeeOutOfRange);
    return fee;
}

bool IsFinalTx(const primitives::Tx& tx, int height, int64_t lock_time_cutoff) {
    if (tx.locktime == 0) return true;
    const auto lock_time = static_cast<int64_t>(tx.locktime);
    const int64_t limit = lock_time < LOCKTIME_THRESHOLD ? static_cast<int64_t>(height) : lock_time_cutoff;
    if (lock_time < limit) return true;
    // A lock not yet reached is ignored when every input has opted out of it.
    return std::all_of(tx.inputs.begin(), tx.inputs.end(),
                       [](const primitives::TxIn& in) { return in.sequence == primitives::TxIn::SEQUENCE_FINAL; });
}

SequenceLocks CalculateSequenceLocks(const primitives::Tx& tx, uint32_t flags, std::span<const int> prev_heights,
                                     const MedianTimePastAt& mtp_at) {
    assert(prev_heights.size() == tx.inputs.size());
    SequenceLocks locks;
    // The version is unsigned here, so versions with the top bit set also count as >= 2.
    if (tx.version < 2 || (flags & LOCKTIME_VERIFY_SEQUENCE) == 0) return locks;

    for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const uint32_t sequence = tx.inputs[i].sequence;
        if (sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) continue;
        const int coin_height = prev_heights[i];
        const int64_t value = sequence & SEQUENCE_LOCKTIME_MASK;
        // BIP68 names the first valid height/time; nLockTime semantics want the last
        // invalid one, hence the - 1.
        if (sequence & SEQUENCE_LOCKTIME_TYPE_FLAG) {
            // Measured from the earliest time the coin's block could have had: the median
            // time past of the block before it.
            const int64_t coin_time = mtp_at(std::max(coin_height - 1, 0));
            locks.min_time = std::max(locks.min_time, coin_time + (value << SEQUENCE_LOCKTIME_GRANULARITY) - 1);
        } else {
            locks.min_height = std::max(locks.min_height, coin_height + static_cast<int>(value) - 1);
        }
    }
    return locks;
}

bool EvaluateSequenceLocks(int block_height, int64_t prev_mtp, const SequenceLocks& locks) {
    return locks.min_height < block_height && locks.min_time < prev_mtp;
}

bool CheckSequenceLocks(const primitives::Tx& tx, uint32_t flags, std::span<const int> prev_heights,
                        int block_height, const MedianTimePastAt& mtp_at) {
    const SequenceLocks locks = CalculateSequenceLocks(tx, flags, prev_heights, mtp_at);
    return EvaluateSequenceLocks(block_height, mtp_at(block_height - 1), locks);
}

unsigned GetLegacySigOpCount(const primitives::Tx& tx) {
    return consensus::LegacySigOpCount(tx);
}

unsigned GetP2SHSigOpCount(const primitives::Tx& tx, const CoinsViewCache& inputs) {
    if (tx.IsCoinbase()) return 0;
    unsigned n = 0;
    for (const auto& in : tx.inputs) {
        const Coin* coin = inputs.AccessCoin(in.prevout);
        if (coin == nullptr) continue;
        n += script::CountP2SHSigOps(in.script_sig, coin->out.script_pubkey);
    }
    return n;
}

int64_t GetTransactionSigOpCost(const primitives::Tx& tx, const CoinsViewCache& inputs,
                                script::ScriptFlags flags) {
    int64_t cost = static_cast<int64_t>(GetLegacySigOpCount(tx)) * consensus::WITNESS_SCALE_FACTOR;
    if (tx.IsCoinbase()) return cost;
    if (flags & script::SCRIPT_VERIFY_P2SH) {
        cost += static_cast<int64_t>(GetP2SHSigOpCount(tx, inputs)) * consensus::WITNESS_SCALE_FACTOR;
    }
    if (flags & script::SCRIPT_VERIFY_WITNESS) {
        for (const auto& in : tx.inputs) {
            const Coin* coin = inputs.AccessCoin(in.prevout);
            if (coin == nullptr) continue;
            cost += script::CountWitnessSigOps(in.script_sig, coin->out.script_pubkey, in.witness);
        }
    }
    return cost;
}

}  // namespace tonari::bitcoin::chain
