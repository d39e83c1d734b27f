// Contextual transaction rules: the checks that need the coins a transaction spends or the
// chain position it is mined at. Bitcoin Core's consensus/tx_verify (CheckTxInputs,
// IsFinalTx, BIP68 sequence locks, sigop cost), same rules and order, so the first failure
// is the one Core reports.
//
// Pure functions of their arguments. Those taking a CoinsViewCache read through it, which
// fills the cache from its parent: validation strand only. The block index lives elsewhere,
// so BIP68 takes the median time past of ancestors through a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "bitcoin/chain/coins.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/script_flags.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

// nLockTime below this is a block height, otherwise a UNIX time (Tue Nov 5 00:53:20 1985).
inline constexpr uint32_t LOCKTIME_THRESHOLD = 500'000'000;

// BIP68 nSequence fields.
inline constexpr uint32_t SEQUENCE_LOCKTIME_DISABLE_FLAG = 1u << 31;  // no relative lock
inline constexpr uint32_t SEQUENCE_LOCKTIME_TYPE_FLAG = 1u << 22;     // time (else height)
inline constexpr uint32_t SEQUENCE_LOCKTIME_MASK = 0x0000ffff;        // the lock value
inline constexpr int SEQUENCE_LOCKTIME_GRANULARITY = 9;               // time unit: 512 s

// Lock-time flags (Core's LOCKTIME_VERIFY_SEQUENCE): enforce BIP68 (set from csv_height).
inline constexpr uint32_t LOCKTIME_VERIFY_SEQUENCE = 1u << 0;

// Checks the inputs of a non-coinbase transaction against the UTXO view, in Core's order:
// every input unspent (InputsMissingOrSpent); a coinbase spent only after
// params.coinbase_maturity blocks, i.e. spend_height - coin height >= maturity
// (PrematureCoinbaseSpend); each input value and the running sum in [0, MAX_MONEY]
// (InputValuesOutOfRange); inputs cover outputs (InBelowOut); the fee in range
// (FeeOutOfRange). Returns the fee.
// Precondition: CheckTransaction passed. Should outputs break it anyway, the result is
// VoutNegative / VoutTooLarge / TxoutTotalTooLarge instead of undefined arithmetic.
// A coinbase has no coins to find: it fails as InputsMissingOrSpent.
util::Result<primitives::Amount, consensus::TxError> CheckTxInputs(const primitives::Tx& tx,
                                                                   const CoinsViewCache& inputs,
                                                                   int spend_height,
                                                                   const consensus::ConsensusParams& params);

// Whether a transaction's nLockTime is satisfied in a block at `height` whose lock-time
// cutoff is `lock_time_cutoff` (the previous block's median time past under BIP113, else the
// block's own time): lock time 0, or below the height/time it names, or every input final.
bool IsFinalTx(const primitives::Tx& tx, int height, int64_t lock_time_cutoff);

// BIP68 locks in nLockTime semantics: the last invalid height and time (-1: none).
struct SequenceLocks {
    int min_height = -1;
    int64_t min_time = -1;
    friend bool operator==(const SequenceLocks&, const SequenceLocks&) = default;
};

// Median time past of the block at `height` on the chain of the block being validated.
// Called only for heights below that block.
using MedianTimePastAt = std::function<int64_t(int height)>;

// The relative locks `tx` imposes, given the heights of the blocks that created its inputs'
// coins (prev_heights[i] for input i; a coin created in the block being validated has that
// block's height). Not enforced (no locks) unless flags has LOCKTIME_VERIFY_SEQUENCE and
// tx.version >= 2; inputs with the disable flag are ignored. A time lock counts from the
// median time past of the block before the coin's block (mtp_at(max(h - 1, 0))).
// Precondition: prev_heights.size() == tx.inputs.size().
SequenceLocks CalculateSequenceLocks(const primitives::Tx& tx, uint32_t flags, std::span<const int> prev_heights,
                                     const MedianTimePastAt& mtp_at);

// Whether the locks allow inclusion in a block at `block_height` whose parent has median
// time past `prev_mtp`.
bool EvaluateSequenceLocks(int block_height, int64_t prev_mtp, const SequenceLocks& locks);

// CalculateSequenceLocks then EvaluateSequenceLocks with prev_mtp = mtp_at(block_height - 1).
bool CheckSequenceLocks(const primitives::Tx& tx, uint32_t flags, std::span<const int> prev_heights,
                        int block_height, const MedianTimePastAt& mtp_at);

// Legacy sigops of every scriptSig and scriptPubKey (multisig counted as 20).
unsigned GetLegacySigOpCount(const primitives::Tx& tx);

// BIP16 sigops: accurate count of each P2SH input's redeem script. 0 for a coinbase.
// Inputs whose coin is missing count 0 (callers check inputs first).
unsigned GetP2SHSigOpCount(const primitives::Tx& tx, const CoinsViewCache& inputs);

// The BIP141 sigop cost Core limits per block: legacy * 4, plus (not for a coinbase)
// P2SH * 4 when flags has P2SH, plus witness sigops (x1) when flags has WITNESS.
// Inputs whose coin is missing count 0 (callers check inputs first).
int64_t GetTransactionSigOpCost(const primitives::Tx& tx, const CoinsViewCache& inputs,
                                script::ScriptFlags flags);

}  // namespace tonari::bitcoin::chain
