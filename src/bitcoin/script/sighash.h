// Signature hashes: the digest a signature commits to, in the three forms consensus knows.
//   - LegacySignatureHash: the original algorithm (pre-segwit scripts and P2SH), quirks kept.
//   - SegwitV0SignatureHash: BIP143, for P2WPKH/P2WSH (native or P2SH-wrapped).
//   - TaprootSignatureHash: BIP341 key path and BIP342 tapscript.
// The transaction-wide sub-hashes are computed once per transaction into PrecomputedTxData and
// shared by every input's check (the BIP143 fix for quadratic hashing). Everything streams
// into SHA-256; no serialization is materialized except the small output hashes.
// All functions are pure. A PrecomputedTxData is immutable after Init and may be read from
// several script-check threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/transaction.h"
#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::bitcoin::script {

// Hash types. An unscoped enum on purpose: hash types are combined and masked as integers
// (SIGHASH_SINGLE | SIGHASH_ANYONECANPAY, hash_type & 0x1f), and legacy signatures may carry
// any byte value, all of which must hash.
enum SigHashType : uint8_t {
    SIGHASH_DEFAULT = 0,  // taproot only: no hash-type byte, means ALL
    SIGHASH_ALL = 1,
    SIGHASH_NONE = 2,
    SIGHASH_SINGLE = 3,
    SIGHASH_ANYONECANPAY = 0x80,

    SIGHASH_OUTPUT_MASK = 3,  // taproot: which outputs are committed
    SIGHASH_INPUT_MASK = 0x80,
};

// "ALL", "ALL|ANYONECANPAY", "NONE", "NONE|ANYONECANPAY", "SINGLE", "SINGLE|ANYONECANPAY" for
// the six defined byte values (Core's SighashToStr); empty for anything else.
std::string_view SigHashTypeName(uint8_t hash_type);

// Removes every occurrence of `pattern` that starts at an operation boundary of `script`,
// walking the script op by op as Bitcoin Core's FindAndDelete does (a match may be followed
// directly by another; parsing stops at a truncated push, keeping the rest verbatim).
// Legacy CHECKSIG deletes the signature's own push from the scriptCode this way; build the
// pattern with AppendPush / ScriptBuilder::Push. Returns the number of deletions; an empty
// pattern deletes nothing.
int FindAndDelete(util::Bytes& script, util::ByteSpan pattern);

// The original signature hash. script_code is the subscript being executed (after the caller's
// FindAndDelete of the signature); its OP_CODESEPARATORs are removed here. Quirks kept for
// consensus: for SIGHASH_SINGLE with input_index >= outputs, the result is the number 1
// (0x01 followed by 31 zero bytes) and not a hash. hash_type is the full signature byte,
// sign-extended to 32 bits when read from sighash.json; it is committed as 4 bytes.
// input_index must be < tx.inputs.size().
util::Uint256 LegacySignatureHash(util::ByteSpan script_code, const primitives::Tx& tx,
                                  size_t input_index, int32_t hash_type);

// Transaction-wide hashes shared by every input of one transaction.
struct PrecomputedTxData {
    // BIP341 single-SHA256 hashes of all prevouts, all nSequences and all outputs.
    util::Uint256 prevouts_single_hash;
    util::Uint256 sequences_single_hash;
    util::Uint256 outputs_single_hash;
    // BIP341 single-SHA256 hashes of every spent output's amount and scriptPubKey.
    util::Uint256 spent_amounts_single_hash;
    util::Uint256 spent_scripts_single_hash;
    // BIP143 double-SHA256 hashes (SHA256 of the single hashes above).
    util::Uint256 hash_prevouts;
    util::Uint256 hash_sequence;
    util::Uint256 hash_outputs;

    bool bip143_ready = false;  // hash_prevouts/hash_sequence/hash_outputs are set
    bool bip341_ready = false;  // all five single hashes are set
    // The outputs being spent, one per input, in input order (needed by BIP341).
    std::vector<primitives::TxOut> spent_outputs;
    bool spent_outputs_ready = false;

    // Computes what the transaction will need. spent_outputs may be empty (unknown) or must
    // have one entry per input. Without `force`, BIP143 hashes are computed only if some input
    // has a witness that is not a known taproot spend, and BIP341 hashes only if some input
    // with a witness spends a 34-byte OP_1 output; with `force`, BIP143 always and BIP341
    // whenever spent_outputs are given.
    void Init(const primitives::Tx& tx, std::vector<primitives::TxOut> spent_outputs_in,
              bool force = false);
};

// BIP143 signature hash. script_code is the bare script (no length prefix): for P2WPKH the
// implied P2PKH script, for P2WSH the witness script from the last executed OP_CODESEPARATOR
// on. Uses the precomputed hashes when cache.bip143_ready, and computes them otherwise.
// input_index must be < tx.inputs.size().
util::Uint256 SegwitV0SignatureHash(util::ByteSpan script_code, const primitives::Tx& tx,
                                    size_t input_index, int32_t hash_type, primitives::Amount amount,
                                    const PrecomputedTxData& cache);

// Per-input execution facts the BIP341 message commits to.
struct TaprootSighashExtra {
    // SHA256(compact_size(len) || annex) when the witness carries an annex (ComputeAnnexHash).
    std::optional<util::Uint256> annex_hash;
    // Set for script-path spends (BIP342 tapscript): the executed leaf's hash.
    std::optional<util::Uint256> tapleaf_hash;
    // Opcode position of the last executed OP_CODESEPARATOR, or 0xffffffff if none.
    uint32_t codeseparator_pos = 0xffffffff;
};

// BIP341 signature hash: TaggedHash("TapSighash", 0x00 || SigMsg [|| tapscript extension]).
// nullopt when the hash type is not one of 0x00-0x03, 0x81-0x83, when SIGHASH_SINGLE has no
// output at input_index, or when cache lacks the BIP341 hashes or the spent outputs.
std::optional<util::Uint256> TaprootSignatureHash(const primitives::Tx& tx, size_t input_index,
                                                  uint8_t hash_type, const PrecomputedTxData& cache,
                                                  const TaprootSighashExtra& extra = {});

// The same message before hashing, epoch byte first (for tests and diagnostics).
std::optional<util::Bytes> TaprootSignatureMessage(const primitives::Tx& tx, size_t input_index,
                                                   uint8_t hash_type, const PrecomputedTxData& cache,
                                                   const TaprootSighashExtra& extra = {});

// SHA256(compact_size(annex.size()) || annex); the annex includes its 0x50 prefix byte.
util::Uint256 ComputeAnnexHash(util::ByteSpan annex);

// TaggedHash("TapLeaf", leaf_version || compact_size(script.size()) || script).
util::Uint256 ComputeTapleafHash(uint8_t leaf_version, util::ByteSpan script);

}  // namespace tonari::bitcoin::script
