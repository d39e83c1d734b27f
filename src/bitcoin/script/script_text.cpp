// Script text parsing (Bitcoin Core's test-vector notation); see script_text.h.
#include "bitcoin/script/script_text.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>

#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "util/hex.h"

namespace tonari::bitcoin::script {
namespace {

// Core rejects decimal values outside this range: no script number an opcode accepts is
// larger (lock times stop at 5 bytes), so a bigger literal is a typo in the vector.
constexpr uint64_t MAX_DECIMAL_MAGNITUDE = 0xffffffff;

bool IsSeparator(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsDecimalToken(std::string_view token) {
    if (!token.empty() && token.front() == '-') token.remove_prefix(1);
    return !token.empty() && std::all_of(token.begin(), token.end(), IsDigit);
}

// The token's value, or nullopt when its magnitude exceeds MAX_DECIMAL_MAGNITUDE. Any number
// of leading zeros is fine; accumulation stops growing once out of range, so it cannot wrap.
std::optional<int64_t> DecimalValue(std::string_view token) {
    const bool negative = token.front() == '-';
    if (negative) token.remove_prefix(1);
    uint64_t magnitude = 0;
    for (char c : token) {
        magnitude = magnitude * 10 + static_cast<uint64_t>(c - '0');
        if (magnitude > MAX_DECIMAL_MAGNITUDE) return std::nullopt;
    }
    const auto value = static_cast<int64_t>(magnitude);
    return negative ? -value : value;
}

using OpcodeTable = std::map<std::string, Opcode, std::less<>>;

OpcodeTable BuildOpcodeTable() {
    OpcodeTable table;
    auto add = [&table](std::string_view name, Opcode op) {
        table.emplace(std::string(name), op);
        if (name.starts_with("OP_")) table.emplace(std::string(name.substr(3)), op);
    };
    // As in Core: the named non-push opcodes, and OP_RESERVED.
    add(GetOpName(Opcode::OP_RESERVED), Opcode::OP_RESERVED);
    for (unsigned b = ToByte(Opcode::OP_NOP); b <= ToByte(MAX_OPCODE); ++b) {
        const auto op = static_cast<Opcode>(b);
        const std::string_view name = GetOpName(op);
        if (name != "OP_UNKNOWN") add(name, op);
    }
    // Aliases for the constants, which GetOpName prints as numbers. Bare digits stay numbers
    // (decided before any lookup), so only the prefixed forms and TRUE/FALSE reach this table.
    table.emplace("OP_0", Opcode::OP_0);
    table.emplace("OP_FALSE", Opcode::OP_0);
    table.emplace("FALSE", Opcode::OP_0);
    table.emplace("OP_TRUE", Opcode::OP_1);
    table.emplace("TRUE", Opcode::OP_1);
    table.emplace("OP_1NEGATE", Opcode::OP_1NEGATE);
    for (int n = 1; n <= 16; ++n) table.emplace("OP_" + std::to_string(n), EncodeOpN(n));
    return table;
}

std::optional<Opcode> LookupOpcode(std::string_view name) {
    static const OpcodeTable table = BuildOpcodeTable();
    const auto it = table.find(name);
    if (it == table.end()) return std::nullopt;
    return it->second;
}

std::string Quote(std::string_view token) { return "'" + std::string(token) + "'"; }

}  // namespace

util::Result<util::Bytes, std::string> ParseScriptText(std::string_view text) {
    ScriptBuilder script;
    size_t pos = 0;
    while (pos < text.size()) {
        if (IsSeparator(text[pos])) {
            ++pos;
            continue;
        }
        size_t end = pos;
        while (end < text.size() && !IsSeparator(text[end])) ++end;
        const std::string_view token = text.substr(pos, end - pos);
        pos = end;

        if (IsDecimalToken(token)) {
            const auto value = DecimalValue(token);
            if (!value) {
                return util::Fail("script parse error: decimal " + Quote(token) +
                                  " outside the range -0xFFFFFFFF...0xFFFFFFFF");
            }
            script.PushInt(*value);
        } else if (token.size() > 2 && token.starts_with("0x")) {
            const auto raw = util::HexDecode(token.substr(2));
            if (!raw) return util::Fail("script parse error: bad raw hex " + Quote(token));
            script.Raw(*raw);
        } else if (token.size() >= 2 && token.front() == '\'' && token.back() == '\'') {
            script.Push(util::AsBytes(token.substr(1, token.size() - 2)));
        } else if (const auto op = LookupOpcode(token)) {
            script.Op(*op);
        } else {
            return util::Fail("script parse error: unknown opcode " + Quote(token));
        }
    }
    return script.Take();
}

}  // namespace tonari::bitcoin::script
