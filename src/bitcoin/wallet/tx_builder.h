// BuildTransaction: turns a payment request into an unsigned transaction spending the
// wallet's coins, sized and priced as it will be once signed.
//
// - Coins are chosen by SelectCoins (coin_selection.h).
// - The fee is FeeFor(fee_rate, vsize) of the transaction with dummy signatures of the
//   largest size (72 bytes with hash type for ECDSA, 64 for Schnorr SIGHASH_DEFAULT), so the
//   signed transaction is never smaller-paying than planned: its fee rate is at least the
//   requested one and above it by less than 1 sat/vB.
// - Change goes to `change_script` only when it is worth an output: at least the change
//   output's dust threshold and more than the fee of spending it later (Core's
//   min_viable_change); otherwise it is left to the fee.
// - Recipients with subtract_fee_from_amount pay the fee between them in equal shares, the
//   first of them also the indivisible remainder (as Core does).
// - Inputs and outputs are shuffled (the change position is random); every nSequence is
//   0xfffffffd (BIP125 replaceable, nLockTime enforced); nLockTime is the caller's tip
//   height, so a reorg-and-steal miner cannot include it below the tip (anti fee sniping).
//
// Error messages are Bitcoin Core's. Pure function of its arguments and the RNG; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wallet/coin_selection.h"
#include "bitcoin/wallet/output_type.h"
#include "bitcoin/wallet/wallet_error.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wallet {

// BIP125 opt-in replace-by-fee; also makes nLockTime count.
inline constexpr uint32_t WALLET_TX_SEQUENCE = 0xfffffffd;
// Core's -consolidatefeerate: the rate at which inputs are assumed to be spendable later.
inline constexpr primitives::Amount DEFAULT_LONG_TERM_FEE_RATE = 10'000;  // sat per 1000 vB
// Core's -discardfee: values of change below the cost of spending them at this rate are dropped.
inline constexpr primitives::Amount DEFAULT_DISCARD_FEE_RATE = 10'000;  // sat per 1000 vB
// Core's -maxtxfee: the most fee one transaction may pay; guards against a typo in a fee
// rate emptying the wallet into fees.
inline constexpr primitives::Amount DEFAULT_MAX_TX_FEE = primitives::COIN / 10;
// Core's minimum relay fee (1 sat/vB): a transaction below it would not be relayed.
inline constexpr primitives::Amount MIN_WALLET_FEE_RATE = 1000;  // sat per 1000 vB

struct Recipient {
    util::Bytes script_pubkey;
    primitives::Amount amount = 0;
    bool subtract_fee_from_amount = false;
};

// A coin the wallet can spend, with where its key lives.
struct SpendableCoin {
    primitives::OutPoint outpoint;
    primitives::TxOut txout;
    KeyOrigin origin;
};

struct TxBuildParams {
    std::vector<Recipient> recipients;
    policy::FeeRate fee_rate{MIN_WALLET_FEE_RATE};
    policy::FeeRate long_term_fee_rate{DEFAULT_LONG_TERM_FEE_RATE};
    policy::FeeRate discard_fee_rate{DEFAULT_DISCARD_FEE_RATE};
    util::Bytes change_script;
    OutputType change_type = OutputType::Bech32;
    uint32_t lock_time = 0;
    primitives::Amount max_tx_fee = DEFAULT_MAX_TX_FEE;
};

struct BuiltTx {
    primitives::Tx tx;                  // unsigned: empty scriptSigs and witnesses
    std::vector<SpendableCoin> inputs;  // inputs[i] is what tx.inputs[i] spends
    primitives::Amount fee = 0;
    int change_pos = -1;          // index of the change output, -1 if none
    int64_t estimated_vsize = 0;  // with dummy signatures of the largest size
    SelectionResult selection;
};

util::Result<BuiltTx, WalletError> BuildTransaction(const TxBuildParams& params,
                                                    const std::vector<SpendableCoin>& coins, WalletRng& rng);

// Copy of `tx` with dummy witnesses of the largest signature sizes for each input type, for
// measuring (input types in `inputs`, in order).
primitives::Tx WithDummySignatures(const primitives::Tx& tx, const std::vector<SpendableCoin>& inputs);

// "1.000 sat/vB", as Core prints fee rates in errors.
std::string FormatSatPerVb(policy::FeeRate rate);

}  // namespace tonari::bitcoin::wallet
