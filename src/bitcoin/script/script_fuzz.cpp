// libFuzzer target: every script reader (GetOp, asm, Solver, sigop counting, FindAndDelete,
// script numbers) on arbitrary bytes must never crash, and must agree with each other on
// where parsing stops.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "bitcoin/script/asm.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/script_num.h"
#include "bitcoin/script/sighash.h"
#include "bitcoin/script/sigops.h"
#include "bitcoin/script/solver.h"

using namespace tonari::bitcoin::script;
using tonari::util::Bytes;
using tonari::util::ByteSpan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan script(data, size);

    // Walk the operations; each one must lie inside the script and follow the previous one.
    size_t pc = 0;
    bool parse_failed = false;
    bool push_only = true;
    while (pc < script.size()) {
        const size_t before = pc;
        const auto op = GetOp(script, pc);
        if (!op) {
            if (pc != before) std::abort();
            parse_failed = true;
            break;
        }
        if (pc <= before || pc > script.size()) std::abort();
        if (!op->data.empty() && (op->data.data() < data || op->data.data() + op->data.size() > data + size))
            std::abort();
        if (ToByte(op->op) > ToByte(Opcode::OP_16)) push_only = false;
    }
    if (IsPushOnly(script) != (push_only && !parse_failed)) std::abort();

    const std::string text = ScriptToAsm(script, true);
    const bool ends_in_error = text.size() >= 7 && text.compare(text.size() - 7, 7, "[error]") == 0;
    if (ends_in_error != parse_failed) std::abort();
    (void)ScriptToAsm(script, false);

    const SolverResult solved = Solver(script);
    if (solved.type == TxoutType::MULTISIG) {
        if (solved.solutions.size() < 3) std::abort();
        const size_t n = solved.solutions.back()[0];
        if (solved.solutions.size() != n + 2 || solved.solutions.front()[0] > n) std::abort();
    }
    (void)GetTxoutTypeName(solved.type);

    if (CountSigOps(script, true) > CountSigOps(script, false)) std::abort();
    (void)CountP2SHSigOps(script, script);
    (void)CountWitnessSigOps(script, script, {Bytes(script.begin(), script.end())});

    // FindAndDelete with a pattern taken from the input's own first bytes.
    if (size > 0) {
        const size_t pattern_size = 1 + data[0] % 8;
        if (pattern_size <= size) {
            Bytes copy(script.begin(), script.end());
            const ByteSpan pattern = script.first(pattern_size);
            const int found = FindAndDelete(copy, pattern);
            if (found < 0 || copy.size() + static_cast<size_t>(found) * pattern_size != size) std::abort();
        }
    }

    // Minimal script numbers round-trip exactly.
    const ByteSpan num = script.first(size < 8 ? size : 8);
    const auto value = DecodeScriptNum(num, true, 8);
    if (value && EncodeScriptNum(*value) != Bytes(num.begin(), num.end())) std::abort();
    return 0;
}
