// Transactions: the value types, BIP144 (segwit) serialization, txid/wtxid and weight.
//
// Tx is a plain value; hashes are computed on demand by streaming the serialization into
// SHA-256 (no buffer). Decoding never throws and never allocates more than the input could
// hold: every count is checked against the bytes remaining before a vector is sized.
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/decode_error.h"
#include "bitcoin/primitives/ids.h"
#include "util/byte_reader.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::primitives {

struct OutPoint {
    Txid txid;
    uint32_t index = NULL_INDEX;

    static constexpr uint32_t NULL_INDEX = 0xffffffff;
    bool IsNull() const { return txid.IsNull() && index == NULL_INDEX; }
    friend bool operator==(const OutPoint&, const OutPoint&) = default;
    friend auto operator<=>(const OutPoint&, const OutPoint&) = default;
};

struct TxIn {
    static constexpr uint32_t SEQUENCE_FINAL = 0xffffffff;

    OutPoint prevout;
    util::Bytes script_sig;
    uint32_t sequence = SEQUENCE_FINAL;
    std::vector<util::Bytes> witness;  // BIP141 witness stack, empty when none

    friend bool operator==(const TxIn&, const TxIn&) = default;
};

struct TxOut {
    Amount value = 0;
    util::Bytes script_pubkey;

    friend bool operator==(const TxOut&, const TxOut&) = default;
};

struct Tx {
    uint32_t version = 2;
    std::vector<TxIn> inputs;
    std::vector<TxOut> outputs;
    uint32_t locktime = 0;

    bool IsCoinbase() const { return inputs.size() == 1 && inputs[0].prevout.IsNull(); }
    bool HasWitness() const;
    friend bool operator==(const Tx&, const Tx&) = default;
};

// Weight units per byte of non-witness data (BIP141).
inline constexpr int WITNESS_SCALE_FACTOR = 4;

// Decodes one transaction from the reader (witness serialization accepted), leaving the reader
// after it. Used for transactions inside blocks and messages.
util::Result<Tx, DecodeError> DecodeTx(util::ByteReader& reader);
// Decodes exactly one transaction: trailing bytes are an error.
util::Result<Tx, DecodeError> DecodeTx(util::ByteSpan bytes);

util::Bytes SerializeTx(const Tx& tx, bool with_witness = true);

Txid ComputeTxid(const Tx& tx);
Wtxid ComputeWtxid(const Tx& tx);

size_t SerializedSize(const Tx& tx, bool with_witness = true);
// An output as serialized: value (8 bytes), CompactSize script length, script.
size_t SerializedSize(const TxOut& out);
int64_t TxWeight(const Tx& tx);
int64_t TxVirtualSize(const Tx& tx);  // ceil(weight / 4)

// Serializer shared by ByteWriter and HashWriter (explicitly instantiated for both).
template <typename Writer>
void EncodeTx(Writer& w, const Tx& tx, bool with_witness);

}  // namespace tonari::bitcoin::primitives
