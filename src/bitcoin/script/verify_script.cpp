// VerifyScript: a complete spend check. Runs scriptSig then scriptPubKey, then, by the shape
// of the scriptPubKey, the P2SH redeem script (BIP16), the segwit v0 program (BIP141/143) or
// the taproot key or script path (BIP341/342), and finally the policy stack rules.
#include <algorithm>

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/interpreter_internal.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::script {
namespace {

using util::Bytes;
using util::ByteSpan;

// BIP341: the first byte of an annex (a last witness item kept for future extensions).
constexpr uint8_t ANNEX_TAG = 0x50;
// BIP341 control block: leaf version byte plus the 32-byte internal key, then one 32-byte
// hash per tree level, at most 128 levels (bounds the hashing a spend can demand).
constexpr size_t TAPROOT_CONTROL_BASE_SIZE = 33;
constexpr size_t TAPROOT_CONTROL_NODE_SIZE = 32;
constexpr size_t TAPROOT_CONTROL_MAX_NODE_COUNT = 128;
constexpr size_t TAPROOT_CONTROL_MAX_SIZE =
    TAPROOT_CONTROL_BASE_SIZE + TAPROOT_CONTROL_NODE_SIZE * TAPROOT_CONTROL_MAX_NODE_COUNT;
constexpr uint8_t TAPROOT_LEAF_MASK = 0xfe;
constexpr uint8_t TAPROOT_LEAF_TAPSCRIPT = 0xc0;
// BIP342: the signature budget starts at the witness size plus this offset.
constexpr int64_t VALIDATION_WEIGHT_OFFSET = 50;

util::Unexpected<ScriptError> Err(ScriptError e) { return util::Fail(e); }

// The witness as serialized in the transaction: count, then each item with its length.
int64_t WitnessSerializedSize(std::span<const Bytes> witness) {
    auto size = static_cast<int64_t>(encoding::CompactSizeLength(witness.size()));
    for (const Bytes& item : witness) {
        size += static_cast<int64_t>(encoding::CompactSizeLength(item.size()) + item.size());
    }
    return size;
}

// Walks the control block's merkle path from the leaf and checks that the output key is the
// internal key tweaked by the resulting root.
bool VerifyTaprootCommitment(ByteSpan control, ByteSpan program, const util::Uint256& tapleaf_hash) {
    util::Uint256 k = tapleaf_hash;
    const size_t path_len = (control.size() - TAPROOT_CONTROL_BASE_SIZE) / TAPROOT_CONTROL_NODE_SIZE;
    for (size_t i = 0; i < path_len; ++i) {
        const ByteSpan node = control.subspan(TAPROOT_CONTROL_BASE_SIZE + TAPROOT_CONTROL_NODE_SIZE * i,
                                              TAPROOT_CONTROL_NODE_SIZE);
        crypto::Sha256 h = crypto::TaggedHasher("TapBranch");
        if (std::lexicographical_compare(k.begin(), k.end(), node.begin(), node.end())) {
            h.Write(k.span()).Write(node);
        } else {
            h.Write(node).Write(k.span());
        }
        k = util::Uint256(h.Finalize());
    }
    return crypto::CheckTapTweakSerialized(control.subspan(1, 32), program, k, (control[0] & 1) != 0);
}

// Runs a witness script (P2WPKH's implied script, a P2WSH script or a tapscript) on the
// witness stack; witness scripts always require a clean stack with one true item.
util::Result<void, ScriptError> ExecuteWitnessScript(ScriptStack& stack, ByteSpan script, ScriptFlags flags,
                                                     SigVersion sigversion, const SignatureChecker& checker,
                                                     ScriptExecutionData& execdata) {
    if (sigversion == SigVersion::TAPSCRIPT) {
        // Any OP_SUCCESSx makes the script succeed unconditionally: the BIP342 upgrade hook.
        // Scanned before execution, so it wins even if it appears after a failing opcode.
        size_t pc = 0;
        while (pc < script.size()) {
            const auto op = GetOp(script, pc);
            if (!op) return Err(ScriptError::BAD_OPCODE);
            if (IsOpSuccess(ToByte(op->op))) {
                if ((flags & SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS) != 0) return Err(ScriptError::DISCOURAGE_OP_SUCCESS);
                return {};
            }
        }
        if (stack.size() > MAX_STACK_SIZE) return Err(ScriptError::STACK_SIZE);
    }
    for (const Bytes& item : stack) {
        if (item.size() > MAX_SCRIPT_ELEMENT_SIZE) return Err(ScriptError::PUSH_SIZE);
    }
    if (auto r = EvalScript(stack, script, flags, checker, sigversion, execdata); !r) return r;
    if (stack.size() != 1) return Err(ScriptError::CLEANSTACK);
    if (!CastToBool(stack.back())) return Err(ScriptError::EVAL_FALSE);
    return {};
}

util::Result<void, ScriptError> VerifyTaproot(std::span<const Bytes> witness, ByteSpan program, ScriptFlags flags,
                                              const SignatureChecker& checker) {
    if (witness.empty()) return Err(ScriptError::WITNESS_PROGRAM_WITNESS_EMPTY);
    ScriptExecutionData execdata;
    std::span<const Bytes> items = witness;
    if (items.size() >= 2 && !items.back().empty() && items.back()[0] == ANNEX_TAG) {
        execdata.sighash.annex_hash = ComputeAnnexHash(items.back());
        items = items.first(items.size() - 1);
    }
    if (items.size() == 1) {
        // Key path: one Schnorr signature by the output key itself.
        const ScriptError e = checker.CheckSchnorrSignature(items[0], program, SigVersion::TAPROOT, execdata);
        if (e != ScriptError::OK) return Err(e);
        return {};
    }
    // Script path: ... script control_block.
    const ByteSpan control = items.back();
    const ByteSpan script = items[items.size() - 2];
    if (control.size() < TAPROOT_CONTROL_BASE_SIZE || control.size() > TAPROOT_CONTROL_MAX_SIZE ||
        (control.size() - TAPROOT_CONTROL_BASE_SIZE) % TAPROOT_CONTROL_NODE_SIZE != 0) {
        return Err(ScriptError::TAPROOT_WRONG_CONTROL_SIZE);
    }
    const uint8_t leaf_version = control[0] & TAPROOT_LEAF_MASK;
    const util::Uint256 tapleaf_hash = ComputeTapleafHash(leaf_version, script);
    if (!VerifyTaprootCommitment(control, program, tapleaf_hash)) return Err(ScriptError::WITNESS_PROGRAM_MISMATCH);
    if (leaf_version != TAPROOT_LEAF_TAPSCRIPT) {
        // Unknown leaf versions are reserved for future soft forks and succeed today.
        if ((flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION) != 0) {
            return Err(ScriptError::DISCOURAGE_UPGRADABLE_TAPROOT_VERSION);
        }
        return {};
    }
    execdata.sighash.tapleaf_hash = tapleaf_hash;
    execdata.validation_weight_left = WitnessSerializedSize(witness) + VALIDATION_WEIGHT_OFFSET;
    ScriptStack stack(items.begin(), items.end() - 2);
    return ExecuteWitnessScript(stack, script, flags, SigVersion::TAPSCRIPT, checker, execdata);
}

util::Result<void, ScriptError> VerifyWitnessProgram(std::span<const Bytes> witness, int version, ByteSpan program,
                                                     ScriptFlags flags, const SignatureChecker& checker,
                                                     bool is_p2sh) {
    if (version == 0) {
        ScriptExecutionData execdata;
        if (program.size() == WITNESS_V0_SCRIPTHASH_SIZE) {
            if (witness.empty()) return Err(ScriptError::WITNESS_PROGRAM_WITNESS_EMPTY);
            const ByteSpan script = witness.back();
            const auto hash = crypto::Sha256Hash(script);
            if (!std::equal(hash.begin(), hash.end(), program.begin(), program.end())) {
                return Err(ScriptError::WITNESS_PROGRAM_MISMATCH);
            }
            ScriptStack stack(witness.begin(), witness.end() - 1);
            return ExecuteWitnessScript(stack, script, flags, SigVersion::WITNESS_V0, checker, execdata);
        }
        if (program.size() == WITNESS_V0_KEYHASH_SIZE) {
            if (witness.size() != 2) return Err(ScriptError::WITNESS_PROGRAM_MISMATCH);
            const Bytes script = ScriptBuilder()
                                     .Op(Opcode::OP_DUP)
                                     .Op(Opcode::OP_HASH160)
                                     .Push(program)
                                     .Op(Opcode::OP_EQUALVERIFY)
                                     .Op(Opcode::OP_CHECKSIG)
                                     .Take();
            ScriptStack stack(witness.begin(), witness.end());
            return ExecuteWitnessScript(stack, script, flags, SigVersion::WITNESS_V0, checker, execdata);
        }
        return Err(ScriptError::WITNESS_PROGRAM_WRONG_LENGTH);
    }
    if (version == 1 && program.size() == WITNESS_V1_TAPROOT_SIZE && !is_p2sh) {
        if ((flags & SCRIPT_VERIFY_TAPROOT) == 0) return {};
        return VerifyTaproot(witness, program, flags, checker);
    }
    // Pay-to-anchor (OP_1 <0x4e73>) is keyless and spendable by anyone; not "upgradable".
    if (version == 1 && !is_p2sh && program.size() == 2 && program[0] == 0x4e && program[1] == 0x73) return {};
    // Other versions and sizes are left for future soft forks: anyone can spend them today.
    if ((flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM) != 0) {
        return Err(ScriptError::DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM);
    }
    return {};
}

}  // namespace

util::Result<void, ScriptError> VerifyScript(ByteSpan script_sig, ByteSpan script_pubkey,
                                             std::span<const Bytes> witness, ScriptFlags flags,
                                             const SignatureChecker& checker) {
    if ((flags & SCRIPT_VERIFY_SIGPUSHONLY) != 0 && !IsPushOnly(script_sig)) return Err(ScriptError::SIG_PUSHONLY);

    ScriptExecutionData execdata;
    ScriptStack stack;
    if (auto r = EvalScript(stack, script_sig, flags, checker, SigVersion::BASE, execdata); !r) return r;
    ScriptStack stack_after_sig;
    if ((flags & SCRIPT_VERIFY_P2SH) != 0) stack_after_sig = stack;
    if (auto r = EvalScript(stack, script_pubkey, flags, checker, SigVersion::BASE, execdata); !r) return r;
    if (stack.empty() || !CastToBool(stack.back())) return Err(ScriptError::EVAL_FALSE);

    bool had_witness = false;
    if ((flags & SCRIPT_VERIFY_WITNESS) != 0) {
        if (const auto program = GetWitnessProgram(script_pubkey)) {
            had_witness = true;
            // A native witness spend must have an empty scriptSig, or it could be malleated.
            if (!script_sig.empty()) return Err(ScriptError::WITNESS_MALLEATED);
            if (auto r = VerifyWitnessProgram(witness, program->version, program->program, flags, checker, false); !r) {
                return r;
            }
            // The witness ran on its own stack; leave one item for CLEANSTACK.
            stack.resize(1);
        }
    }

    if ((flags & SCRIPT_VERIFY_P2SH) != 0 && IsPayToScriptHash(script_pubkey)) {
        // The scriptSig of a P2SH spend may only push (else the redeem script could be computed).
        if (!IsPushOnly(script_sig)) return Err(ScriptError::SIG_PUSHONLY);
        std::swap(stack, stack_after_sig);
        // Cannot be empty: the scriptPubKey hashed the top item.
        if (stack.empty()) return Err(ScriptError::UNKNOWN_ERROR);
        const Bytes redeem_script = std::move(stack.back());
        stack.pop_back();
        if (auto r = EvalScript(stack, redeem_script, flags, checker, SigVersion::BASE, execdata); !r) return r;
        if (stack.empty() || !CastToBool(stack.back())) return Err(ScriptError::EVAL_FALSE);

        if ((flags & SCRIPT_VERIFY_WITNESS) != 0) {
            if (const auto program = GetWitnessProgram(redeem_script)) {
                had_witness = true;
                // The scriptSig must be exactly the push of the redeem script.
                Bytes expected;
                AppendPush(expected, redeem_script);
                if (!std::equal(script_sig.begin(), script_sig.end(), expected.begin(), expected.end())) {
                    return Err(ScriptError::WITNESS_MALLEATED_P2SH);
                }
                if (auto r = VerifyWitnessProgram(witness, program->version, program->program, flags, checker, true);
                    !r) {
                    return r;
                }
                stack.resize(1);
            }
        }
    }

    // Policy: nothing may be left over (it could be malleated). Bitcoin Core only defines this
    // together with P2SH and WITNESS; here it applies whatever else is set.
    if ((flags & SCRIPT_VERIFY_CLEANSTACK) != 0 && stack.size() != 1) return Err(ScriptError::CLEANSTACK);

    // A witness on an input that does not spend a witness program could be stripped.
    if ((flags & SCRIPT_VERIFY_WITNESS) != 0 && !had_witness && !witness.empty()) {
        return Err(ScriptError::WITNESS_UNEXPECTED);
    }
    return {};
}

util::Result<void, ScriptError> VerifyTxInput(const primitives::Tx& tx, size_t input_index,
                                              const PrecomputedTxData& txdata, ScriptFlags flags,
                                              SignatureCache* cache, bool store_in_cache) {
    if (input_index >= tx.inputs.size() || !txdata.spent_outputs_ready ||
        txdata.spent_outputs.size() != tx.inputs.size()) {
        return Err(ScriptError::UNKNOWN_ERROR);
    }
    const primitives::TxOut& spent = txdata.spent_outputs[input_index];
    const primitives::TxIn& in = tx.inputs[input_index];
    const TransactionSignatureChecker checker(tx, input_index, spent.value, txdata, cache, store_in_cache);
    return VerifyScript(in.script_sig, spent.script_pubkey, in.witness, flags, checker);
}

}  // namespace tonari::bitcoin::script
