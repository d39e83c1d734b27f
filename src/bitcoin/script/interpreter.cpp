// EvalScript: the opcode loop, with the exact consensus behaviour of every opcode, the
// numeric and size limits, and the per-flag policy rules. VerifyScript and the witness
// programs that call it live in verify_script.cpp; signature checks against a transaction in
// signature_checker.cpp.
#include <algorithm>
#include <array>

#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/interpreter_internal.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/script_num.h"
#include "bitcoin/script/signature_encoding.h"
#include "crypto/hmac.h"
#include "crypto/keys.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "util/blob.h"

namespace tonari::bitcoin::script {
namespace {

using util::Bytes;
using util::ByteSpan;

// Secp256k1 group order n, halved (big-endian): signatures with S above it are "high S",
// the malleated twin of a low-S signature (BIP146 LOW_S).
constexpr std::array<uint8_t, 32> HALF_ORDER = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

// Secp256k1 group order n (big-endian).
constexpr std::array<uint8_t, 32> GROUP_ORDER = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

// BIP342: each executed signature check costs this much of the witness-size budget.
constexpr int64_t VALIDATION_WEIGHT_PER_SIGOP_PASSED = 50;

util::Unexpected<ScriptError> Err(ScriptError e) { return util::Fail(e); }

// Which IF branches are being executed, as a count and the depth of the first false entry:
// O(1) per operation however deep the nesting (a linear scan here was a quadratic-time DoS).
class ConditionStack {
public:
    bool Empty() const { return m_size == 0; }
    bool AllTrue() const { return m_first_false == NO_FALSE; }
    void Push(bool value) {
        if (m_first_false == NO_FALSE && !value) m_first_false = m_size;
        ++m_size;
    }
    void Pop() {
        --m_size;
        if (m_first_false == m_size) m_first_false = NO_FALSE;
    }
    void ToggleTop() {
        if (m_first_false == NO_FALSE) {
            m_first_false = m_size - 1;
        } else if (m_first_false == m_size - 1) {
            m_first_false = NO_FALSE;
        }
    }

private:
    static constexpr uint32_t NO_FALSE = 0xffffffff;
    uint32_t m_size = 0;
    uint32_t m_first_false = NO_FALSE;
};

bool IsDisabled(Opcode op) {
    using enum Opcode;
    switch (op) {
    case OP_CAT: case OP_SUBSTR: case OP_LEFT: case OP_RIGHT: case OP_INVERT: case OP_AND:
    case OP_OR: case OP_XOR: case OP_2MUL: case OP_2DIV: case OP_MUL: case OP_DIV: case OP_MOD:
    case OP_LSHIFT: case OP_RSHIFT:
        return true;
    default:
        return false;
    }
}

bool IsCompressedOrUncompressedPubKey(ByteSpan key) {
    if (key.size() < 33) return false;
    if (key[0] == 0x04) return key.size() == 65;
    if (key[0] == 0x02 || key[0] == 0x03) return key.size() == 33;
    return false;
}

bool IsCompressedPubKey(ByteSpan key) { return key.size() == 33 && (key[0] == 0x02 || key[0] == 0x03); }

// Not "high S", read as Bitcoin Core reads it: lax DER, and a signature whose r or s is not
// below the group order counts as the all-zero signature (which is low, and cannot verify).
bool HasLowS(ByteSpan sig_with_hashtype) {
    const auto rs = crypto::ParseDerLax(sig_with_hashtype.first(sig_with_hashtype.size() - 1));
    if (!rs) return false;
    const auto r = rs->begin();
    const auto s = rs->begin() + 32;
    const auto below_order = [](auto it) {
        return std::lexicographical_compare(it, it + 32, GROUP_ORDER.begin(), GROUP_ORDER.end());
    };
    if (!below_order(r) || !below_order(s)) return true;
    return !std::lexicographical_compare(HALF_ORDER.begin(), HALF_ORDER.end(), s, s + 32);
}

ScriptError CheckSignatureEncoding(ByteSpan sig, ScriptFlags flags) {
    // An empty signature is the compact way to make a CHECKSIG fail on purpose.
    if (sig.empty()) return ScriptError::OK;
    if ((flags & (SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_LOW_S | SCRIPT_VERIFY_STRICTENC)) != 0 &&
        !IsValidSignatureEncoding(sig)) {
        return ScriptError::SIG_DER;
    }
    if ((flags & SCRIPT_VERIFY_LOW_S) != 0 && !HasLowS(sig)) return ScriptError::SIG_HIGH_S;
    if ((flags & SCRIPT_VERIFY_STRICTENC) != 0 && !IsDefinedHashtypeSignature(sig)) return ScriptError::SIG_HASHTYPE;
    return ScriptError::OK;
}

ScriptError CheckPubKeyEncoding(ByteSpan key, ScriptFlags flags, SigVersion sigversion) {
    if ((flags & SCRIPT_VERIFY_STRICTENC) != 0 && !IsCompressedOrUncompressedPubKey(key)) {
        return ScriptError::PUBKEYTYPE;
    }
    if ((flags & SCRIPT_VERIFY_WITNESS_PUBKEYTYPE) != 0 && sigversion == SigVersion::WITNESS_V0 &&
        !IsCompressedPubKey(key)) {
        return ScriptError::WITNESS_PUBKEYTYPE;
    }
    return ScriptError::OK;
}

// The subscript a legacy signature commits to: from the last executed OP_CODESEPARATOR on,
// minus every push of the signature itself (FindAndDelete).
util::Result<Bytes, ScriptError> LegacyScriptCode(ByteSpan code, ByteSpan sig, ScriptFlags flags) {
    Bytes script_code(code.begin(), code.end());
    Bytes pattern;
    AppendPush(pattern, sig);
    if (FindAndDelete(script_code, pattern) > 0 && (flags & SCRIPT_VERIFY_CONST_SCRIPTCODE) != 0) {
        return Err(ScriptError::SIG_FINDANDDELETE);
    }
    return script_code;
}

// CHECKSIG in legacy and segwit v0 scripts. `code` is the script from the last
// OP_CODESEPARATOR on.
util::Result<bool, ScriptError> EvalChecksigEcdsa(ByteSpan sig, ByteSpan pubkey, ByteSpan code, ScriptFlags flags,
                                                  const SignatureChecker& checker, SigVersion sigversion) {
    Bytes legacy_code;
    if (sigversion == SigVersion::BASE) {
        auto c = LegacyScriptCode(code, sig, flags);
        if (!c) return Err(c.error());
        legacy_code = std::move(*c);
        code = legacy_code;
    }
    if (auto e = CheckSignatureEncoding(sig, flags); e != ScriptError::OK) return Err(e);
    if (auto e = CheckPubKeyEncoding(pubkey, flags, sigversion); e != ScriptError::OK) return Err(e);
    const bool ok = checker.CheckEcdsaSignature(sig, pubkey, code, sigversion);
    if (!ok && (flags & SCRIPT_VERIFY_NULLFAIL) != 0 && !sig.empty()) return Err(ScriptError::NULLFAIL);
    return ok;
}

// CHECKSIG / CHECKSIGVERIFY / CHECKSIGADD in tapscript (BIP342).
util::Result<bool, ScriptError> EvalChecksigTapscript(ByteSpan sig, ByteSpan pubkey, ScriptFlags flags,
                                                      const SignatureChecker& checker,
                                                      ScriptExecutionData& execdata) {
    const bool attempted = !sig.empty();
    if (attempted) {
        execdata.validation_weight_left -= VALIDATION_WEIGHT_PER_SIGOP_PASSED;
        if (execdata.validation_weight_left < 0) return Err(ScriptError::TAPSCRIPT_VALIDATION_WEIGHT);
    }
    if (pubkey.empty()) return Err(ScriptError::TAPSCRIPT_EMPTY_PUBKEY);
    if (pubkey.size() == 32) {
        if (attempted) {
            const ScriptError e = checker.CheckSchnorrSignature(sig, pubkey, SigVersion::TAPSCRIPT, execdata);
            if (e != ScriptError::OK) return Err(e);
        }
    } else if ((flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE) != 0) {
        // Unknown key types are reserved for future soft forks and succeed today.
        return Err(ScriptError::DISCOURAGE_UPGRADABLE_PUBKEYTYPE);
    }
    return attempted;
}

util::Result<bool, ScriptError> EvalChecksig(ByteSpan sig, ByteSpan pubkey, ByteSpan code, ScriptFlags flags,
                                             const SignatureChecker& checker, SigVersion sigversion,
                                             ScriptExecutionData& execdata) {
    if (sigversion == SigVersion::TAPSCRIPT) return EvalChecksigTapscript(sig, pubkey, flags, checker, execdata);
    return EvalChecksigEcdsa(sig, pubkey, code, flags, checker, sigversion);
}

}  // namespace

bool CastToBool(ByteSpan v) {
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] != 0) {
            // Negative zero is false.
            return !(i == v.size() - 1 && v[i] == 0x80);
        }
    }
    return false;
}

util::Result<void, ScriptError> EvalScript(ScriptStack& stack, ByteSpan script, ScriptFlags flags,
                                           const SignatureChecker& checker, SigVersion sigversion,
                                           ScriptExecutionData& execdata) {
    using enum Opcode;
    const bool legacy_limits = sigversion == SigVersion::BASE || sigversion == SigVersion::WITNESS_V0;
    if (legacy_limits && script.size() > MAX_SCRIPT_SIZE) return Err(ScriptError::SCRIPT_SIZE);

    const bool require_minimal = (flags & SCRIPT_VERIFY_MINIMALDATA) != 0;
    const Bytes vch_false;
    const Bytes vch_true{1};

    ScriptStack altstack;
    ConditionStack exec;
    size_t pc = 0;
    size_t code_begin = 0;  // just after the last executed OP_CODESEPARATOR
    int op_count = 0;
    uint32_t opcode_pos = 0;
    execdata.sighash.codeseparator_pos = 0xffffffff;

    // stack[stack.size() - i], for i >= 1; callers check the depth first.
    auto top = [&stack](size_t i) -> Bytes& { return stack[stack.size() - i]; };
    auto need = [&stack](size_t n) { return stack.size() >= n; };
    auto num = [&](size_t i, size_t max_size = DEFAULT_MAX_NUM_SIZE) {
        return DecodeScriptNum(top(i), require_minimal, max_size);
    };
    auto push_bool = [&](bool b) { stack.push_back(b ? vch_true : vch_false); };

    for (; pc < script.size(); ++opcode_pos) {
        const bool executing = exec.AllTrue();
        const auto parsed = GetOp(script, pc);
        if (!parsed) return Err(ScriptError::BAD_OPCODE);
        const Opcode op = parsed->op;
        const ByteSpan data = parsed->data;
        if (data.size() > MAX_SCRIPT_ELEMENT_SIZE) return Err(ScriptError::PUSH_SIZE);

        // Counted even in unexecuted branches; OP_RESERVED and the pushes do not count.
        if (legacy_limits && ToByte(op) > ToByte(OP_16) && ++op_count > MAX_OPS_PER_SCRIPT) {
            return Err(ScriptError::OP_COUNT);
        }
        // Disabled opcodes fail even where they are not executed (CVE-2010-5137 era). In
        // tapscript they are OP_SUCCESSx and never get here through VerifyScript.
        if (IsDisabled(op)) return Err(ScriptError::DISABLED_OPCODE);
        if (op == OP_CODESEPARATOR && sigversion == SigVersion::BASE &&
            (flags & SCRIPT_VERIFY_CONST_SCRIPTCODE) != 0) {
            return Err(ScriptError::OP_CODESEPARATOR);
        }

        if (executing && IsDataPush(op)) {
            if (require_minimal && !CheckMinimalPush(data, op)) return Err(ScriptError::MINIMALDATA);
            stack.emplace_back(data.begin(), data.end());
        } else if (executing || (ToByte(op) >= ToByte(OP_IF) && ToByte(op) <= ToByte(OP_ENDIF))) {
            switch (op) {
            case OP_1NEGATE: case OP_1: case OP_2: case OP_3: case OP_4: case OP_5: case OP_6: case OP_7:
            case OP_8: case OP_9: case OP_10: case OP_11: case OP_12: case OP_13: case OP_14: case OP_15:
            case OP_16:
                stack.push_back(EncodeScriptNum(DecodeOpN(op)));
                break;

            case OP_NOP:
                break;

            case OP_CHECKLOCKTIMEVERIFY: {
                if ((flags & SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY) == 0) break;  // still OP_NOP2
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                // Five bytes: lock times reach 2^32 - 1, beyond the 4-byte arithmetic range.
                const auto locktime = num(1, LOCKTIME_MAX_NUM_SIZE);
                if (!locktime) return Err(ScriptError::SCRIPTNUM);
                if (*locktime < 0) return Err(ScriptError::NEGATIVE_LOCKTIME);
                if (!checker.CheckLockTime(*locktime)) return Err(ScriptError::UNSATISFIED_LOCKTIME);
                break;
            }

            case OP_CHECKSEQUENCEVERIFY: {
                if ((flags & SCRIPT_VERIFY_CHECKSEQUENCEVERIFY) == 0) break;  // still OP_NOP3
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto sequence = num(1, LOCKTIME_MAX_NUM_SIZE);
                if (!sequence) return Err(ScriptError::SCRIPTNUM);
                if (*sequence < 0) return Err(ScriptError::NEGATIVE_LOCKTIME);
                // With the disable bit set the operand means nothing yet: a NOP for future use.
                if ((*sequence & (int64_t{1} << 31)) != 0) break;
                if (!checker.CheckSequence(*sequence)) return Err(ScriptError::UNSATISFIED_LOCKTIME);
                break;
            }

            case OP_NOP1: case OP_NOP4: case OP_NOP5: case OP_NOP6: case OP_NOP7: case OP_NOP8: case OP_NOP9:
            case OP_NOP10:
                if ((flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS) != 0) {
                    return Err(ScriptError::DISCOURAGE_UPGRADABLE_NOPS);
                }
                break;

            case OP_IF: case OP_NOTIF: {
                bool value = false;
                if (executing) {
                    if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                    const Bytes& cond = top(1);
                    const bool minimal = cond.empty() || (cond.size() == 1 && cond[0] == 1);
                    if (sigversion == SigVersion::TAPSCRIPT && !minimal) return Err(ScriptError::TAPSCRIPT_MINIMALIF);
                    if (sigversion == SigVersion::WITNESS_V0 && (flags & SCRIPT_VERIFY_MINIMALIF) != 0 && !minimal) {
                        return Err(ScriptError::MINIMALIF);
                    }
                    value = CastToBool(cond);
                    if (op == OP_NOTIF) value = !value;
                    stack.pop_back();
                }
                exec.Push(value);
                break;
            }

            case OP_ELSE:
                if (exec.Empty()) return Err(ScriptError::UNBALANCED_CONDITIONAL);
                exec.ToggleTop();
                break;

            case OP_ENDIF:
                if (exec.Empty()) return Err(ScriptError::UNBALANCED_CONDITIONAL);
                exec.Pop();
                break;

            case OP_VERIFY:
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                if (!CastToBool(top(1))) return Err(ScriptError::VERIFY);
                stack.pop_back();
                break;

            case OP_RETURN:
                return Err(ScriptError::OP_RETURN);

            case OP_TOALTSTACK:
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                altstack.push_back(std::move(top(1)));
                stack.pop_back();
                break;

            case OP_FROMALTSTACK:
                if (altstack.empty()) return Err(ScriptError::INVALID_ALTSTACK_OPERATION);
                stack.push_back(std::move(altstack.back()));
                altstack.pop_back();
                break;

            case OP_2DROP:
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                stack.pop_back();
                stack.pop_back();
                break;

            case OP_2DUP: {
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                Bytes a = top(2), b = top(1);
                stack.push_back(std::move(a));
                stack.push_back(std::move(b));
                break;
            }

            case OP_3DUP: {
                if (!need(3)) return Err(ScriptError::INVALID_STACK_OPERATION);
                Bytes a = top(3), b = top(2), c = top(1);
                stack.push_back(std::move(a));
                stack.push_back(std::move(b));
                stack.push_back(std::move(c));
                break;
            }

            case OP_2OVER: {
                if (!need(4)) return Err(ScriptError::INVALID_STACK_OPERATION);
                Bytes a = top(4), b = top(3);
                stack.push_back(std::move(a));
                stack.push_back(std::move(b));
                break;
            }

            case OP_2ROT: {
                if (!need(6)) return Err(ScriptError::INVALID_STACK_OPERATION);
                Bytes a = std::move(top(6)), b = std::move(top(5));
                stack.erase(stack.end() - 6, stack.end() - 4);
                stack.push_back(std::move(a));
                stack.push_back(std::move(b));
                break;
            }

            case OP_2SWAP:
                if (!need(4)) return Err(ScriptError::INVALID_STACK_OPERATION);
                std::swap(top(4), top(2));
                std::swap(top(3), top(1));
                break;

            case OP_IFDUP:
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                if (CastToBool(top(1))) stack.push_back(Bytes(top(1)));
                break;

            case OP_DEPTH:
                stack.push_back(EncodeScriptNum(static_cast<int64_t>(stack.size())));
                break;

            case OP_DROP:
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                stack.pop_back();
                break;

            case OP_DUP:
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                stack.push_back(Bytes(top(1)));
                break;

            case OP_NIP:
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                stack.erase(stack.end() - 2);
                break;

            case OP_OVER:
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                stack.push_back(Bytes(top(2)));
                break;

            case OP_PICK: case OP_ROLL: {
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto n_raw = num(1);
                if (!n_raw) return Err(ScriptError::SCRIPTNUM);
                const int64_t n = ScriptNumToInt32(*n_raw);
                stack.pop_back();
                if (n < 0 || n >= static_cast<int64_t>(stack.size())) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto index = static_cast<size_t>(n) + 1;
                Bytes value = top(index);
                if (op == OP_ROLL) stack.erase(stack.end() - static_cast<ptrdiff_t>(index));
                stack.push_back(std::move(value));
                break;
            }

            case OP_ROT:
                if (!need(3)) return Err(ScriptError::INVALID_STACK_OPERATION);
                std::swap(top(3), top(2));
                std::swap(top(2), top(1));
                break;

            case OP_SWAP:
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                std::swap(top(2), top(1));
                break;

            case OP_TUCK: {
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                Bytes value = top(1);
                stack.insert(stack.end() - 2, std::move(value));
                break;
            }

            case OP_SIZE:
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                stack.push_back(EncodeScriptNum(static_cast<int64_t>(top(1).size())));
                break;

            case OP_EQUAL: case OP_EQUALVERIFY: {
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const bool equal = top(2) == top(1);
                stack.pop_back();
                stack.pop_back();
                push_bool(equal);
                if (op == OP_EQUALVERIFY) {
                    if (!equal) return Err(ScriptError::EQUALVERIFY);
                    stack.pop_back();
                }
                break;
            }

            case OP_1ADD: case OP_1SUB: case OP_NEGATE: case OP_ABS: case OP_NOT: case OP_0NOTEQUAL: {
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto a = num(1);
                if (!a) return Err(ScriptError::SCRIPTNUM);
                int64_t r = *a;
                switch (op) {
                case OP_1ADD: r = *a + 1; break;
                case OP_1SUB: r = *a - 1; break;
                case OP_NEGATE: r = -*a; break;
                case OP_ABS: r = *a < 0 ? -*a : *a; break;
                case OP_NOT: r = *a == 0; break;
                default: r = *a != 0; break;  // OP_0NOTEQUAL
                }
                stack.pop_back();
                stack.push_back(EncodeScriptNum(r));
                break;
            }

            case OP_ADD: case OP_SUB: case OP_BOOLAND: case OP_BOOLOR: case OP_NUMEQUAL: case OP_NUMEQUALVERIFY:
            case OP_NUMNOTEQUAL: case OP_LESSTHAN: case OP_GREATERTHAN: case OP_LESSTHANOREQUAL:
            case OP_GREATERTHANOREQUAL: case OP_MIN: case OP_MAX: {
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto a = num(2);
                if (!a) return Err(ScriptError::SCRIPTNUM);
                const auto b = num(1);
                if (!b) return Err(ScriptError::SCRIPTNUM);
                int64_t r = 0;
                switch (op) {
                case OP_ADD: r = *a + *b; break;
                case OP_SUB: r = *a - *b; break;
                case OP_BOOLAND: r = *a != 0 && *b != 0; break;
                case OP_BOOLOR: r = *a != 0 || *b != 0; break;
                case OP_NUMEQUAL: case OP_NUMEQUALVERIFY: r = *a == *b; break;
                case OP_NUMNOTEQUAL: r = *a != *b; break;
                case OP_LESSTHAN: r = *a < *b; break;
                case OP_GREATERTHAN: r = *a > *b; break;
                case OP_LESSTHANOREQUAL: r = *a <= *b; break;
                case OP_GREATERTHANOREQUAL: r = *a >= *b; break;
                case OP_MIN: r = std::min(*a, *b); break;
                default: r = std::max(*a, *b); break;  // OP_MAX
                }
                stack.pop_back();
                stack.pop_back();
                stack.push_back(EncodeScriptNum(r));
                if (op == OP_NUMEQUALVERIFY) {
                    if (r == 0) return Err(ScriptError::NUMEQUALVERIFY);
                    stack.pop_back();
                }
                break;
            }

            case OP_WITHIN: {
                if (!need(3)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto x = num(3);
                if (!x) return Err(ScriptError::SCRIPTNUM);
                const auto lo = num(2);
                if (!lo) return Err(ScriptError::SCRIPTNUM);
                const auto hi = num(1);
                if (!hi) return Err(ScriptError::SCRIPTNUM);
                const bool within = *lo <= *x && *x < *hi;
                stack.resize(stack.size() - 3);
                push_bool(within);
                break;
            }

            case OP_RIPEMD160: case OP_SHA1: case OP_SHA256: case OP_HASH160: case OP_HASH256: {
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const Bytes& in = top(1);
                Bytes out;
                if (op == OP_RIPEMD160) {
                    const auto h = crypto::Ripemd160(in);
                    out.assign(h.begin(), h.end());
                } else if (op == OP_SHA1) {
                    const auto h = crypto::Sha1(in);
                    out.assign(h.begin(), h.end());
                } else if (op == OP_SHA256) {
                    const auto h = crypto::Sha256Hash(in);
                    out.assign(h.begin(), h.end());
                } else if (op == OP_HASH160) {
                    const auto h = crypto::Hash160(in);
                    out.assign(h.begin(), h.end());
                } else {
                    const auto h = crypto::Sha256d(in);
                    out.assign(h.begin(), h.end());
                }
                top(1) = std::move(out);
                break;
            }

            case OP_CODESEPARATOR:
                code_begin = pc;
                execdata.sighash.codeseparator_pos = opcode_pos;
                break;

            case OP_CHECKSIG: case OP_CHECKSIGVERIFY: {
                if (!need(2)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto ok = EvalChecksig(top(2), top(1), script.subspan(code_begin), flags, checker, sigversion,
                                             execdata);
                if (!ok) return Err(ok.error());
                stack.pop_back();
                stack.pop_back();
                push_bool(*ok);
                if (op == OP_CHECKSIGVERIFY) {
                    if (!*ok) return Err(ScriptError::CHECKSIGVERIFY);
                    stack.pop_back();
                }
                break;
            }

            case OP_CHECKSIGADD: {
                // Tapscript only: in older scripts this byte was never defined.
                if (legacy_limits) return Err(ScriptError::BAD_OPCODE);
                if (!need(3)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto n = num(2);
                if (!n) return Err(ScriptError::SCRIPTNUM);
                const auto ok = EvalChecksig(top(3), top(1), {}, flags, checker, sigversion, execdata);
                if (!ok) return Err(ok.error());
                stack.resize(stack.size() - 3);
                stack.push_back(EncodeScriptNum(*n + (*ok ? 1 : 0)));
                break;
            }

            case OP_CHECKMULTISIG: case OP_CHECKMULTISIGVERIFY: {
                if (sigversion == SigVersion::TAPSCRIPT) return Err(ScriptError::TAPSCRIPT_CHECKMULTISIG);
                // Layout, top down: n_keys, keys..., n_sigs, sigs..., dummy.
                size_t i = 1;
                if (!need(i)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto keys_raw = num(i);
                if (!keys_raw) return Err(ScriptError::SCRIPTNUM);
                int keys = ScriptNumToInt32(*keys_raw);
                if (keys < 0 || keys > MAX_PUBKEYS_PER_MULTISIG) return Err(ScriptError::PUBKEY_COUNT);
                op_count += keys;
                if (op_count > MAX_OPS_PER_SCRIPT) return Err(ScriptError::OP_COUNT);
                size_t key_i = ++i;
                // Items that NULLFAIL checks: the signatures, not the keys (counted from the top).
                size_t keys_left_for_nullfail = static_cast<size_t>(keys) + 2;
                i += static_cast<size_t>(keys);
                if (!need(i)) return Err(ScriptError::INVALID_STACK_OPERATION);
                const auto sigs_raw = num(i);
                if (!sigs_raw) return Err(ScriptError::SCRIPTNUM);
                int sigs = ScriptNumToInt32(*sigs_raw);
                if (sigs < 0 || sigs > keys) return Err(ScriptError::SIG_COUNT);
                size_t sig_i = ++i;
                i += static_cast<size_t>(sigs);
                if (!need(i)) return Err(ScriptError::INVALID_STACK_OPERATION);

                ByteSpan code = script.subspan(code_begin);
                Bytes legacy_code;
                if (sigversion == SigVersion::BASE) {
                    legacy_code.assign(code.begin(), code.end());
                    for (int k = 0; k < sigs; ++k) {
                        Bytes pattern;
                        AppendPush(pattern, top(sig_i + static_cast<size_t>(k)));
                        if (FindAndDelete(legacy_code, pattern) > 0 &&
                            (flags & SCRIPT_VERIFY_CONST_SCRIPTCODE) != 0) {
                            return Err(ScriptError::SIG_FINDANDDELETE);
                        }
                    }
                    code = legacy_code;
                }

                bool success = true;
                while (success && sigs > 0) {
                    const Bytes& sig = top(sig_i);
                    const Bytes& key = top(key_i);
                    if (auto e = CheckSignatureEncoding(sig, flags); e != ScriptError::OK) return Err(e);
                    if (auto e = CheckPubKeyEncoding(key, flags, sigversion); e != ScriptError::OK) return Err(e);
                    if (checker.CheckEcdsaSignature(sig, key, code, sigversion)) {
                        ++sig_i;
                        --sigs;
                    }
                    ++key_i;
                    --keys;
                    // More signatures left than keys: it can no longer succeed.
                    if (sigs > keys) success = false;
                }

                // Pop everything but the dummy; under NULLFAIL every signature must be empty on failure.
                while (i-- > 1) {
                    if (!success && (flags & SCRIPT_VERIFY_NULLFAIL) != 0 && keys_left_for_nullfail == 0 &&
                        !top(1).empty()) {
                        return Err(ScriptError::NULLFAIL);
                    }
                    if (keys_left_for_nullfail > 0) --keys_left_for_nullfail;
                    stack.pop_back();
                }
                // The extra item consumed by the historic off-by-one (BIP147: must be empty).
                if (!need(1)) return Err(ScriptError::INVALID_STACK_OPERATION);
                if ((flags & SCRIPT_VERIFY_NULLDUMMY) != 0 && !top(1).empty()) return Err(ScriptError::SIG_NULLDUMMY);
                stack.pop_back();
                push_bool(success);
                if (op == OP_CHECKMULTISIGVERIFY) {
                    if (!success) return Err(ScriptError::CHECKMULTISIGVERIFY);
                    stack.pop_back();
                }
                break;
            }

            default:
                return Err(ScriptError::BAD_OPCODE);
            }
        }

        if (stack.size() + altstack.size() > MAX_STACK_SIZE) return Err(ScriptError::STACK_SIZE);
    }

    if (!exec.Empty()) return Err(ScriptError::UNBALANCED_CONDITIONAL);
    return {};
}

}  // namespace tonari::bitcoin::script
