// Standardness checks: Bitcoin Core's IsStandard / IsStandardTx / AreInputsStandard /
// IsWitnessStandard rules, in Core's order, with Core's reject reasons.
#include "bitcoin/policy/policy.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/script_error.h"
#include "bitcoin/script/sigops.h"
#include "bitcoin/script/solver.h"

namespace tonari::bitcoin::policy {
namespace {

using primitives::Amount;
using primitives::Tx;
using primitives::TxOut;
using script::TxoutType;

// The cost of spending an output, as the dust rule prices it: outpoint (32 + 4), a one-byte
// scriptSig length, sequence (4), plus a P2PKH-sized signature and key (72 + 1 + 33 + 1 = 107
// bytes) carried in the scriptSig, or in the witness at a quarter of the weight.
constexpr size_t SPEND_INPUT_OVERHEAD = 32 + 4 + 1 + 4;
constexpr size_t SPEND_SIGNATURE_AND_KEY_SIZE = 107;

// Multisig outputs relayed bare: at most 3 keys. Larger ones belong behind P2SH/P2WSH, where
// the keys are not stored in every node's UTXO set (bare multisig was a data-stuffing channel).
constexpr int MAX_STANDARD_BARE_MULTISIG_KEYS = 3;

// BIP341: a last witness item starting with this byte (with at least two items) is the annex.
constexpr uint8_t ANNEX_TAG = 0x50;
// BIP341 control block: leaf version in the high seven bits of its first byte.
constexpr uint8_t TAPROOT_LEAF_MASK = 0xfe;
constexpr uint8_t TAPROOT_LEAF_TAPSCRIPT = 0xc0;

constexpr std::string_view NONSTANDARD_INPUTS = "bad-txns-nonstandard-inputs";
constexpr std::string_view WITNESS_NONSTANDARD = "bad-witness-nonstandard";

util::Unexpected<PolicyError> Reject(std::string_view reason, std::string detail = {}) {
    return util::Fail(PolicyError{std::string(reason), std::move(detail)});
}

// The output's type when it is a standard template (Core's IsStandard); nullopt otherwise.
std::optional<TxoutType> StandardOutputType(util::ByteSpan script_pubkey) {
    const script::SolverResult solved = script::Solver(script_pubkey);
    switch (solved.type) {
        case TxoutType::NONSTANDARD:
            return std::nullopt;
        case TxoutType::MULTISIG: {
            // Solutions are [[m], key_1 .. key_n, [n]]; the solver already guarantees m <= n.
            const int required = solved.solutions.front()[0];
            const int total = solved.solutions.back()[0];
            if (total < 1 || total > MAX_STANDARD_BARE_MULTISIG_KEYS) return std::nullopt;
            if (required < 1 || required > total) return std::nullopt;
            break;
        }
        default:
            // Every other template, unknown witness versions included: paying to a future
            // witness version is allowed, spending one is not (CheckInputsStandard).
            break;
    }
    return solved.type;
}

// Core turns a P2SH scriptSig into a stack by running it with no rules and no signature
// checker, and takes the top item as the redeem script. nullopt when the run fails or leaves
// nothing; the ScriptError says which (OK for an empty stack).
struct RedeemScriptResult {
    std::optional<util::Bytes> redeem_script;
    script::ScriptError error = script::ScriptError::OK;
};

RedeemScriptResult ExtractRedeemScript(util::ByteSpan script_sig) {
    script::ScriptStack stack;
    script::ScriptExecutionData execdata;
    const script::SignatureChecker no_signatures{};
    const auto run = script::EvalScript(stack, script_sig, script::SCRIPT_VERIFY_NONE, no_signatures,
                                        script::SigVersion::BASE, execdata);
    if (!run) return {std::nullopt, run.error()};
    if (stack.empty()) return {std::nullopt, script::ScriptError::OK};
    return {std::move(stack.back()), script::ScriptError::OK};
}

std::string InputDetail(size_t index, std::string_view what) {
    return std::string(what) + " (input " + std::to_string(index) + ")";
}

std::string InputDetail(size_t index, std::string_view what, std::string_view extra) {
    return std::string(what) + " (input " + std::to_string(index) + ": " + std::string(extra) + ")";
}

// A caller bug (the spent outputs do not line up with the inputs), reported rather than read
// out of bounds.
std::optional<util::Unexpected<PolicyError>> CheckSpentCount(const Tx& tx, std::span<const TxOut> spent,
                                                             std::string_view reason) {
    if (spent.size() == tx.inputs.size()) return std::nullopt;
    return Reject(reason, "spent outputs given for " + std::to_string(spent.size()) + " of " +
                              std::to_string(tx.inputs.size()) + " inputs");
}

// The P2WSH limits on one witness: script size, item count (script excluded), item sizes.
std::optional<std::string> CheckP2wshWitness(const std::vector<util::Bytes>& witness) {
    const size_t script_size = witness.back().size();
    if (script_size > MAX_STANDARD_P2WSH_SCRIPT_SIZE) {
        return "p2wsh script size " + std::to_string(script_size) + " > " +
               std::to_string(MAX_STANDARD_P2WSH_SCRIPT_SIZE);
    }
    const size_t items = witness.size() - 1;
    if (items > MAX_STANDARD_P2WSH_STACK_ITEMS) {
        return "p2wsh stack items " + std::to_string(items) + " > " +
               std::to_string(MAX_STANDARD_P2WSH_STACK_ITEMS);
    }
    for (size_t j = 0; j < items; ++j) {
        if (witness[j].size() > MAX_STANDARD_P2WSH_STACK_ITEM_SIZE) {
            return "p2wsh stack item " + std::to_string(j) + " size " + std::to_string(witness[j].size()) +
                   " > " + std::to_string(MAX_STANDARD_P2WSH_STACK_ITEM_SIZE);
        }
    }
    return std::nullopt;
}

// The taproot rules on one (unwrapped) v1 witness: no annex, tapscript items within size.
std::optional<std::string> CheckTaprootWitness(std::span<const util::Bytes> stack) {
    if (stack.size() >= 2 && !stack.back().empty() && stack.back()[0] == ANNEX_TAG) {
        // No annex meaning is defined yet; relaying annexes would let them be used for data
        // before a soft fork gives them one.
        return "taproot annex";
    }
    if (stack.size() == 1) return std::nullopt;  // key path: no policy rules
    if (stack.empty()) return "taproot witness empty";
    const util::Bytes& control_block = stack.back();
    if (control_block.empty()) return "taproot control block empty";
    if ((control_block[0] & TAPROOT_LEAF_MASK) != TAPROOT_LEAF_TAPSCRIPT) return std::nullopt;
    // Script path: the arguments are everything before the script and the control block.
    const auto arguments = stack.first(stack.size() - 2);
    for (size_t j = 0; j < arguments.size(); ++j) {
        if (arguments[j].size() > MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE) {
            return "tapscript stack item " + std::to_string(j) + " size " +
                   std::to_string(arguments[j].size()) + " > " +
                   std::to_string(MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE);
        }
    }
    return std::nullopt;
}

}  // namespace

Amount GetDustThreshold(const TxOut& out, FeeRate dust_relay_fee) {
    if (script::IsUnspendable(out.script_pubkey)) return 0;
    size_t size = primitives::SerializedSize(out);
    if (script::IsWitnessProgram(out.script_pubkey)) {
        // Core prices every witness output as a P2WPKH spend (a taproot key-path spend is
        // cheaper, but the threshold was kept rather than lowered).
        size += SPEND_INPUT_OVERHEAD + SPEND_SIGNATURE_AND_KEY_SIZE / primitives::WITNESS_SCALE_FACTOR;
    } else {
        size += SPEND_INPUT_OVERHEAD + SPEND_SIGNATURE_AND_KEY_SIZE;
    }
    return dust_relay_fee.GetFee(static_cast<int64_t>(size));
}

bool IsDust(const TxOut& out, FeeRate dust_relay_fee) {
    return out.value < GetDustThreshold(out, dust_relay_fee);
}

bool IsStandardScriptPubKey(util::ByteSpan script_pubkey) {
    return StandardOutputType(script_pubkey).has_value();
}

util::Result<void, PolicyError> CheckStandardTx(const Tx& tx, const PolicyOptions& options) {
    if (tx.version < TX_MIN_STANDARD_VERSION || tx.version > TX_MAX_STANDARD_VERSION) {
        return Reject("version");
    }
    if (primitives::TxWeight(tx) > MAX_STANDARD_TX_WEIGHT) return Reject("tx-size");

    for (const auto& in : tx.inputs) {
        if (in.script_sig.size() > MAX_STANDARD_SCRIPTSIG_SIZE) return Reject("scriptsig-size");
        // Anything but pushes in a scriptSig is malleable by third parties and never needed.
        if (!script::IsPushOnly(in.script_sig)) return Reject("scriptsig-not-pushonly");
    }

    // Core 30: any number of OP_RETURN outputs, their scripts together within the limit.
    size_t datacarrier_bytes_left = options.accept_datacarrier ? options.max_datacarrier_bytes : 0;
    for (const auto& out : tx.outputs) {
        const auto type = StandardOutputType(out.script_pubkey);
        if (!type) return Reject("scriptpubkey");
        if (*type == TxoutType::NULL_DATA) {
            if (out.script_pubkey.size() > datacarrier_bytes_left) return Reject("datacarrier");
            datacarrier_bytes_left -= out.script_pubkey.size();
        } else if (*type == TxoutType::MULTISIG && !options.permit_bare_multisig) {
            return Reject("bare-multisig");
        }
    }

    // Core (v29+) allows one dust output under its ephemeral-dust package rules; those are not
    // implemented here, so any dust output is refused.
    const bool has_dust = std::any_of(tx.outputs.begin(), tx.outputs.end(),
                                      [&](const TxOut& out) { return IsDust(out, options.dust_relay_fee); });
    if (has_dust) return Reject("dust");
    return {};
}

util::Result<void, PolicyError> CheckInputsStandard(const Tx& tx, std::span<const TxOut> spent) {
    if (tx.IsCoinbase()) return {};  // a coinbase input spends nothing
    if (auto bad = CheckSpentCount(tx, spent, NONSTANDARD_INPUTS)) return std::move(*bad);

    for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const script::SolverResult solved = script::Solver(spent[i].script_pubkey);
        if (solved.type == TxoutType::NONSTANDARD || solved.type == TxoutType::WITNESS_UNKNOWN) {
            // Unknown witness versions are reserved for soft forks: spending them now would be
            // valid under today's rules and could become invalid under tomorrow's.
            return Reject(NONSTANDARD_INPUTS, InputDetail(i, "input script unknown"));
        }
        if (solved.type != TxoutType::SCRIPTHASH) continue;

        const RedeemScriptResult redeem = ExtractRedeemScript(tx.inputs[i].script_sig);
        if (!redeem.redeem_script) {
            if (redeem.error != script::ScriptError::OK) {
                return Reject(NONSTANDARD_INPUTS, InputDetail(i, "p2sh scriptsig malformed",
                                                              script::ScriptErrorName(redeem.error)));
            }
            return Reject(NONSTANDARD_INPUTS, InputDetail(i, "p2sh scriptsig missing redeemscript"));
        }
        // P2SH hides its script until it is spent, so the spend is the first chance to refuse
        // one that makes every node run many signature checks.
        const unsigned sigops = script::CountSigOps(*redeem.redeem_script, /*accurate=*/true);
        if (sigops > MAX_P2SH_SIGOPS) {
            return Reject(NONSTANDARD_INPUTS,
                          InputDetail(i, "p2sh redeemscript sigops exceed limit",
                                      std::to_string(sigops) + " > " + std::to_string(MAX_P2SH_SIGOPS)));
        }
    }
    return {};
}

util::Result<void, PolicyError> CheckWitnessStandard(const Tx& tx, std::span<const TxOut> spent) {
    if (tx.IsCoinbase()) return {};  // its witness is the commitment nonce, checked by consensus
    if (auto bad = CheckSpentCount(tx, spent, WITNESS_NONSTANDARD)) return std::move(*bad);

    for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const auto& witness = tx.inputs[i].witness;
        // An empty witness cannot be bloated; if the spend needs one, script checks fail it.
        if (witness.empty()) continue;

        util::ByteSpan program_script = spent[i].script_pubkey;
        // A pay-to-anchor spend needs no witness: any witness is stuffing.
        if (script::IsPayToAnchor(program_script)) {
            return Reject(WITNESS_NONSTANDARD, InputDetail(i, "witness on anchor spend"));
        }

        // P2SH-wrapped segwit: the witness program is the redeem script. Whether it matches the
        // hash is left to script verification.
        RedeemScriptResult redeem;
        const bool p2sh = script::IsPayToScriptHash(program_script);
        if (p2sh) {
            redeem = ExtractRedeemScript(tx.inputs[i].script_sig);
            if (!redeem.redeem_script) {
                return Reject(WITNESS_NONSTANDARD, InputDetail(i, "p2sh scriptsig without redeemscript"));
            }
            program_script = *redeem.redeem_script;
        }

        const auto program = script::GetWitnessProgram(program_script);
        if (!program) return Reject(WITNESS_NONSTANDARD, InputDetail(i, "witness on non-witness spend"));

        if (program->version == 0 && program->program.size() == script::WITNESS_V0_SCRIPTHASH_SIZE) {
            if (auto why = CheckP2wshWitness(witness))
                return Reject(WITNESS_NONSTANDARD, InputDetail(i, *why));
        }
        // Taproot rules apply only to native v1 outputs: a P2SH-wrapped v1 program is not
        // taproot (BIP341) and stays an unencumbered upgrade hook.
        if (program->version == 1 && program->program.size() == script::WITNESS_V1_TAPROOT_SIZE && !p2sh) {
            if (auto why = CheckTaprootWitness(witness))
                return Reject(WITNESS_NONSTANDARD, InputDetail(i, *why));
        }
    }
    return {};
}

int64_t GetVirtualTransactionSize(int64_t weight, int64_t sigop_cost, int64_t bytes_per_sigop) {
    const int64_t effective = std::max(weight, sigop_cost * bytes_per_sigop);
    return (effective + primitives::WITNESS_SCALE_FACTOR - 1) / primitives::WITNESS_SCALE_FACTOR;
}

}  // namespace tonari::bitcoin::policy
