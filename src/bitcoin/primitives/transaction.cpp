// Transaction (de)serialization per BIP144 and the hashes and sizes derived from it.
#include "bitcoin/primitives/transaction.h"

#include <algorithm>

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/primitives/hash_writer.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::primitives {
namespace {

using encoding::ReadCompactSize;
using util::ByteReader;
using util::Bytes;

// Smallest possible serialized input (32 txid + 4 index + 1 script length + 4 sequence) and
// output (8 value + 1 script length): counts are checked against these before allocating, so
// a few bytes claiming millions of inputs cannot exhaust memory.
constexpr size_t MIN_TXIN_SIZE = 41;
constexpr size_t MIN_TXOUT_SIZE = 9;

// Counts the bytes a serialization would have, without storing them.
class SizeCounter {
public:
    void WriteU8(uint8_t) { m_size += 1; }
    void WriteU32LE(uint32_t) { m_size += 4; }
    void WriteI64LE(int64_t) { m_size += 8; }
    void WriteU64LE(uint64_t) { m_size += 8; }
    void WriteU16LE(uint16_t) { m_size += 2; }
    void WriteBytes(util::ByteSpan b) { m_size += b.size(); }
    size_t size() const { return m_size; }

private:
    size_t m_size = 0;
};

template <typename Writer>
void WriteVarBytes(Writer& w, util::ByteSpan b) {
    encoding::WriteCompactSize(w, b.size());
    w.WriteBytes(b);
}

Bytes ReadVarBytes(ByteReader& r) {
    const uint64_t len = ReadCompactSize(r);
    if (!r.CheckCount(len, 1)) return {};
    return r.ReadBytes(len);
}

void ReadInputs(ByteReader& r, std::vector<TxIn>& inputs, uint64_t count) {
    if (!r.CheckCount(count, MIN_TXIN_SIZE)) return;
    inputs.resize(count);
    for (TxIn& in : inputs) {
        r.ReadInto(in.prevout.txid.get().mutable_span());
        in.prevout.index = r.ReadU32LE();
        in.script_sig = ReadVarBytes(r);
        in.sequence = r.ReadU32LE();
        if (r.failed()) return;
    }
}

void ReadOutputs(ByteReader& r, std::vector<TxOut>& outputs) {
    const uint64_t count = ReadCompactSize(r);
    if (!r.CheckCount(count, MIN_TXOUT_SIZE)) return;
    outputs.resize(count);
    for (TxOut& out : outputs) {
        out.value = r.ReadI64LE();
        out.script_pubkey = ReadVarBytes(r);
        if (r.failed()) return;
    }
}

void ReadWitness(ByteReader& r, std::vector<Bytes>& stack) {
    const uint64_t items = ReadCompactSize(r);
    if (!r.CheckCount(items, 1)) return;
    stack.resize(items);
    for (Bytes& item : stack) {
        item = ReadVarBytes(r);
        if (r.failed()) return;
    }
}

}  // namespace

std::string_view DecodeErrorMessage(DecodeError e) {
    switch (e) {
        case DecodeError::Truncated: return "data truncated or a length exceeds the data";
        case DecodeError::TrailingBytes: return "unexpected trailing data";
        case DecodeError::UnknownWitnessFlag: return "unknown transaction optional data";
        case DecodeError::SuperfluousWitness: return "superfluous witness record";
    }
    return "unknown decode error";
}

bool Tx::HasWitness() const {
    return std::any_of(inputs.begin(), inputs.end(), [](const TxIn& in) { return !in.witness.empty(); });
}

template <typename Writer>
void EncodeTx(Writer& w, const Tx& tx, bool with_witness) {
    const bool witness = with_witness && tx.HasWitness();
    w.WriteU32LE(tx.version);
    if (witness) {
        w.WriteU8(0x00);  // BIP144 marker
        w.WriteU8(0x01);  // flag
    }
    encoding::WriteCompactSize(w, tx.inputs.size());
    for (const TxIn& in : tx.inputs) {
        w.WriteBytes(in.prevout.txid.get().span());
        w.WriteU32LE(in.prevout.index);
        WriteVarBytes(w, in.script_sig);
        w.WriteU32LE(in.sequence);
    }
    encoding::WriteCompactSize(w, tx.outputs.size());
    for (const TxOut& out : tx.outputs) {
        w.WriteI64LE(out.value);
        WriteVarBytes(w, out.script_pubkey);
    }
    if (witness) {
        for (const TxIn& in : tx.inputs) {
            encoding::WriteCompactSize(w, in.witness.size());
            for (const Bytes& item : in.witness) WriteVarBytes(w, item);
        }
    }
    w.WriteU32LE(tx.locktime);
}

template void EncodeTx<util::ByteWriter>(util::ByteWriter&, const Tx&, bool);
template void EncodeTx<HashWriter>(HashWriter&, const Tx&, bool);
template void EncodeTx<SizeCounter>(SizeCounter&, const Tx&, bool);

util::Result<Tx, DecodeError> DecodeTx(ByteReader& r) {
    Tx tx;
    tx.version = r.ReadU32LE();
    uint64_t n_inputs = ReadCompactSize(r);
    uint8_t flags = 0;
    if (n_inputs == 0 && !r.failed()) {
        // Either a BIP144 marker or a genuinely empty input list; the flag byte decides.
        flags = r.ReadU8();
        if (r.failed()) return util::Fail(DecodeError::Truncated);
        if (flags == 0) {
            // An empty input list followed by a zero byte: Bitcoin Core reads this as no
            // inputs and no outputs (the zero doubles as the output count), then the locktime.
            tx.locktime = r.ReadU32LE();
            if (r.failed()) return util::Fail(DecodeError::Truncated);
            return tx;
        }
        n_inputs = ReadCompactSize(r);
    }
    ReadInputs(r, tx.inputs, n_inputs);
    ReadOutputs(r, tx.outputs);
    if (flags & 1) {
        flags ^= 1;
        for (TxIn& in : tx.inputs) ReadWitness(r, in.witness);
        if (!r.failed() && !tx.HasWitness()) return util::Fail(DecodeError::SuperfluousWitness);
    }
    if (flags != 0) return util::Fail(DecodeError::UnknownWitnessFlag);
    tx.locktime = r.ReadU32LE();
    if (r.failed()) return util::Fail(DecodeError::Truncated);
    return tx;
}

util::Result<Tx, DecodeError> DecodeTx(util::ByteSpan bytes) {
    ByteReader r(bytes);
    auto tx = DecodeTx(r);
    if (!tx) return tx;
    if (!r.empty()) return util::Fail(DecodeError::TrailingBytes);
    return tx;
}

util::Bytes SerializeTx(const Tx& tx, bool with_witness) {
    util::ByteWriter w(SerializedSize(tx, with_witness));
    EncodeTx(w, tx, with_witness);
    return w.Take();
}

Txid ComputeTxid(const Tx& tx) {
    HashWriter h;
    EncodeTx(h, tx, false);
    return Txid(h.GetHashD());
}

Wtxid ComputeWtxid(const Tx& tx) {
    HashWriter h;
    EncodeTx(h, tx, true);
    return Wtxid(h.GetHashD());
}

size_t SerializedSize(const Tx& tx, bool with_witness) {
    SizeCounter c;
    EncodeTx(c, tx, with_witness);
    return c.size();
}

size_t SerializedSize(const TxOut& out) {
    return sizeof(Amount) + encoding::CompactSizeLength(out.script_pubkey.size()) + out.script_pubkey.size();
}

int64_t TxWeight(const Tx& tx) {
    const auto base = static_cast<int64_t>(SerializedSize(tx, false));
    const auto total = static_cast<int64_t>(SerializedSize(tx, true));
    return base * (WITNESS_SCALE_FACTOR - 1) + total;
}

int64_t TxVirtualSize(const Tx& tx) {
    return (TxWeight(tx) + WITNESS_SCALE_FACTOR - 1) / WITNESS_SCALE_FACTOR;
}

}  // namespace tonari::bitcoin::primitives
