// Script -> Bitcoin Core asm text.
#include "bitcoin/script/asm.h"

#include "bitcoin/script/script.h"
#include "bitcoin/script/script_num.h"
#include "bitcoin/script/sighash.h"
#include "bitcoin/script/signature_encoding.h"
#include "util/hex.h"

namespace tonari::bitcoin::script {

std::string ScriptToAsm(util::ByteSpan script, bool attempt_sighash_decode) {
    std::string out;
    const bool may_decode_sighash = attempt_sighash_decode && !IsUnspendable(script);
    size_t pc = 0;
    while (pc < script.size()) {
        if (!out.empty()) out += ' ';
        const auto op = GetOp(script, pc);
        if (!op) {
            out += "[error]";
            return out;
        }
        if (!IsDataPush(op->op)) {
            out += GetOpName(op->op);
            continue;
        }
        if (op->data.size() <= 4) {
            // Non-minimal encodings are accepted here: asm shows the value, not the bytes.
            const auto value = DecodeScriptNum(op->data, /*require_minimal=*/false);
            out += std::to_string(ScriptNumToInt32(value.value_or(0)));
            continue;
        }
        util::ByteSpan data = op->data;
        std::string suffix;
        if (may_decode_sighash && IsValidSignatureEncoding(data) && IsDefinedHashtypeSignature(data)) {
            const auto name = SigHashTypeName(data.back());
            if (!name.empty()) {
                suffix = "[" + std::string(name) + "]";
                data = data.first(data.size() - 1);
            }
        }
        out += util::HexEncode(data);
        out += suffix;
    }
    return out;
}

}  // namespace tonari::bitcoin::script
