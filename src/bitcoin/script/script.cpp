// Script parsing and template checks.
#include "bitcoin/script/script.h"

#include <cassert>

#include "bitcoin/script/script_num.h"

namespace tonari::bitcoin::script {

std::optional<ScriptOp> GetOp(util::ByteSpan script, size_t& pc) {
    if (pc >= script.size()) return std::nullopt;
    size_t pos = pc;
    const uint8_t byte = script[pos++];
    const auto op = static_cast<Opcode>(byte);
    if (!IsDataPush(op)) {
        pc = pos;
        return ScriptOp{op, {}};
    }
    const size_t remaining_after_op = script.size() - pos;
    size_t prefix = 0;
    if (op == Opcode::OP_PUSHDATA1) prefix = 1;
    if (op == Opcode::OP_PUSHDATA2) prefix = 2;
    if (op == Opcode::OP_PUSHDATA4) prefix = 4;
    if (prefix > remaining_after_op) return std::nullopt;
    uint64_t size = prefix == 0 ? byte : 0;
    for (size_t i = 0; i < prefix; ++i) size |= static_cast<uint64_t>(script[pos + i]) << (8 * i);
    pos += prefix;
    // Compare before adding: a PUSHDATA4 length near 2^32 must not wrap pos around.
    if (size > script.size() - pos) return std::nullopt;
    const util::ByteSpan data = script.subspan(pos, static_cast<size_t>(size));
    pc = pos + static_cast<size_t>(size);
    return ScriptOp{op, data};
}

bool IsPushOnly(util::ByteSpan script) {
    size_t pc = 0;
    while (pc < script.size()) {
        const auto op = GetOp(script, pc);
        if (!op || ToByte(op->op) > ToByte(Opcode::OP_16)) return false;
    }
    return true;
}

bool IsUnspendable(util::ByteSpan script) {
    return (!script.empty() && script[0] == ToByte(Opcode::OP_RETURN)) || script.size() > MAX_SCRIPT_SIZE;
}

bool IsPayToScriptHash(util::ByteSpan script) {
    return script.size() == 23 && script[0] == ToByte(Opcode::OP_HASH160) && script[1] == 20 &&
           script[22] == ToByte(Opcode::OP_EQUAL);
}

bool IsPayToWitnessScriptHash(util::ByteSpan script) {
    return script.size() == 34 && script[0] == ToByte(Opcode::OP_0) && script[1] == 32;
}

bool IsPayToTaproot(util::ByteSpan script) {
    return script.size() == 34 && script[0] == ToByte(Opcode::OP_1) && script[1] == 32;
}

bool IsPayToAnchor(util::ByteSpan script) {
    return script.size() == 4 && script[0] == ToByte(Opcode::OP_1) && script[1] == 0x02 &&
           script[2] == 0x4e && script[3] == 0x73;
}

std::optional<WitnessProgram> GetWitnessProgram(util::ByteSpan script) {
    if (script.size() < 4 || script.size() > 42) return std::nullopt;
    const auto version_op = static_cast<Opcode>(script[0]);
    if (version_op != Opcode::OP_0 && !IsSmallInteger(version_op)) return std::nullopt;
    // The size bounds above make this a direct push of 2..40 bytes.
    if (static_cast<size_t>(script[1]) + 2 != script.size()) return std::nullopt;
    return WitnessProgram{DecodeOpN(version_op), script.subspan(2)};
}

bool CheckMinimalPush(util::ByteSpan data, Opcode op) {
    assert(IsDataPush(op));
    const uint8_t code = ToByte(op);
    if (data.empty()) return op == Opcode::OP_0;
    if (data.size() == 1 && data[0] >= 1 && data[0] <= 16) return op == EncodeOpN(data[0]);
    if (data.size() == 1 && data[0] == 0x81) return op == Opcode::OP_1NEGATE;
    if (data.size() <= 75) return code == data.size();
    if (data.size() <= 0xff) return op == Opcode::OP_PUSHDATA1;
    if (data.size() <= 0xffff) return op == Opcode::OP_PUSHDATA2;
    return true;
}

void AppendPush(util::Bytes& script, util::ByteSpan data) {
    const size_t n = data.size();
    if (n < ToByte(Opcode::OP_PUSHDATA1)) {
        script.push_back(static_cast<uint8_t>(n));
    } else if (n <= 0xff) {
        script.push_back(ToByte(Opcode::OP_PUSHDATA1));
        script.push_back(static_cast<uint8_t>(n));
    } else if (n <= 0xffff) {
        script.push_back(ToByte(Opcode::OP_PUSHDATA2));
        script.push_back(static_cast<uint8_t>(n));
        script.push_back(static_cast<uint8_t>(n >> 8));
    } else {
        script.push_back(ToByte(Opcode::OP_PUSHDATA4));
        for (int i = 0; i < 4; ++i) script.push_back(static_cast<uint8_t>(n >> (8 * i)));
    }
    util::Append(script, data);
}

ScriptBuilder& ScriptBuilder::Op(Opcode op) {
    m_script.push_back(ToByte(op));
    return *this;
}

ScriptBuilder& ScriptBuilder::Push(util::ByteSpan data) {
    AppendPush(m_script, data);
    return *this;
}

ScriptBuilder& ScriptBuilder::PushMinimal(util::ByteSpan data) {
    if (data.size() == 1 && data[0] >= 1 && data[0] <= 16) return Op(EncodeOpN(data[0]));
    if (data.size() == 1 && data[0] == 0x81) return Op(Opcode::OP_1NEGATE);
    return Push(data);
}

ScriptBuilder& ScriptBuilder::PushInt(int64_t n) {
    if (n == -1) return Op(Opcode::OP_1NEGATE);
    if (n >= 0 && n <= 16) return Op(EncodeOpN(static_cast<int>(n)));
    return PushNumData(n);
}

ScriptBuilder& ScriptBuilder::PushNumData(int64_t n) {
    return Push(EncodeScriptNum(n));
}

ScriptBuilder& ScriptBuilder::Raw(util::ByteSpan bytes) {
    util::Append(m_script, bytes);
    return *this;
}

}  // namespace tonari::bitcoin::script
