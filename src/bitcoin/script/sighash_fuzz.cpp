// libFuzzer target: the three signature hashes on arbitrary transactions, input indices and
// hash types must never crash, and must keep the invariants the consensus rules fix.
//
// Input layout: [input index: u8] [hash type: i32 LE] [mode: u8] [transaction] [tail]
//   The tail is the script code of the legacy and BIP143 hashes and the scriptPubKey of every
//   spent output. mode bit 0: spent outputs are known; bit 1: Init with force; bit 2: an annex;
//   bit 3: a tapscript extension (tapleaf hash, codeseparator position from bits 4-7).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/sighash.h"
#include "crypto/sha256.h"
#include "util/byte_reader.h"

using namespace tonari::bitcoin::script;
using tonari::bitcoin::primitives::DecodeTx;
using tonari::bitcoin::primitives::Tx;
using tonari::bitcoin::primitives::TxOut;
using tonari::util::Bytes;
using tonari::util::ByteSpan;
using tonari::util::Uint256;

namespace {

bool IsDefinedTaprootHashType(uint8_t t) {
    return t <= 0x03 || (t >= 0x81 && t <= 0x83);
}

// BIP341 SigMsg size, plus the epoch byte TaprootSignatureMessage puts first.
size_t ExpectedTaprootMessageSize(uint8_t hash_type, const TxOut& spent, const TaprootSighashExtra& extra) {
    const bool anyone_can_pay = (hash_type & SIGHASH_INPUT_MASK) == SIGHASH_ANYONECANPAY;
    const bool none = (hash_type & SIGHASH_OUTPUT_MASK) == SIGHASH_NONE;
    size_t size = 1;    // epoch
    size += 1 + 4 + 4;  // hash type, version, locktime
    if (anyone_can_pay) {
        // outpoint, amount, scriptPubKey with its length, sequence
        size += 36 + 8 + tonari::bitcoin::encoding::CompactSizeLength(spent.script_pubkey.size()) +
                spent.script_pubkey.size() + 4;
    } else {
        size += 4 * 32 + 4;  // prevouts, amounts, scriptPubKeys, sequences; input index
    }
    if (!none) size += 32;  // all outputs, or the one output under SINGLE
    size += 1;              // spend type
    if (extra.annex_hash) size += 32;
    if (extra.tapleaf_hash) size += 32 + 1 + 4;  // leaf hash, key version, codeseparator position
    return size;
}

bool IsOne(const Uint256& h) {
    return h.data()[0] == 1 && std::all_of(h.begin() + 1, h.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 6) return 0;
    const uint8_t index_byte = data[0];
    const auto hash_type =
        static_cast<int32_t>(static_cast<uint32_t>(data[1]) | static_cast<uint32_t>(data[2]) << 8 |
                             static_cast<uint32_t>(data[3]) << 16 | static_cast<uint32_t>(data[4]) << 24);
    const uint8_t mode = data[5];
    tonari::util::ByteReader reader(ByteSpan(data + 6, size - 6));
    auto decoded = DecodeTx(reader);
    if (!decoded || decoded->inputs.empty()) return 0;
    const Tx& tx = *decoded;
    const ByteSpan tail = reader.ReadSpan(reader.remaining());
    const size_t index = index_byte % tx.inputs.size();

    // Legacy: deterministic, OP_CODESEPARATORs in the script code make no difference, and the
    // SIGHASH_SINGLE-without-output quirk gives the number one.
    const Uint256 legacy = LegacySignatureHash(tail, tx, index, hash_type);
    if (LegacySignatureHash(tail, tx, index, hash_type) != legacy) std::abort();
    Bytes stripped(tail.begin(), tail.end());
    const uint8_t codesep[1] = {ToByte(Opcode::OP_CODESEPARATOR)};
    if (FindAndDelete(stripped, codesep) > 0 && LegacySignatureHash(stripped, tx, index, hash_type) != legacy)
        std::abort();
    const bool single_without_output = (hash_type & 0x1f) == SIGHASH_SINGLE && index >= tx.outputs.size();
    if (single_without_output && !IsOne(legacy)) std::abort();

    std::vector<TxOut> spent;
    if (mode & 1) {
        for (size_t i = 0; i < tx.inputs.size(); ++i) {
            spent.push_back(TxOut{static_cast<int64_t>(i * 1000 + mode), Bytes(tail.begin(), tail.end())});
        }
    }
    const bool force = (mode & 2) != 0;
    PrecomputedTxData txdata;
    txdata.Init(tx, spent, force);
    if (txdata.spent_outputs_ready != !spent.empty()) std::abort();
    if (force && (!txdata.bip143_ready || txdata.bip341_ready != !spent.empty())) std::abort();
    if (txdata.bip143_ready) {
        const auto rehash = [](const Uint256& single) {
            return Uint256(tonari::crypto::Sha256Hash(single.span()));
        };
        if (txdata.hash_prevouts != rehash(txdata.prevouts_single_hash) ||
            txdata.hash_sequence != rehash(txdata.sequences_single_hash) ||
            txdata.hash_outputs != rehash(txdata.outputs_single_hash))
            std::abort();
    }

    // BIP143: the precomputed hashes change nothing but speed.
    const int64_t amount = spent.empty() ? 12345 : spent[index].value;
    const Uint256 segwit = SegwitV0SignatureHash(tail, tx, index, hash_type, amount, txdata);
    if (SegwitV0SignatureHash(tail, tx, index, hash_type, amount, PrecomputedTxData{}) != segwit)
        std::abort();

    // BIP341: defined exactly for the seven hash types, and for SINGLE only with a matching
    // output; never without the spent outputs.
    TaprootSighashExtra extra;
    if (mode & 4) extra.annex_hash = ComputeAnnexHash(tail);
    if (mode & 8) {
        extra.tapleaf_hash = ComputeTapleafHash(0xc0, tail);
        extra.codeseparator_pos = (mode >> 4) == 0xf ? 0xffffffff : mode >> 4;
    }
    const auto ht = static_cast<uint8_t>(hash_type);
    const auto taproot = TaprootSignatureHash(tx, index, ht, txdata, extra);
    const bool defined = IsDefinedTaprootHashType(ht) &&
                         !((ht & SIGHASH_OUTPUT_MASK) == SIGHASH_SINGLE && index >= tx.outputs.size());
    const bool computable = txdata.bip341_ready && txdata.spent_outputs_ready;
    if (taproot.has_value() != (defined && computable)) std::abort();
    const auto message = TaprootSignatureMessage(tx, index, ht, txdata, extra);
    if (message.has_value() != taproot.has_value()) std::abort();
    if (taproot) {
        if (tonari::crypto::TaggedHash("TapSighash", *message) != *taproot) std::abort();
        if (message->size() != ExpectedTaprootMessageSize(ht, spent[index], extra)) std::abort();
        // The other way of initializing gives the same hash whenever it can give one.
        PrecomputedTxData other;
        other.Init(tx, spent, !force);
        const auto again = TaprootSignatureHash(tx, index, ht, other, extra);
        if (again && *again != *taproot) std::abort();
        if (!force && !again) std::abort();  // forcing always makes it computable
    }
    return 0;
}
