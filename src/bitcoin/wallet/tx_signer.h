// SignTransaction: fills in the witness of every input of a transaction the wallet built.
//   P2WPKH: BIP143 sighash with SIGHASH_ALL, ECDSA (RFC 6979 nonce, low S), witness
//           <DER signature || 0x01> <33-byte key>.
//   P2TR key path: BIP341 sighash with SIGHASH_DEFAULT, BIP340 signature by the BIP86-tweaked
//           key (fresh auxiliary randomness), witness <64-byte signature>.
// Each input's key is found by looking its spent output's script up in the keychain's window.
//
// Secret keys exist only inside this call. Thread-safe for distinct transactions (the
// keychain is only read).
#pragma once

#include <span>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wallet/keychain.h"
#include "bitcoin/wallet/wallet_error.h"
#include "util/result.h"

namespace tonari::bitcoin::wallet {

// `spent[i]` is the output tx.inputs[i] spends; spent.size() must equal tx.inputs.size().
// Fails (SigningFailed) if an input spends a script the keychain does not know.
util::Result<void, WalletError> SignTransaction(primitives::Tx& tx, std::span<const primitives::TxOut> spent,
                                                const Keychain& keychain);

}  // namespace tonari::bitcoin::wallet
