// WalletTx: a transaction the wallet keeps (it pays one of the wallet's scripts or spends one
// of its coins) with where it stands relative to the chain, and its stored form.
//
// States follow Bitcoin Core's wallet (TxStateConfirmed / InMempool / Inactive /
// BlockConflicted):
//   Confirmed   in a block of the active chain (block hash, height, position, time kept)
//   InMempool   unconfirmed and in the node's mempool
//   Inactive    unconfirmed and not known to be in the mempool (just created, removed from
//               the mempool, or disconnected by a reorg); `abandoned` frees its inputs
//   Conflicted  a transaction in a block spends one of its inputs (block kept)
// InMempool is not trusted across a restart: loading turns it into Inactive until the node
// tells the wallet again (the mempool itself may be gone).
// Plain values; the record codec is a pure function.
#pragma once

#include <cstdint>
#include <optional>

#include "bitcoin/primitives/ids.h"
#include "bitcoin/primitives/transaction.h"
#include "util/bytes.h"

namespace tonari::bitcoin::wallet {

enum class TxState : uint8_t { Confirmed = 0, InMempool = 1, Inactive = 2, Conflicted = 3 };

struct WalletTx {
    primitives::Tx tx;
    primitives::Txid txid;
    TxState state = TxState::Inactive;
    // Confirmed: the block containing it. Conflicted: the block containing the conflict.
    primitives::BlockHash block_hash;
    int32_t block_height = -1;
    uint32_t block_index = 0;   // position in its block (Confirmed only)
    uint32_t block_time = 0;    // header time of that block
    int64_t time_received = 0;  // when the wallet first saw it (seconds since the epoch)
    uint64_t order_pos = 0;     // insertion order (listtransactions order)
    bool abandoned = false;     // Inactive only: the user gave up on it

    bool IsCoinbase() const { return tx.IsCoinbase(); }
    // Core's "time": when it was received, or the block time if the block came first (a
    // rescan or restore).
    int64_t SmartTime() const;
};

// Stored form: version byte, state fields, then the transaction (witness serialization).
util::Bytes EncodeWalletTx(const WalletTx& wtx);
// nullopt for bytes that are not a record this version wrote (corruption).
std::optional<WalletTx> DecodeWalletTx(util::ByteSpan bytes);

}  // namespace tonari::bitcoin::wallet
