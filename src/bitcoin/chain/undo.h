// Undo data: what a block spent, so the block can be disconnected in a reorganisation.
//
// Connecting a block spends coins; the UTXO set forgets them. The chainstate keeps each
// block's spent coins as a BlockUndo (one TxUndo per non-coinbase transaction, each the
// coins its inputs spent, in input order) and, to disconnect, removes the block's outputs and
// puts those coins back (ApplyTxInUndo).
//
// Stored form (Tonari's own): varint(tx count), then per transaction varint(coin count) and
// that many coins in the coins.h format. A record on disk is those bytes followed by a
// 32-byte checksum SHA256d(prev_block_hash || undo bytes): a torn or misplaced write fails
// the checksum instead of silently restoring the wrong coins. Bitcoin Core checksums its undo
// records the same way, with the hash of the block's parent (pprev), which ties the record to
// a position in the chain; callers pass that hash here too.
//
// Decoding treats the bytes as untrusted (they come from disk): every count is checked
// against the bytes remaining before anything is allocated. Pure functions on values;
// thread-safe. ApplyTxInUndo mutates the cache it is given (validation strand only).
#pragma once

#include <vector>

#include "bitcoin/chain/coins.h"
#include "bitcoin/primitives/ids.h"
#include "util/blob.h"
#include "util/byte_writer.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

// The coins one transaction's inputs spent, in input order.
struct TxUndo {
    std::vector<Coin> spent;
    friend bool operator==(const TxUndo&, const TxUndo&) = default;
};

// One TxUndo per non-coinbase transaction of a block, in block order.
struct BlockUndo {
    std::vector<TxUndo> txs;
    friend bool operator==(const BlockUndo&, const BlockUndo&) = default;
};

// Smallest stored coin (height, amount and script code, one byte each). A corrupt count is
// checked against remaining / this size before a vector is sized, so a few bytes cannot make
// us reserve gigabytes.
inline constexpr size_t MIN_STORED_COIN_SIZE = 3;
// Checksum bytes after the undo data in a record.
inline constexpr size_t UNDO_CHECKSUM_SIZE = 32;

// Precondition: every coin satisfies EncodeCoin's precondition, every TxUndo is non-empty.
void EncodeTxUndo(util::ByteWriter& w, const TxUndo& undo);
void EncodeBlockUndo(util::ByteWriter& w, const BlockUndo& undo);
util::Bytes SerializeBlockUndo(const BlockUndo& undo);

util::Result<TxUndo, CoinsDecodeError> DecodeTxUndo(util::ByteReader& r);
// Exactly one BlockUndo: trailing bytes are an error.
util::Result<BlockUndo, CoinsDecodeError> DecodeBlockUndo(util::ByteSpan bytes);

// SHA256d(prev_block_hash (internal byte order) || undo_bytes).
util::Uint256 UndoChecksum(const primitives::BlockHash& prev_block_hash, util::ByteSpan undo_bytes);

// The stored record: serialized undo data, then its checksum.
util::Bytes MakeUndoRecord(const primitives::BlockHash& prev_block_hash, const BlockUndo& undo);
// Verifies the checksum (ChecksumMismatch; Truncated if shorter than a checksum), then decodes.
util::Result<BlockUndo, CoinsDecodeError> ReadUndoRecord(const primitives::BlockHash& prev_block_hash,
                                                         util::ByteSpan record);

enum class UndoApplyResult {
    Clean,    // the coin was put back where nothing was
    Unclean,  // an unspent coin already sat at the outpoint and was overwritten
};

// Puts one spent coin back at `outpoint` (Bitcoin Core's ApplyTxInUndo). Overwriting an
// unspent coin is reported, not refused: a disconnect that finds the UTXO set in an
// unexpected state (a crash mid-flush) still restores it, and says so.
UndoApplyResult ApplyTxInUndo(CoinsViewCache& cache, const primitives::OutPoint& outpoint, Coin undo);

}  // namespace tonari::bitcoin::chain
