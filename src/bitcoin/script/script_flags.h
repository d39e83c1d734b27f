// Script verification flags: which soft forks and which policy rules the interpreter
// enforces. Consensus flags are set by deployment height; the rest are mempool policy (a
// node relays only what passes them, so a later soft fork can tighten them safely).
// Names match Bitcoin Core's SCRIPT_VERIFY_* and the flag strings in its test vectors.
// Pure functions and constants; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace tonari::bitcoin::script {

using ScriptFlags = uint32_t;

inline constexpr ScriptFlags SCRIPT_VERIFY_NONE = 0;
inline constexpr ScriptFlags SCRIPT_VERIFY_P2SH = 1u << 0;           // BIP16
inline constexpr ScriptFlags SCRIPT_VERIFY_STRICTENC = 1u << 1;      // defined hash types, pubkey formats
inline constexpr ScriptFlags SCRIPT_VERIFY_DERSIG = 1u << 2;         // BIP66 strict DER
inline constexpr ScriptFlags SCRIPT_VERIFY_LOW_S = 1u << 3;          // S <= n/2
inline constexpr ScriptFlags SCRIPT_VERIFY_NULLDUMMY = 1u << 4;      // BIP147
inline constexpr ScriptFlags SCRIPT_VERIFY_SIGPUSHONLY = 1u << 5;    // scriptSig push-only
inline constexpr ScriptFlags SCRIPT_VERIFY_MINIMALDATA = 1u << 6;    // minimal pushes and numbers
inline constexpr ScriptFlags SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS = 1u << 7;
inline constexpr ScriptFlags SCRIPT_VERIFY_CLEANSTACK = 1u << 8;     // exactly one item left
inline constexpr ScriptFlags SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY = 1u << 9;  // BIP65
inline constexpr ScriptFlags SCRIPT_VERIFY_CHECKSEQUENCEVERIFY = 1u << 10; // BIP112
inline constexpr ScriptFlags SCRIPT_VERIFY_WITNESS = 1u << 11;       // BIP141/143
inline constexpr ScriptFlags SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM = 1u << 12;
inline constexpr ScriptFlags SCRIPT_VERIFY_MINIMALIF = 1u << 13;     // IF argument empty or 0x01
inline constexpr ScriptFlags SCRIPT_VERIFY_NULLFAIL = 1u << 14;      // failed sig must be empty
inline constexpr ScriptFlags SCRIPT_VERIFY_WITNESS_PUBKEYTYPE = 1u << 15;  // compressed keys in v0
inline constexpr ScriptFlags SCRIPT_VERIFY_CONST_SCRIPTCODE = 1u << 16;    // no CODESEPARATOR/FindAndDelete
inline constexpr ScriptFlags SCRIPT_VERIFY_TAPROOT = 1u << 17;       // BIP341/342
inline constexpr ScriptFlags SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION = 1u << 18;
inline constexpr ScriptFlags SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS = 1u << 19;
inline constexpr ScriptFlags SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE = 1u << 20;

inline constexpr ScriptFlags SCRIPT_VERIFY_ALL_KNOWN = (1u << 21) - 1;

// The rules every block since taproot activation is checked with (heights are not needed
// for a script-only check; consensus picks the per-block set).
inline constexpr ScriptFlags MANDATORY_SCRIPT_VERIFY_FLAGS =
    SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_NULLDUMMY |
    SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY | SCRIPT_VERIFY_CHECKSEQUENCEVERIFY | SCRIPT_VERIFY_WITNESS |
    SCRIPT_VERIFY_TAPROOT;

// Bitcoin Core's mempool policy set (STANDARD_SCRIPT_VERIFY_FLAGS).
inline constexpr ScriptFlags STANDARD_SCRIPT_VERIFY_FLAGS =
    MANDATORY_SCRIPT_VERIFY_FLAGS | SCRIPT_VERIFY_STRICTENC | SCRIPT_VERIFY_MINIMALDATA |
    SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS | SCRIPT_VERIFY_CLEANSTACK | SCRIPT_VERIFY_MINIMALIF |
    SCRIPT_VERIFY_NULLFAIL | SCRIPT_VERIFY_LOW_S | SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM |
    SCRIPT_VERIFY_WITNESS_PUBKEYTYPE | SCRIPT_VERIFY_CONST_SCRIPTCODE |
    SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION | SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS |
    SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE;

// Parses "P2SH,WITNESS,..." (names without the SCRIPT_VERIFY_ prefix; spaces around commas
// allowed). "" and "NONE" are no flags. The error names the first unknown flag.
util::Result<ScriptFlags, std::string> ParseScriptFlags(std::string_view text);
// The inverse: comma-separated names in bit order, "NONE" for zero.
std::string FormatScriptFlags(ScriptFlags flags);

}  // namespace tonari::bitcoin::script
