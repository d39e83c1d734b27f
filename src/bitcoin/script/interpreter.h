// The consensus script interpreter: EvalScript runs one script on a stack, VerifyScript
// checks a spend (scriptSig + scriptPubKey + witness, with P2SH, segwit v0 and taproot), and
// VerifyTxInput checks one input of a transaction against the output it spends.
//
// Signature checks go through a SignatureChecker, so the interpreter itself knows nothing of
// transactions; TransactionSignatureChecker is the real one (optionally backed by a
// SignatureCache). Everything here is a pure function of its arguments: any number of
// threads may verify at once, sharing one PrecomputedTxData and one SignatureCache.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/script_error.h"
#include "bitcoin/script/script_flags.h"
#include "bitcoin/script/sighash.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::script {

class SignatureCache;

// Which rules a script runs under.
enum class SigVersion : uint8_t {
    BASE,        // legacy scripts and P2SH redeem scripts
    WITNESS_V0,  // BIP143: P2WPKH and P2WSH
    TAPROOT,     // BIP341 key path (no script runs; used for the sighash)
    TAPSCRIPT,   // BIP342 leaf version 0xc0
};

// Per-input facts a tapscript execution needs and updates.
struct ScriptExecutionData {
    TaprootSighashExtra sighash;  // annex hash, tapleaf hash, last OP_CODESEPARATOR position
    // BIP342 budget: 50 + the witness size, spent 50 per executed signature check. Bounds the
    // signature checks a witness can demand per byte it pays for (CPU exhaustion).
    int64_t validation_weight_left = 0;
};

// The interpreter's window onto the transaction. The defaults fail every check, which is the
// right answer for a script evaluated with no transaction (e.g. in tests of pure opcodes).
class SignatureChecker {
public:
    virtual ~SignatureChecker() = default;
    // sig carries its hash-type byte; script_code is the subscript the signature commits to.
    virtual bool CheckEcdsaSignature(util::ByteSpan sig, util::ByteSpan pubkey, util::ByteSpan script_code,
                                     SigVersion sigversion) const;
    // sig is 64 or 65 bytes (the 65th is the hash type); pubkey is a 32-byte x-only key.
    // Returns OK, SCHNORR_SIG_SIZE, SCHNORR_SIG_HASHTYPE or SCHNORR_SIG.
    virtual ScriptError CheckSchnorrSignature(util::ByteSpan sig, util::ByteSpan pubkey, SigVersion sigversion,
                                              const ScriptExecutionData& execdata) const;
    virtual bool CheckLockTime(int64_t locktime) const;
    virtual bool CheckSequence(int64_t sequence) const;
};

// Checks signatures against input `input_index` of `tx`. txdata must have been Init'ed for tx
// (with the spent outputs, if any input is taproot). With a cache, a signature already in it
// is accepted without curve arithmetic, and, when `store_in_cache`, verified signatures are
// added (the mempool stores; block validation only looks up).
class TransactionSignatureChecker : public SignatureChecker {
public:
    TransactionSignatureChecker(const primitives::Tx& tx, size_t input_index, primitives::Amount amount,
                                const PrecomputedTxData& txdata, SignatureCache* cache = nullptr,
                                bool store_in_cache = false);

    bool CheckEcdsaSignature(util::ByteSpan sig, util::ByteSpan pubkey, util::ByteSpan script_code,
                             SigVersion sigversion) const override;
    ScriptError CheckSchnorrSignature(util::ByteSpan sig, util::ByteSpan pubkey, SigVersion sigversion,
                                      const ScriptExecutionData& execdata) const override;
    bool CheckLockTime(int64_t locktime) const override;
    bool CheckSequence(int64_t sequence) const override;

private:
    bool VerifyEcdsaCached(const util::Uint256& sighash, util::ByteSpan der, util::ByteSpan pubkey) const;
    bool VerifySchnorrCached(const util::Uint256& sighash, util::ByteSpan sig64, util::ByteSpan pubkey) const;

    const primitives::Tx& m_tx;
    size_t m_input_index;
    primitives::Amount m_amount;
    const PrecomputedTxData& m_txdata;
    SignatureCache* m_cache;
    bool m_store;
};

using ScriptStack = std::vector<util::Bytes>;

// Runs `script` on `stack` under `sigversion` (BASE or WITNESS_V0 or TAPSCRIPT). On failure
// the stack is left as it was at the failing operation.
util::Result<void, ScriptError> EvalScript(ScriptStack& stack, util::ByteSpan script, ScriptFlags flags,
                                           const SignatureChecker& checker, SigVersion sigversion,
                                           ScriptExecutionData& execdata);

// Checks a complete spend. `witness` is the input's witness stack (empty for none).
util::Result<void, ScriptError> VerifyScript(util::ByteSpan script_sig, util::ByteSpan script_pubkey,
                                             std::span<const util::Bytes> witness, ScriptFlags flags,
                                             const SignatureChecker& checker);

// Checks input `input_index` of tx against txdata.spent_outputs[input_index], which must be
// present (txdata.spent_outputs_ready).
util::Result<void, ScriptError> VerifyTxInput(const primitives::Tx& tx, size_t input_index,
                                              const PrecomputedTxData& txdata, ScriptFlags flags,
                                              SignatureCache* cache = nullptr, bool store_in_cache = false);

}  // namespace tonari::bitcoin::script
