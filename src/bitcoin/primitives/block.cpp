// Block and header serialization.
#include "bitcoin/primitives/block.h"

#include "bitcoin/encoding/compact_size.h"
#include "crypto/sha256.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::primitives {
namespace {

// The smallest transaction that can be serialized (4 version + 1 + 41 input + 1 + 9 output
// + 4 locktime). A block's transaction count is checked against it before allocating.
constexpr size_t MIN_TX_SIZE = 60;

}  // namespace

void EncodeHeader(util::ByteWriter& w, const BlockHeader& h) {
    w.WriteI32LE(h.version);
    w.WriteBytes(h.prev_block.get().span());
    w.WriteBytes(h.merkle_root.span());
    w.WriteU32LE(h.time);
    w.WriteU32LE(h.bits);
    w.WriteU32LE(h.nonce);
}

util::Bytes SerializeHeader(const BlockHeader& h) {
    util::ByteWriter w(BlockHeader::SIZE);
    EncodeHeader(w, h);
    return w.Take();
}

BlockHash BlockHeader::ComputeHash() const {
    uint8_t buf[SIZE];
    util::ByteWriter w(SIZE);
    EncodeHeader(w, *this);
    std::copy(w.data().begin(), w.data().end(), buf);
    return BlockHash(crypto::Sha256d({buf, SIZE}));
}

BlockHeader DecodeHeader(util::ByteReader& r) {
    BlockHeader h;
    h.version = r.ReadI32LE();
    r.ReadInto(h.prev_block.get().mutable_span());
    r.ReadInto(h.merkle_root.mutable_span());
    h.time = r.ReadU32LE();
    h.bits = r.ReadU32LE();
    h.nonce = r.ReadU32LE();
    return h;
}

util::Result<BlockHeader, DecodeError> DecodeHeader(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    BlockHeader h = DecodeHeader(r);
    if (r.failed()) return util::Fail(DecodeError::Truncated);
    if (!r.empty()) return util::Fail(DecodeError::TrailingBytes);
    return h;
}

util::Bytes SerializeBlock(const Block& b, bool with_witness) {
    util::ByteWriter w(SerializedSize(b, with_witness));
    EncodeHeader(w, b.header);
    encoding::WriteCompactSize(w, b.txs.size());
    for (const Tx& tx : b.txs) EncodeTx(w, tx, with_witness);
    return w.Take();
}

util::Result<Block, DecodeError> DecodeBlock(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    Block b;
    b.header = DecodeHeader(r);
    const uint64_t n_tx = encoding::ReadCompactSize(r);
    if (!r.CheckCount(n_tx, MIN_TX_SIZE)) return util::Fail(DecodeError::Truncated);
    b.txs.reserve(n_tx);
    for (uint64_t i = 0; i < n_tx; ++i) {
        auto tx = DecodeTx(r);
        if (!tx) return util::Fail(tx.error());
        b.txs.push_back(std::move(*tx));
    }
    if (r.failed()) return util::Fail(DecodeError::Truncated);
    if (!r.empty()) return util::Fail(DecodeError::TrailingBytes);
    return b;
}

size_t SerializedSize(const Block& b, bool with_witness) {
    size_t size = BlockHeader::SIZE + encoding::CompactSizeLength(b.txs.size());
    for (const Tx& tx : b.txs) size += SerializedSize(tx, with_witness);
    return size;
}

int64_t BlockWeight(const Block& b) {
    const auto base = static_cast<int64_t>(SerializedSize(b, false));
    const auto total = static_cast<int64_t>(SerializedSize(b, true));
    return base * (WITNESS_SCALE_FACTOR - 1) + total;
}

}  // namespace tonari::bitcoin::primitives
