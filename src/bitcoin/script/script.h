// Scripts as bytes: the consensus size limits, parsing one operation at a time (GetOp), the
// template checks every layer needs (P2SH, witness programs, push-only, unspendable), and
// ScriptBuilder for assembling scripts in code.
//
// Scripts are plain util::ByteSpan / util::Bytes; nothing here owns or caches them. GetOp never
// reads past the end of its span: a push whose length runs off the end is a parse failure,
// not a short read. Pure functions; thread-safe. ScriptBuilder is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "bitcoin/script/opcodes.h"
#include "util/bytes.h"

namespace tonari::bitcoin::script {

// Consensus limits. Each bounds work or memory an attacker could otherwise force on every
// validating node with one transaction.

// Scripts longer than this fail when executed and are provably unspendable: caps the bytes a
// single script can make the interpreter walk through.
inline constexpr size_t MAX_SCRIPT_SIZE = 10'000;
// No stack element may exceed this many bytes: bounds the cost of hashing, copying and
// comparing elements (OP_DUP/OP_CAT-style memory blow-up).
inline constexpr size_t MAX_SCRIPT_ELEMENT_SIZE = 520;
// Non-push opcodes executed per legacy/v0 script (multisig keys count too): caps CPU time
// per script against loops of expensive opcodes.
inline constexpr int MAX_OPS_PER_SCRIPT = 201;
// Keys in one CHECKMULTISIG: bounds signature checks per opcode; also the sigop weight that
// legacy counting charges for an unknown-size multisig.
inline constexpr int MAX_PUBKEYS_PER_MULTISIG = 20;
// Main stack plus alt stack items: caps interpreter memory (about 1000 * 520 bytes).
inline constexpr size_t MAX_STACK_SIZE = 1000;

// Witness program sizes that have a defined meaning (BIP141, BIP341).
inline constexpr size_t WITNESS_V0_KEYHASH_SIZE = 20;
inline constexpr size_t WITNESS_V0_SCRIPTHASH_SIZE = 32;
inline constexpr size_t WITNESS_V1_TAPROOT_SIZE = 32;

// One parsed operation. For pushes (IsDataPush(op)) `data` views the pushed bytes inside the
// script; for every other opcode it is empty (OP_1..OP_16 and OP_1NEGATE carry no data bytes).
struct ScriptOp {
    Opcode op = Opcode::OP_INVALIDOPCODE;
    util::ByteSpan data;
};

// Parses the operation at script[pc] and advances pc past it. nullopt, with pc unchanged,
// when pc is at/after the end or a push is truncated (its length field or its data runs past
// the end of the script).
std::optional<ScriptOp> GetOp(util::ByteSpan script, size_t& pc);

// True when every operation parses and is OP_0..OP_16 (OP_RESERVED included, as in Core: it
// fails when executed anyway). An empty script is push-only.
bool IsPushOnly(util::ByteSpan script);

// Provably unspendable: starts with OP_RETURN, or is longer than MAX_SCRIPT_SIZE.
bool IsUnspendable(util::ByteSpan script);

// OP_HASH160 <20 bytes> OP_EQUAL, byte-exact (BIP16).
bool IsPayToScriptHash(util::ByteSpan script);
// OP_0 <32 bytes>.
bool IsPayToWitnessScriptHash(util::ByteSpan script);
// OP_1 <32 bytes>.
bool IsPayToTaproot(util::ByteSpan script);
// OP_1 <0x4e73>: the keyless pay-to-anchor output.
bool IsPayToAnchor(util::ByteSpan script);

struct WitnessProgram {
    int version = 0;          // 0..16
    util::ByteSpan program;   // 2..40 bytes, a view into the script
};

// BIP141: a script of 4..42 bytes that is a version opcode (OP_0 or OP_1..OP_16) followed by
// exactly one direct push of 2..40 bytes covering the rest of the script.
std::optional<WitnessProgram> GetWitnessProgram(util::ByteSpan script);
inline bool IsWitnessProgram(util::ByteSpan script) { return GetWitnessProgram(script).has_value(); }

// Whether `data` pushed with `op` used the smallest possible encoding (BIP62 rule 3, the
// MINIMALDATA flag): OP_0 for empty, OP_1..OP_16 / OP_1NEGATE for those single bytes, a direct
// push up to 75 bytes, then PUSHDATA1, PUSHDATA2. op must be a data push (IsDataPush).
bool CheckMinimalPush(util::ByteSpan data, Opcode op);

// Appends a push of `data` with the shortest length prefix for its size (direct, PUSHDATA1,
// PUSHDATA2, PUSHDATA4). Like Bitcoin Core's `CScript << vector`, a single byte 0x01..0x10 is
// still a direct push, not OP_1..OP_16; an empty push is OP_0.
void AppendPush(util::Bytes& script, util::ByteSpan data);

// Builds a script in code:  ScriptBuilder().Op(Opcode::OP_DUP).Push(hash).Take().
class ScriptBuilder {
public:
    ScriptBuilder() = default;

    ScriptBuilder& Op(Opcode op);

    // Push with the shortest length prefix (see AppendPush). This is what Core's `<< vector`
    // writes, and so what existing scripts such as the genesis coinbase contain.
    ScriptBuilder& Push(util::ByteSpan data);

    // Push that satisfies CheckMinimalPush: OP_0 for empty data, OP_1..OP_16 / OP_1NEGATE for
    // the single bytes 0x01..0x10 / 0x81, otherwise as Push.
    ScriptBuilder& PushMinimal(util::ByteSpan data);

    // A number as Core's `<< int64` writes it: OP_0, OP_1NEGATE, OP_1..OP_16, otherwise the
    // minimal script-number encoding pushed as data.
    ScriptBuilder& PushInt(int64_t n);

    // A number always pushed as script-number data, never as OP_N (Core's `<< CScriptNum(n)`;
    // the genesis coinbase pushes 4 this way).
    ScriptBuilder& PushNumData(int64_t n);

    // Bytes appended verbatim (hand-made scripts, deliberately malformed test input).
    ScriptBuilder& Raw(util::ByteSpan bytes);

    const util::Bytes& bytes() const { return m_script; }
    util::Bytes Take() { return std::move(m_script); }

private:
    util::Bytes m_script;
};

}  // namespace tonari::bitcoin::script
