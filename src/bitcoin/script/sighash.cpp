// Legacy, BIP143 and BIP341 signature hashes.
#include "bitcoin/script/sighash.h"

#include <algorithm>
#include <cassert>

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/primitives/hash_writer.h"
#include "bitcoin/script/script.h"
#include "crypto/sha256.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::script {
namespace {

using primitives::HashWriter;
using primitives::OutPoint;
using primitives::Tx;
using primitives::TxIn;
using primitives::TxOut;

template <typename Writer>
void WriteOutPoint(Writer& w, const OutPoint& prevout) {
    w.WriteBytes(prevout.txid.get().span());
    w.WriteU32LE(prevout.index);
}

template <typename Writer>
void WriteVarBytes(Writer& w, util::ByteSpan bytes) {
    encoding::WriteCompactSize(w, bytes.size());
    w.WriteBytes(bytes);
}

template <typename Writer>
void WriteTxOut(Writer& w, const TxOut& out) {
    w.WriteI64LE(out.value);
    WriteVarBytes(w, out.script_pubkey);
}

util::Uint256 HashAgain(const util::Uint256& single) {
    return util::Uint256(crypto::Sha256Hash(single.span()));
}

// Single-SHA256 sub-hashes shared by BIP143 (hashed once more) and BIP341.
util::Uint256 PrevoutsSingleHash(const Tx& tx) {
    HashWriter h;
    for (const TxIn& in : tx.inputs) WriteOutPoint(h, in.prevout);
    return h.GetHash();
}

util::Uint256 SequencesSingleHash(const Tx& tx) {
    HashWriter h;
    for (const TxIn& in : tx.inputs) h.WriteU32LE(in.sequence);
    return h.GetHash();
}

util::Uint256 OutputsSingleHash(const Tx& tx) {
    HashWriter h;
    for (const TxOut& out : tx.outputs) WriteTxOut(h, out);
    return h.GetHash();
}

// Where Bitcoin Core's parser stands after failing on the truncated push at `pc`: past the
// opcode byte and past any length field that was complete. The legacy serializer writes up
// to there and drops the rest (while its length prefix still counts the whole script).
size_t TruncatedPushEnd(util::ByteSpan script, size_t pc) {
    if (pc >= script.size()) return pc;
    const uint8_t op = script[pc++];
    size_t length_bytes = 0;
    if (op == ToByte(Opcode::OP_PUSHDATA1)) length_bytes = 1;
    if (op == ToByte(Opcode::OP_PUSHDATA2)) length_bytes = 2;
    if (op == ToByte(Opcode::OP_PUSHDATA4)) length_bytes = 4;
    if (script.size() - pc >= length_bytes) pc += length_bytes;
    return pc;
}

// The legacy serializer writes the scriptCode without its OP_CODESEPARATORs, exactly as
// Bitcoin Core's does, quirks included: parsing stops at a truncated push, and only the bytes
// up to where the parser stopped are written.
void WriteScriptCodeWithoutSeparators(HashWriter& w, util::ByteSpan script) {
    size_t separators = 0;
    size_t pc = 0;
    while (auto op = GetOp(script, pc)) {
        if (op->op == Opcode::OP_CODESEPARATOR) ++separators;
    }
    encoding::WriteCompactSize(w, script.size() - separators);
    size_t segment_start = 0;
    pc = 0;
    while (auto op = GetOp(script, pc)) {
        if (op->op == Opcode::OP_CODESEPARATOR) {
            w.WriteBytes(script.subspan(segment_start, pc - 1 - segment_start));
            segment_start = pc;
        }
    }
    const size_t end = TruncatedPushEnd(script, pc);
    w.WriteBytes(script.subspan(segment_start, end - segment_start));
}

bool IsValidTaprootHashType(uint8_t hash_type) {
    return hash_type <= 0x03 || (hash_type >= 0x81 && hash_type <= 0x83);
}

// Writes the BIP341 signature message (epoch byte included) to w. False when no message exists.
template <typename Writer>
bool WriteTaprootMessage(Writer& w, const Tx& tx, size_t input_index, uint8_t hash_type,
                         const PrecomputedTxData& cache, const TaprootSighashExtra& extra) {
    assert(input_index < tx.inputs.size());
    if (!cache.bip341_ready || !cache.spent_outputs_ready) return false;
    if (!IsValidTaprootHashType(hash_type)) return false;
    // No hash-type byte (DEFAULT) commits like SIGHASH_ALL.
    const uint8_t output_type =
        hash_type == SIGHASH_DEFAULT ? SIGHASH_ALL : (hash_type & SIGHASH_OUTPUT_MASK);
    const bool anyone_can_pay = (hash_type & SIGHASH_INPUT_MASK) == SIGHASH_ANYONECANPAY;
    // Checked before writing anything, so a failed call leaves no partial message behind.
    if (output_type == SIGHASH_SINGLE && input_index >= tx.outputs.size()) return false;

    w.WriteU8(0x00);  // epoch
    w.WriteU8(hash_type);
    w.WriteU32LE(tx.version);
    w.WriteU32LE(tx.locktime);
    if (!anyone_can_pay) {
        w.WriteBytes(cache.prevouts_single_hash.span());
        w.WriteBytes(cache.spent_amounts_single_hash.span());
        w.WriteBytes(cache.spent_scripts_single_hash.span());
        w.WriteBytes(cache.sequences_single_hash.span());
    }
    if (output_type == SIGHASH_ALL) w.WriteBytes(cache.outputs_single_hash.span());

    const uint8_t ext_flag = extra.tapleaf_hash ? 1 : 0;
    const uint8_t spend_type = static_cast<uint8_t>((ext_flag << 1) | (extra.annex_hash ? 1 : 0));
    w.WriteU8(spend_type);
    if (anyone_can_pay) {
        const TxIn& in = tx.inputs[input_index];
        WriteOutPoint(w, in.prevout);
        WriteTxOut(w, cache.spent_outputs[input_index]);
        w.WriteU32LE(in.sequence);
    } else {
        w.WriteU32LE(static_cast<uint32_t>(input_index));
    }
    if (extra.annex_hash) w.WriteBytes(extra.annex_hash->span());
    if (output_type == SIGHASH_SINGLE) {
        HashWriter single;
        WriteTxOut(single, tx.outputs[input_index]);
        w.WriteBytes(single.GetHash().span());
    }
    if (extra.tapleaf_hash) {
        constexpr uint8_t KEY_VERSION = 0x00;  // BIP342: 32-byte x-only keys
        w.WriteBytes(extra.tapleaf_hash->span());
        w.WriteU8(KEY_VERSION);
        w.WriteU32LE(extra.codeseparator_pos);
    }
    return true;
}

}  // namespace

std::string_view SigHashTypeName(uint8_t hash_type) {
    switch (hash_type) {
        case SIGHASH_ALL: return "ALL";
        case SIGHASH_ALL | SIGHASH_ANYONECANPAY: return "ALL|ANYONECANPAY";
        case SIGHASH_NONE: return "NONE";
        case SIGHASH_NONE | SIGHASH_ANYONECANPAY: return "NONE|ANYONECANPAY";
        case SIGHASH_SINGLE: return "SINGLE";
        case SIGHASH_SINGLE | SIGHASH_ANYONECANPAY: return "SINGLE|ANYONECANPAY";
        default: return {};
    }
}

int FindAndDelete(util::Bytes& script, util::ByteSpan pattern) {
    if (pattern.empty()) return 0;
    const util::ByteSpan in(script);
    util::Bytes result;
    int found = 0;
    size_t pc = 0;       // start of the next operation to examine
    size_t kept = 0;     // start of the bytes not yet copied into result
    while (true) {
        util::Append(result, in.subspan(kept, pc - kept));
        while (in.size() - pc >= pattern.size() &&
               std::equal(pattern.begin(), pattern.end(), in.begin() + static_cast<ptrdiff_t>(pc))) {
            pc += pattern.size();
            ++found;
        }
        kept = pc;
        if (!GetOp(in, pc)) break;
    }
    if (found > 0) {
        util::Append(result, in.subspan(kept));
        script = std::move(result);
    }
    return found;
}

util::Uint256 LegacySignatureHash(util::ByteSpan script_code, const Tx& tx, size_t input_index,
                                  int32_t hash_type) {
    assert(input_index < tx.inputs.size());
    const int base_type = hash_type & 0x1f;
    const bool anyone_can_pay = (hash_type & SIGHASH_ANYONECANPAY) != 0;
    const bool hash_single = base_type == SIGHASH_SINGLE;
    const bool hash_none = base_type == SIGHASH_NONE;

    if (hash_single && input_index >= tx.outputs.size()) {
        // The historic bug: the "hash" signed is the number one. Kept because signatures over it
        // exist in the chain.
        util::Uint256 one;
        one.data()[0] = 1;
        return one;
    }

    HashWriter h;
    h.WriteU32LE(tx.version);
    const size_t n_inputs = anyone_can_pay ? 1 : tx.inputs.size();
    encoding::WriteCompactSize(h, n_inputs);
    for (size_t i = 0; i < n_inputs; ++i) {
        const size_t input = anyone_can_pay ? input_index : i;
        const TxIn& in = tx.inputs[input];
        WriteOutPoint(h, in.prevout);
        if (input == input_index) {
            WriteScriptCodeWithoutSeparators(h, script_code);
        } else {
            encoding::WriteCompactSize(h, 0);  // other inputs' scripts are blanked
        }
        // NONE and SINGLE let other inputs update their sequence numbers.
        h.WriteU32LE(input != input_index && (hash_single || hash_none) ? 0 : in.sequence);
    }
    const size_t n_outputs = hash_none ? 0 : (hash_single ? input_index + 1 : tx.outputs.size());
    encoding::WriteCompactSize(h, n_outputs);
    for (size_t i = 0; i < n_outputs; ++i) {
        if (hash_single && i != input_index) {
            // Outputs before ours are committed as "null" outputs: value -1, empty script.
            h.WriteI64LE(-1);
            encoding::WriteCompactSize(h, 0);
        } else {
            WriteTxOut(h, tx.outputs[i]);
        }
    }
    h.WriteU32LE(tx.locktime);
    h.WriteI32LE(hash_type);
    return h.GetHashD();
}

void PrecomputedTxData::Init(const Tx& tx, std::vector<TxOut> spent_outputs_in, bool force) {
    assert(spent_outputs_in.empty() || spent_outputs_in.size() == tx.inputs.size());
    *this = PrecomputedTxData{};
    spent_outputs = std::move(spent_outputs_in);
    spent_outputs_ready = !spent_outputs.empty();

    bool uses_bip143 = force;
    bool uses_bip341 = force && spent_outputs_ready;
    for (size_t i = 0; i < tx.inputs.size() && !(uses_bip143 && uses_bip341); ++i) {
        if (tx.inputs[i].witness.empty()) continue;
        // A witness spend of a 34-byte OP_1 output is treated as taproot; anything else with a
        // witness as v0 (harmless for P2SH-wrapped or unknown versions: only speed is at stake).
        if (spent_outputs_ready && IsPayToTaproot(spent_outputs[i].script_pubkey)) {
            uses_bip341 = true;
        } else {
            uses_bip143 = true;
        }
    }

    if (uses_bip143 || uses_bip341) {
        prevouts_single_hash = PrevoutsSingleHash(tx);
        sequences_single_hash = SequencesSingleHash(tx);
        outputs_single_hash = OutputsSingleHash(tx);
    }
    if (uses_bip143) {
        hash_prevouts = HashAgain(prevouts_single_hash);
        hash_sequence = HashAgain(sequences_single_hash);
        hash_outputs = HashAgain(outputs_single_hash);
        bip143_ready = true;
    }
    if (uses_bip341) {
        HashWriter amounts;
        HashWriter scripts;
        for (const TxOut& out : spent_outputs) {
            amounts.WriteI64LE(out.value);
            WriteVarBytes(scripts, out.script_pubkey);
        }
        spent_amounts_single_hash = amounts.GetHash();
        spent_scripts_single_hash = scripts.GetHash();
        bip341_ready = true;
    }
}

util::Uint256 SegwitV0SignatureHash(util::ByteSpan script_code, const Tx& tx, size_t input_index,
                                    int32_t hash_type, primitives::Amount amount,
                                    const PrecomputedTxData& cache) {
    assert(input_index < tx.inputs.size());
    const int base_type = hash_type & 0x1f;
    const bool anyone_can_pay = (hash_type & SIGHASH_ANYONECANPAY) != 0;
    const bool single_or_none = base_type == SIGHASH_SINGLE || base_type == SIGHASH_NONE;

    util::Uint256 hash_prevouts;  // zero when not committed
    util::Uint256 hash_sequence;
    util::Uint256 hash_outputs;
    if (!anyone_can_pay) {
        hash_prevouts = cache.bip143_ready ? cache.hash_prevouts : HashAgain(PrevoutsSingleHash(tx));
    }
    if (!anyone_can_pay && !single_or_none) {
        hash_sequence = cache.bip143_ready ? cache.hash_sequence : HashAgain(SequencesSingleHash(tx));
    }
    if (!single_or_none) {
        hash_outputs = cache.bip143_ready ? cache.hash_outputs : HashAgain(OutputsSingleHash(tx));
    } else if (base_type == SIGHASH_SINGLE && input_index < tx.outputs.size()) {
        HashWriter single;
        WriteTxOut(single, tx.outputs[input_index]);
        hash_outputs = single.GetHashD();
    }

    const TxIn& in = tx.inputs[input_index];
    HashWriter h;
    h.WriteU32LE(tx.version);
    h.WriteBytes(hash_prevouts.span());
    h.WriteBytes(hash_sequence.span());
    WriteOutPoint(h, in.prevout);
    WriteVarBytes(h, script_code);
    h.WriteI64LE(amount);
    h.WriteU32LE(in.sequence);
    h.WriteBytes(hash_outputs.span());
    h.WriteU32LE(tx.locktime);
    h.WriteI32LE(hash_type);
    return h.GetHashD();
}

std::optional<util::Uint256> TaprootSignatureHash(const Tx& tx, size_t input_index, uint8_t hash_type,
                                                  const PrecomputedTxData& cache,
                                                  const TaprootSighashExtra& extra) {
    HashWriter h(crypto::TaggedHasher("TapSighash"));
    if (!WriteTaprootMessage(h, tx, input_index, hash_type, cache, extra)) return std::nullopt;
    return h.GetHash();
}

std::optional<util::Bytes> TaprootSignatureMessage(const Tx& tx, size_t input_index, uint8_t hash_type,
                                                   const PrecomputedTxData& cache,
                                                   const TaprootSighashExtra& extra) {
    util::ByteWriter w;
    if (!WriteTaprootMessage(w, tx, input_index, hash_type, cache, extra)) return std::nullopt;
    return w.Take();
}

util::Uint256 ComputeAnnexHash(util::ByteSpan annex) {
    HashWriter h;
    WriteVarBytes(h, annex);
    return h.GetHash();
}

util::Uint256 ComputeTapleafHash(uint8_t leaf_version, util::ByteSpan script) {
    HashWriter h(crypto::TaggedHasher("TapLeaf"));
    h.WriteU8(leaf_version);
    WriteVarBytes(h, script);
    return h.GetHash();
}

}  // namespace tonari::bitcoin::script
