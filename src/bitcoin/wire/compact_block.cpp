// BIP152 message encoding and short ids (see compact_block.h).
#include "bitcoin/wire/compact_block.h"

#include <cassert>
#include <limits>

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/wire/codec.h"
#include "crypto/sha256.h"
#include "crypto/siphash.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {
namespace {

// The smallest serialized transaction: version, empty input and output counts, locktime.
constexpr size_t MIN_TX_SIZE = 10;

// Differential index encoding (BIP152): each index is written as its distance from the
// previous index + 1. `next` is the smallest index the following entry may take.
void WriteIndex(util::ByteWriter& w, uint32_t index, uint64_t& next) {
    assert(index >= next && index <= MAX_COMPACT_INDEX);  // strictly increasing, fits uint16_t
    encoding::WriteCompactSize(w, index - next);
    next = uint64_t{index} + 1;
}

util::Result<uint32_t, WireError> ReadIndex(util::ByteReader& r, uint64_t& next) {
    // The gap is read as a plain CompactSize (Core range-checks it at MAX_SIZE, but any gap
    // that large overflows 16 bits anyway, so every such case is the same Malformed).
    const auto gap = detail::ReadCompactSize(r, std::numeric_limits<uint64_t>::max());
    if (!gap) return util::Fail(gap.error());
    if (*gap > MAX_COMPACT_INDEX || next + *gap > MAX_COMPACT_INDEX) {
        return util::Fail(WireError::Malformed);
    }
    const auto index = static_cast<uint32_t>(next + *gap);
    next = uint64_t{index} + 1;
    return index;
}

void ReadHash(util::ByteReader& r, primitives::BlockHash& hash) { r.ReadInto(hash.get().mutable_span()); }

}  // namespace

util::Bytes CmpctBlockMsg::Encode() const {
    util::ByteWriter w;
    primitives::EncodeHeader(w, header);
    w.WriteU64LE(nonce);
    encoding::WriteCompactSize(w, short_ids.size());
    for (uint64_t id : short_ids) {
        assert((id & ~SHORT_ID_MASK) == 0);
        w.WriteU32LE(static_cast<uint32_t>(id));
        w.WriteU16LE(static_cast<uint16_t>(id >> 32));
    }
    encoding::WriteCompactSize(w, prefilled.size());
    uint64_t next = 0;
    for (const PrefilledTx& p : prefilled) {
        WriteIndex(w, p.index, next);
        primitives::EncodeTx(w, p.tx, /*with_witness=*/true);
    }
    return w.Take();
}

util::Result<CmpctBlockMsg, WireError> CmpctBlockMsg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    CmpctBlockMsg m;
    m.header = primitives::DecodeHeader(r);
    m.nonce = r.ReadU64LE();
    if (r.failed()) return util::Fail(WireError::Truncated);

    // The 16-bit limit is checked before the remaining-bytes check, so an unindexable block is
    // reported as such even when the message is also short.
    const auto n_short = detail::ReadCount(r, MAX_COMPACT_INDEX, SHORT_ID_SIZE);
    if (!n_short) return util::Fail(n_short.error());
    m.short_ids.resize(*n_short);
    for (uint64_t& id : m.short_ids) {
        const uint64_t lo = r.ReadU32LE();
        const uint64_t hi = r.ReadU16LE();
        id = lo | (hi << 32);
    }
    if (r.failed()) return util::Fail(WireError::Truncated);

    const auto n_prefilled = detail::ReadCount(r, MAX_COMPACT_INDEX, 1 + MIN_TX_SIZE);
    if (!n_prefilled) return util::Fail(n_prefilled.error());
    // Core: "indexes overflowed 16 bits" when the block would have more than 65535 transactions.
    if (*n_short + *n_prefilled > MAX_COMPACT_INDEX) return util::Fail(WireError::TooMany);
    m.prefilled.reserve(*n_prefilled);
    uint64_t next = 0;
    for (uint64_t i = 0; i < *n_prefilled; ++i) {
        const auto index = ReadIndex(r, next);
        if (!index) return util::Fail(index.error());
        auto tx = primitives::DecodeTx(r);
        if (!tx) return util::Fail(detail::FromDecodeError(tx.error()));
        m.prefilled.push_back(PrefilledTx{*index, std::move(*tx)});
    }
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

util::Bytes GetBlockTxnMsg::Encode() const {
    util::ByteWriter w(32 + 9 + indexes.size() * 3);
    w.WriteBytes(block_hash.get().span());
    encoding::WriteCompactSize(w, indexes.size());
    uint64_t next = 0;
    for (uint32_t index : indexes) WriteIndex(w, index, next);
    return w.Take();
}

util::Result<GetBlockTxnMsg, WireError> GetBlockTxnMsg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    GetBlockTxnMsg m;
    ReadHash(r, m.block_hash);
    if (r.failed()) return util::Fail(WireError::Truncated);
    // More than 65536 strictly increasing indexes cannot fit 16 bits; the loop below would
    // find that too, but only after reserving for the count.
    const auto count = detail::ReadCount(r, encoding::MAX_COMPACT_SIZE, 1);
    if (!count) return util::Fail(count.error());
    if (*count > uint64_t{MAX_COMPACT_INDEX} + 1) return util::Fail(WireError::Malformed);
    m.indexes.reserve(*count);
    uint64_t next = 0;
    for (uint64_t i = 0; i < *count; ++i) {
        const auto index = ReadIndex(r, next);
        if (!index) return util::Fail(index.error());
        m.indexes.push_back(*index);
    }
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

util::Bytes BlockTxnMsg::Encode() const {
    util::ByteWriter w;
    w.WriteBytes(block_hash.get().span());
    encoding::WriteCompactSize(w, txs.size());
    for (const primitives::Tx& tx : txs) primitives::EncodeTx(w, tx, /*with_witness=*/true);
    return w.Take();
}

util::Result<BlockTxnMsg, WireError> BlockTxnMsg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    BlockTxnMsg m;
    ReadHash(r, m.block_hash);
    if (r.failed()) return util::Fail(WireError::Truncated);
    const auto count = detail::ReadCount(r, encoding::MAX_COMPACT_SIZE, MIN_TX_SIZE);
    if (!count) return util::Fail(count.error());
    m.txs.reserve(*count);
    for (uint64_t i = 0; i < *count; ++i) {
        auto tx = primitives::DecodeTx(r);
        if (!tx) return util::Fail(detail::FromDecodeError(tx.error()));
        m.txs.push_back(std::move(*tx));
    }
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

ShortIdKeys ComputeShortIdKeys(const primitives::BlockHeader& header, uint64_t nonce) {
    util::ByteWriter w(primitives::BlockHeader::SIZE + 8);
    primitives::EncodeHeader(w, header);
    w.WriteU64LE(nonce);
    const util::Uint256 digest(crypto::Sha256Hash(w.data()));
    return ShortIdKeys{digest.GetUint64(0), digest.GetUint64(1)};
}

uint64_t ShortTxId(const ShortIdKeys& keys, const util::Uint256& wtxid) {
    return crypto::SipHash24Uint256(keys.k0, keys.k1, wtxid) & SHORT_ID_MASK;
}

}  // namespace tonari::bitcoin::wire
