// WalletError: why a wallet operation failed, as a code the RPC layer can switch on plus the
// message Bitcoin Core shows for the same failure (where Core has one).
//
// Two of the three error classes of CONVENTIONS rule 3 meet here and stay apart by code:
// invalid input from the user (amounts, mnemonics, unknown txids) and environment failures
// (StorageFailure, Corrupt: the disk, never the caller's fault). Plain values.
#pragma once

#include <string>
#include <utility>

namespace tonari::bitcoin::wallet {

enum class WalletErrorCode {
    // Invalid input from the user.
    InvalidParameter,   // malformed argument (no recipients, bad address type, ...)
    InvalidAmount,      // zero, negative or out-of-range amount
    AmountTooSmall,     // an output would be dust, or the fee eats a recipient's amount
    FeeRateTooLow,      // below the minimum relay fee rate
    FeeTooHigh,         // above the maximum fee the wallet will pay (Core's -maxtxfee)
    InsufficientFunds,  // spendable coins do not cover amount plus fee
    TxTooLarge,         // would exceed the standard transaction weight
    InvalidMnemonic,    // BIP39 words, checksum or passphrase rejected
    TxNotFound,         // txid not in the wallet
    TxNotAbandonable,   // confirmed or in the mempool
    KeypoolExhausted,   // the chain's 2^31 non-hardened indices are used up
    SigningFailed,      // a coin whose key this wallet cannot produce (a bug or corrupt store)
    // Opening and creating.
    AlreadyExists,  // Create on a store that already holds a wallet
    NotFound,       // Open on a store that holds no wallet
    WrongNetwork,   // the wallet was created for another network
    // Environment failures.
    Corrupt,         // stored records that do not decode
    StorageFailure,  // the key-value store failed to read or write
};

struct WalletError {
    WalletErrorCode code = WalletErrorCode::InvalidParameter;
    std::string message;

    static WalletError Make(WalletErrorCode code, std::string message) { return {code, std::move(message)}; }
};

}  // namespace tonari::bitcoin::wallet
