// Why a script failed: one enumerator per distinct consensus or policy failure. The
// enumerator names are exactly the names the published vectors use (script_tests.json and
// Bitcoin Core's script_error.h without the SCRIPT_ERR_ prefix), so tests compare names, and
// callers (peer scoring, RPC reject reasons) switch on the value. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tonari::bitcoin::script {

enum class ScriptError : uint8_t {
    OK,
    UNKNOWN_ERROR,
    EVAL_FALSE,
    OP_RETURN,
    SCRIPTNUM,  // a number operand too long, or non-minimal under MINIMALDATA

    // Limits.
    SCRIPT_SIZE,
    PUSH_SIZE,
    OP_COUNT,
    STACK_SIZE,
    SIG_COUNT,
    PUBKEY_COUNT,

    // Failed VERIFY-style operations.
    VERIFY,
    EQUALVERIFY,
    CHECKMULTISIGVERIFY,
    CHECKSIGVERIFY,
    NUMEQUALVERIFY,

    // Logical and format errors.
    BAD_OPCODE,
    DISABLED_OPCODE,
    INVALID_STACK_OPERATION,
    INVALID_ALTSTACK_OPERATION,
    UNBALANCED_CONDITIONAL,

    // CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY.
    NEGATIVE_LOCKTIME,
    UNSATISFIED_LOCKTIME,

    // Malleability and standardness.
    SIG_HASHTYPE,
    SIG_DER,
    MINIMALDATA,
    SIG_PUSHONLY,
    SIG_HIGH_S,
    SIG_NULLDUMMY,
    PUBKEYTYPE,
    CLEANSTACK,
    MINIMALIF,
    NULLFAIL,

    // Soft-fork safeness.
    DISCOURAGE_UPGRADABLE_NOPS,
    DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM,
    DISCOURAGE_UPGRADABLE_TAPROOT_VERSION,
    DISCOURAGE_OP_SUCCESS,
    DISCOURAGE_UPGRADABLE_PUBKEYTYPE,

    // Segregated witness.
    WITNESS_PROGRAM_WRONG_LENGTH,
    WITNESS_PROGRAM_WITNESS_EMPTY,
    WITNESS_PROGRAM_MISMATCH,
    WITNESS_MALLEATED,
    WITNESS_MALLEATED_P2SH,
    WITNESS_UNEXPECTED,
    WITNESS_PUBKEYTYPE,

    // Taproot and tapscript.
    SCHNORR_SIG_SIZE,
    SCHNORR_SIG_HASHTYPE,
    SCHNORR_SIG,
    TAPROOT_WRONG_CONTROL_SIZE,
    TAPSCRIPT_VALIDATION_WEIGHT,
    TAPSCRIPT_CHECKMULTISIG,
    TAPSCRIPT_MINIMALIF,
    TAPSCRIPT_EMPTY_PUBKEY,

    // Constant scriptCode.
    OP_CODESEPARATOR,
    SIG_FINDANDDELETE,
};

inline constexpr size_t SCRIPT_ERROR_COUNT = static_cast<size_t>(ScriptError::SIG_FINDANDDELETE) + 1;

// "EVAL_FALSE", "SIG_DER", ... (the enumerator's name).
std::string_view ScriptErrorName(ScriptError e);
// The inverse of ScriptErrorName; nullopt for an unknown name.
std::optional<ScriptError> ParseScriptErrorName(std::string_view name);
// A sentence for logs and reject messages ("Script evaluated without error but finished with
// a false/empty top stack element").
std::string_view ScriptErrorMessage(ScriptError e);

}  // namespace tonari::bitcoin::script
