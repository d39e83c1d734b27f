// Why a transaction or block is invalid, as typed values. Peer scoring and the chain's
// invalid-block cache switch on these; ReasonString gives Bitcoin Core's reject reason so
// logs, RPC errors and interop tests read the same as Core's.
//
// The context-free reasons are produced here (tx_check, block_check); the contextual ones
// are listed now so chain/ and mempool/ report through the same enums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tonari::bitcoin::consensus {

enum class TxError {
    // Context-free (CheckTransaction).
    VinEmpty,            // bad-txns-vin-empty
    VoutEmpty,           // bad-txns-vout-empty
    Oversize,            // bad-txns-oversize
    VoutNegative,        // bad-txns-vout-negative
    VoutTooLarge,        // bad-txns-vout-toolarge
    TxoutTotalTooLarge,  // bad-txns-txouttotal-toolarge
    InputsDuplicate,     // bad-txns-inputs-duplicate
    CoinbaseLength,      // bad-cb-length
    PrevoutNull,         // bad-txns-prevout-null
    // Contextual (need the UTXO set or the chain tip).
    InputsMissingOrSpent,    // bad-txns-inputs-missingorspent
    PrematureCoinbaseSpend,  // bad-txns-premature-spend-of-coinbase
    InputValuesOutOfRange,   // bad-txns-inputvalues-outofrange
    InBelowOut,              // bad-txns-in-belowout
    FeeOutOfRange,           // bad-txns-fee-outofrange
    NonFinal,                // bad-txns-nonfinal
};

enum class BlockError {
    // Context-free (CheckBlockHeader, CheckBlock).
    HighHash,          // high-hash: hash above target, or nBits invalid for the network
    BadMerkleRoot,     // bad-txnmrklroot (mutation: the header may be fine)
    DuplicateTx,       // bad-txns-duplicate: CVE-2012-2459 merkle mutation
    BadLength,         // bad-blk-length
    CoinbaseMissing,   // bad-cb-missing
    CoinbaseMultiple,  // bad-cb-multiple
    BadTransaction,    // a transaction failed CheckTransaction: see tx_error
    TooManySigops,     // bad-blk-sigops
    // Contextual (chain/: need the previous block, the time or the UTXO set).
    BadDiffBits,               // bad-diffbits
    TimeTooOld,                // time-too-old
    TimeTooNew,                // time-too-new
    TimewarpAttack,            // time-timewarp-attack (BIP94)
    BadVersion,                // bad-version (Core appends the version: "bad-version(0x...)")
    BadCoinbaseHeight,         // bad-cb-height (BIP34)
    NonFinalTx,                // bad-txns-nonfinal
    BadWitnessNonceSize,       // bad-witness-nonce-size
    BadWitnessMerkleMatch,     // bad-witness-merkle-match
    UnexpectedWitness,         // unexpected-witness
    BadWeight,                 // bad-blk-weight
    BadSignetSignature,        // bad-signet-blksig (BIP325)
    Bip30,                     // bad-txns-BIP30: overwrites an unspent transaction
    BadCoinbaseAmount,         // bad-cb-amount
    AccumulatedFeeOutOfRange,  // bad-txns-accumulated-fee-outofrange
    PrevBlockNotFound,         // prev-blk-not-found
    BadPrevBlock,              // bad-prevblk: builds on an invalid block
    ScriptVerifyFailed,        // mandatory-script-verify-flag-failed: see tx_index, input_index, script_error
    NonBip68FinalTx,           // bad-txns-nonfinal (a relative lock time not yet reached)
};

// A block's failure. For BadTransaction, tx_error and tx_index say which transaction failed
// and why (Core reports the transaction's own reason as the block's).
struct BlockValidationError {
    BlockError reason = BlockError::HighHash;
    TxError tx_error = TxError::VinEmpty;  // meaningful only for BadTransaction
    size_t tx_index = 0;                   // meaningful for BadTransaction and ScriptVerifyFailed
    size_t input_index = 0;                // meaningful only for ScriptVerifyFailed
    uint8_t script_error = 0;              // a script::ScriptError, for ScriptVerifyFailed

    friend bool operator==(const BlockValidationError&, const BlockValidationError&) = default;
};

// A rejection that needs no transaction or input position.
inline BlockValidationError BlockRejection(BlockError reason) { return BlockValidationError{.reason = reason}; }

std::string_view ReasonString(TxError e);
// BadTransaction alone has no Core string ("bad-txns" is returned); prefer the overload below.
std::string_view ReasonString(BlockError e);
// Core's reject reason for the block: the transaction's reason for BadTransaction.
std::string_view ReasonString(const BlockValidationError& e);

// True for the failures that do not prove the header invalid: the transactions received did
// not match the header (a peer may have mangled them), so the block hash must not be cached
// as invalid or the real block would be refused when it arrives.
bool IsMutation(BlockError e);

}  // namespace tonari::bitcoin::consensus
