// Context-free transaction checks (Bitcoin Core's CheckTransaction).
#include "bitcoin/consensus/tx_check.h"

#include <algorithm>
#include <vector>

#include "bitcoin/consensus/limits.h"
#include "bitcoin/primitives/amount.h"

namespace tonari::bitcoin::consensus {
namespace {

using primitives::OutPoint;

// Below this many inputs a pairwise scan beats sorting a copy.
constexpr size_t PAIRWISE_DUPLICATE_SCAN_MAX = 8;

// CVE-2018-17144: a transaction spending the same outpoint twice would, if accepted, create
// money out of nothing (the input is counted twice). Every node must reject it.
bool HasDuplicateInput(const primitives::Tx& tx) {
    const auto& in = tx.inputs;
    if (in.size() <= PAIRWISE_DUPLICATE_SCAN_MAX) {
        for (size_t i = 0; i < in.size(); ++i) {
            for (size_t j = i + 1; j < in.size(); ++j) {
                if (in[i].prevout == in[j].prevout) return true;
            }
        }
        return false;
    }
    std::vector<const OutPoint*> seen;
    seen.reserve(in.size());
    for (const auto& txin : in) seen.push_back(&txin.prevout);
    std::sort(seen.begin(), seen.end(), [](const OutPoint* a, const OutPoint* b) { return *a < *b; });
    return std::adjacent_find(seen.begin(), seen.end(),
                              [](const OutPoint* a, const OutPoint* b) { return *a == *b; }) != seen.end();
}

}  // namespace

util::Result<void, TxError> CheckTransaction(const primitives::Tx& tx) {
    if (tx.inputs.empty()) return util::Fail(TxError::VinEmpty);
    if (tx.outputs.empty()) return util::Fail(TxError::VoutEmpty);
    // Witness data is left out: it has not been checked against any commitment yet, so it
    // could be padded by whoever relayed the transaction.
    if (static_cast<int64_t>(primitives::SerializedSize(tx, false)) * WITNESS_SCALE_FACTOR >
        MAX_BLOCK_WEIGHT) {
        return util::Fail(TxError::Oversize);
    }
    // CVE-2010-5139: outputs summing past int64 once created 184 billion BTC. Each value and
    // every partial sum must stay in range; the sum cannot overflow since both terms do.
    primitives::Amount total = 0;
    for (const auto& out : tx.outputs) {
        if (out.value < 0) return util::Fail(TxError::VoutNegative);
        if (out.value > primitives::MAX_MONEY) return util::Fail(TxError::VoutTooLarge);
        total += out.value;
        if (!primitives::MoneyRange(total)) return util::Fail(TxError::TxoutTotalTooLarge);
    }
    if (HasDuplicateInput(tx)) return util::Fail(TxError::InputsDuplicate);
    if (tx.IsCoinbase()) {
        const size_t size = tx.inputs[0].script_sig.size();
        if (size < MIN_COINBASE_SCRIPT_SIZE || size > MAX_COINBASE_SCRIPT_SIZE) {
            return util::Fail(TxError::CoinbaseLength);
        }
    } else {
        for (const auto& in : tx.inputs) {
            if (in.prevout.IsNull()) return util::Fail(TxError::PrevoutNull);
        }
    }
    return {};
}

}  // namespace tonari::bitcoin::consensus
