// Classifies a scriptPubKey into Bitcoin Core's standard templates (Core's Solver) and extracts
// the values a wallet or policy check needs. Classification is syntax only: a PUBKEY or
// MULTISIG key is checked for a plausible length/prefix, not for being a curve point.
// Used by policy (standardness), RPC ("type" fields) and the wallet. Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace tonari::bitcoin::script {

enum class TxoutType {
    NONSTANDARD,
    PUBKEY,                 // <33 or 65-byte key> OP_CHECKSIG
    PUBKEYHASH,             // OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
    SCRIPTHASH,             // OP_HASH160 <20> OP_EQUAL
    MULTISIG,               // <m> <key>... <n> OP_CHECKMULTISIG, 1 <= m <= n <= 20
    NULL_DATA,              // OP_RETURN followed only by pushes
    WITNESS_V0_KEYHASH,     // OP_0 <20>
    WITNESS_V0_SCRIPTHASH,  // OP_0 <32>
    WITNESS_V1_TAPROOT,     // OP_1 <32>
    ANCHOR,                 // OP_1 <0x4e73>
    WITNESS_UNKNOWN,        // any other witness program with version 1..16
};

// Core's names: "nonstandard", "pubkey", "pubkeyhash", "scripthash", "multisig", "nulldata",
// "witness_v0_keyhash", "witness_v0_scripthash", "witness_v1_taproot", "anchor",
// "witness_unknown".
std::string_view GetTxoutTypeName(TxoutType type);

struct SolverResult {
    TxoutType type = TxoutType::NONSTANDARD;
    // Laid out as in Core:
    //   PUBKEY: [pubkey]; PUBKEYHASH / SCRIPTHASH: [20-byte hash];
    //   WITNESS_V0_* / WITNESS_V1_TAPROOT: [program];
    //   WITNESS_UNKNOWN: [[version], program];
    //   MULTISIG: [[m], key_1 .. key_n, [n]];
    //   NONSTANDARD, NULL_DATA, ANCHOR: empty.
    std::vector<util::Bytes> solutions;
};

SolverResult Solver(util::ByteSpan script_pubkey);

}  // namespace tonari::bitcoin::script
