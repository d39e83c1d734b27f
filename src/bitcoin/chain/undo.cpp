// Undo data serialization, record checksum and ApplyTxInUndo.
#include "bitcoin/chain/undo.h"

#include <algorithm>
#include <cassert>

#include "bitcoin/primitives/hash_writer.h"

namespace tonari::bitcoin::chain {
namespace {

// Reads a count and checks that `count` items of at least `min_item_size` bytes could fit.
util::Result<uint64_t, CoinsDecodeError> ReadCount(util::ByteReader& r, size_t min_item_size) {
    auto count = ReadVarInt(r);
    if (!count) return count;
    if (!r.CheckCount(*count, min_item_size)) return util::Fail(CoinsDecodeError::Truncated);
    return count;
}

}  // namespace

void EncodeTxUndo(util::ByteWriter& w, const TxUndo& undo) {
    assert(!undo.spent.empty());
    WriteVarInt(w, undo.spent.size());
    for (const Coin& coin : undo.spent) EncodeCoin(w, coin);
}

void EncodeBlockUndo(util::ByteWriter& w, const BlockUndo& undo) {
    WriteVarInt(w, undo.txs.size());
    for (const TxUndo& tx : undo.txs) EncodeTxUndo(w, tx);
}

util::Bytes SerializeBlockUndo(const BlockUndo& undo) {
    util::ByteWriter w;
    EncodeBlockUndo(w, undo);
    return w.Take();
}

util::Result<TxUndo, CoinsDecodeError> DecodeTxUndo(util::ByteReader& r) {
    auto count = ReadCount(r, MIN_STORED_COIN_SIZE);
    if (!count) return util::Fail(count.error());
    // Every non-coinbase transaction spends at least one coin.
    if (*count == 0) {
        r.Fail();
        return util::Fail(CoinsDecodeError::EmptyTxUndo);
    }
    TxUndo undo;
    undo.spent.reserve(*count);
    for (uint64_t i = 0; i < *count; ++i) {
        auto coin = DecodeCoin(r);
        if (!coin) return util::Fail(coin.error());
        undo.spent.push_back(std::move(*coin));
    }
    return undo;
}

util::Result<BlockUndo, CoinsDecodeError> DecodeBlockUndo(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    // A TxUndo is at least a one-byte count and one coin.
    auto count = ReadCount(r, 1 + MIN_STORED_COIN_SIZE);
    if (!count) return util::Fail(count.error());
    BlockUndo undo;
    undo.txs.reserve(*count);
    for (uint64_t i = 0; i < *count; ++i) {
        auto tx = DecodeTxUndo(r);
        if (!tx) return util::Fail(tx.error());
        undo.txs.push_back(std::move(*tx));
    }
    if (!r.empty()) return util::Fail(CoinsDecodeError::TrailingBytes);
    return undo;
}

util::Uint256 UndoChecksum(const primitives::BlockHash& prev_block_hash, util::ByteSpan undo_bytes) {
    primitives::HashWriter h;
    h.WriteBytes(prev_block_hash.get().span());
    h.WriteBytes(undo_bytes);
    return h.GetHashD();
}

util::Bytes MakeUndoRecord(const primitives::BlockHash& prev_block_hash, const BlockUndo& undo) {
    util::Bytes record = SerializeBlockUndo(undo);
    const util::Uint256 checksum = UndoChecksum(prev_block_hash, record);
    util::Append(record, checksum.span());
    return record;
}

util::Result<BlockUndo, CoinsDecodeError> ReadUndoRecord(const primitives::BlockHash& prev_block_hash,
                                                         util::ByteSpan record) {
    if (record.size() < UNDO_CHECKSUM_SIZE) return util::Fail(CoinsDecodeError::Truncated);
    const util::ByteSpan body = record.first(record.size() - UNDO_CHECKSUM_SIZE);
    const util::ByteSpan stored = record.last(UNDO_CHECKSUM_SIZE);
    const util::Uint256 expected = UndoChecksum(prev_block_hash, body);
    if (!std::equal(stored.begin(), stored.end(), expected.begin())) {
        return util::Fail(CoinsDecodeError::ChecksumMismatch);
    }
    return DecodeBlockUndo(body);
}

UndoApplyResult ApplyTxInUndo(CoinsViewCache& cache, const primitives::OutPoint& outpoint, Coin undo) {
    const bool clean = !cache.HaveCoin(outpoint);
    // We have just looked: overwriting is allowed exactly when a coin is there.
    const bool added = cache.AddCoin(outpoint, std::move(undo), /*possible_overwrite=*/!clean);
    assert(added);
    (void)added;
    return clean ? UndoApplyResult::Clean : UndoApplyResult::Unclean;
}

}  // namespace tonari::bitcoin::chain
