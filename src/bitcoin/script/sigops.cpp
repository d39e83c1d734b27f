// Static sigop counting (legacy, P2SH, witness).
#include "bitcoin/script/sigops.h"

#include <optional>

#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"

namespace tonari::bitcoin::script {
namespace {

// The data of the last operation of a push-only script (empty if that operation is OP_N), or
// nullopt if the script is not push-only or does not parse.
std::optional<util::ByteSpan> LastPush(util::ByteSpan script_sig) {
    util::ByteSpan last;
    size_t pc = 0;
    while (pc < script_sig.size()) {
        const auto op = GetOp(script_sig, pc);
        if (!op || ToByte(op->op) > ToByte(Opcode::OP_16)) return std::nullopt;
        last = op->data;
    }
    return last;
}

unsigned WitnessProgramSigOps(const WitnessProgram& wp, const std::vector<util::Bytes>& witness) {
    if (wp.version != 0) return 0;
    if (wp.program.size() == WITNESS_V0_KEYHASH_SIZE) return 1;
    if (wp.program.size() == WITNESS_V0_SCRIPTHASH_SIZE && !witness.empty()) {
        return CountSigOps(witness.back(), /*accurate=*/true);
    }
    return 0;
}

}  // namespace

unsigned CountSigOps(util::ByteSpan script, bool accurate) {
    unsigned count = 0;
    Opcode last = Opcode::OP_INVALIDOPCODE;
    size_t pc = 0;
    while (const auto op = GetOp(script, pc)) {
        if (op->op == Opcode::OP_CHECKSIG || op->op == Opcode::OP_CHECKSIGVERIFY) {
            count += 1;
        } else if (op->op == Opcode::OP_CHECKMULTISIG || op->op == Opcode::OP_CHECKMULTISIGVERIFY) {
            count += (accurate && IsSmallInteger(last)) ? static_cast<unsigned>(DecodeOpN(last))
                                                        : static_cast<unsigned>(MAX_PUBKEYS_PER_MULTISIG);
        }
        last = op->op;
    }
    return count;
}

unsigned CountP2SHSigOps(util::ByteSpan script_sig, util::ByteSpan script_pubkey) {
    if (!IsPayToScriptHash(script_pubkey)) return 0;
    const auto redeem_script = LastPush(script_sig);
    if (!redeem_script) return 0;
    return CountSigOps(*redeem_script, /*accurate=*/true);
}

unsigned CountWitnessSigOps(util::ByteSpan script_sig, util::ByteSpan script_pubkey,
                            const std::vector<util::Bytes>& witness) {
    if (const auto wp = GetWitnessProgram(script_pubkey)) return WitnessProgramSigOps(*wp, witness);
    if (IsPayToScriptHash(script_pubkey)) {
        const auto redeem_script = LastPush(script_sig);
        if (!redeem_script) return 0;
        if (const auto wp = GetWitnessProgram(*redeem_script)) return WitnessProgramSigOps(*wp, witness);
    }
    return 0;
}

}  // namespace tonari::bitcoin::script
