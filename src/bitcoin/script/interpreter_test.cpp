// Hand-made interpreter cases that the published vectors do not isolate: flag and error
// names, deep conditionals, stack limits, and the checker interface's defaults.
#include <gtest/gtest.h>

#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/script.h"

namespace tonari::bitcoin::script {
namespace {

using util::Bytes;

util::Result<void, ScriptError> Eval(const Bytes& script, ScriptFlags flags = SCRIPT_VERIFY_NONE,
                                    ScriptStack* out = nullptr) {
    ScriptStack stack;
    ScriptExecutionData execdata;
    const SignatureChecker checker;
    auto r = EvalScript(stack, script, flags, checker, SigVersion::BASE, execdata);
    if (out) *out = stack;
    return r;
}

ScriptError ErrorOf(const util::Result<void, ScriptError>& r) { return r ? ScriptError::OK : r.error(); }

TEST(ScriptFlags, ParseAndFormatRoundTrip) {
    const auto f = ParseScriptFlags("P2SH, WITNESS,TAPROOT");
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT);
    EXPECT_EQ(FormatScriptFlags(*f), "P2SH,WITNESS,TAPROOT");
    EXPECT_EQ(FormatScriptFlags(0), "NONE");
    EXPECT_EQ(*ParseScriptFlags("NONE"), 0u);
    EXPECT_EQ(*ParseScriptFlags(""), 0u);
    const auto all = ParseScriptFlags(FormatScriptFlags(SCRIPT_VERIFY_ALL_KNOWN));
    ASSERT_TRUE(all);
    EXPECT_EQ(*all, SCRIPT_VERIFY_ALL_KNOWN);
}

TEST(ScriptFlags, UnknownFlagIsNamed) {
    const auto f = ParseScriptFlags("P2SH,SEGWIT");
    ASSERT_FALSE(f);
    EXPECT_NE(f.error().find("SEGWIT"), std::string::npos);
}

TEST(ScriptError, NamesRoundTrip) {
    for (size_t i = 0; i < SCRIPT_ERROR_COUNT; ++i) {
        const auto e = static_cast<ScriptError>(i);
        const auto back = ParseScriptErrorName(ScriptErrorName(e));
        ASSERT_TRUE(back) << ScriptErrorName(e);
        EXPECT_EQ(*back, e);
        EXPECT_FALSE(ScriptErrorMessage(e).empty());
    }
    EXPECT_EQ(ScriptErrorName(ScriptError::EVAL_FALSE), "EVAL_FALSE");
    EXPECT_FALSE(ParseScriptErrorName("NOT_AN_ERROR"));
}

TEST(Interpreter, ArithmeticAndComparison) {
    using enum Opcode;
    ScriptStack stack;
    ASSERT_TRUE(Eval(ScriptBuilder().PushInt(7).PushInt(5).Op(OP_SUB).PushInt(2).Op(OP_NUMEQUAL).Take(),
                    SCRIPT_VERIFY_NONE, &stack));
    ASSERT_EQ(stack.size(), 1u);
    EXPECT_EQ(stack[0], Bytes{1});
    // 2^31 - 1 + 1 is a valid 5-byte result but cannot be an operand again.
    const Bytes overflow =
        ScriptBuilder().PushInt(0x7fffffff).Op(OP_1ADD).Op(OP_1ADD).Take();
    EXPECT_EQ(ErrorOf(Eval(overflow)), ScriptError::SCRIPTNUM);
}

TEST(Interpreter, DeeplyNestedConditionalsStayLinear) {
    using enum Opcode;
    // 10,000 nested IFs in the false branch: every one must be tracked, none executed.
    ScriptBuilder b;
    b.Op(OP_0).Op(OP_IF);
    for (int i = 0; i < 4000; ++i) b.Op(OP_IF);
    for (int i = 0; i < 4000; ++i) b.Op(OP_ENDIF);
    b.Op(OP_ENDIF).Op(OP_1);
    // Legacy scripts hit the opcode limit first; tapscript has none.
    EXPECT_EQ(ErrorOf(Eval(b.bytes())), ScriptError::OP_COUNT);
    ScriptStack stack;
    ScriptExecutionData execdata;
    const SignatureChecker checker;
    EXPECT_TRUE(EvalScript(stack, b.bytes(), SCRIPT_VERIFY_NONE, checker, SigVersion::TAPSCRIPT, execdata));
    EXPECT_EQ(stack.size(), 1u);
}

TEST(Interpreter, UnbalancedAndElse) {
    using enum Opcode;
    EXPECT_EQ(ErrorOf(Eval(ScriptBuilder().Op(OP_1).Op(OP_IF).Take())), ScriptError::UNBALANCED_CONDITIONAL);
    EXPECT_EQ(ErrorOf(Eval(ScriptBuilder().Op(OP_ELSE).Take())), ScriptError::UNBALANCED_CONDITIONAL);
    ScriptStack stack;
    ASSERT_TRUE(Eval(ScriptBuilder().Op(OP_0).Op(OP_IF).PushInt(2).Op(OP_ELSE).PushInt(3).Op(OP_ENDIF).Take(),
                    SCRIPT_VERIFY_NONE, &stack));
    ASSERT_EQ(stack.size(), 1u);
    EXPECT_EQ(stack[0], Bytes{3});
}

TEST(Interpreter, DisabledOpcodeFailsEvenUnexecuted) {
    using enum Opcode;
    EXPECT_EQ(ErrorOf(Eval(ScriptBuilder().Op(OP_0).Op(OP_IF).Op(OP_CAT).Op(OP_ENDIF).Take())),
              ScriptError::DISABLED_OPCODE);
    // OP_VERIF too, being inside the IF..ENDIF range.
    EXPECT_EQ(ErrorOf(Eval(ScriptBuilder().Op(OP_0).Op(OP_IF).Op(OP_VERIF).Op(OP_ENDIF).Take())),
              ScriptError::BAD_OPCODE);
    // OP_RESERVED is harmless when not executed.
    EXPECT_TRUE(Eval(ScriptBuilder().Op(OP_0).Op(OP_IF).Op(OP_RESERVED).Op(OP_ENDIF).Take()));
}

TEST(Interpreter, StackSizeLimit) {
    using enum Opcode;
    // Small-number pushes do not count towards the opcode limit, so only the stack limit bites.
    ScriptBuilder b;
    for (int i = 0; i < 1000; ++i) b.Op(OP_1);
    EXPECT_TRUE(Eval(b.bytes()));
    b.Op(OP_1);
    EXPECT_EQ(ErrorOf(Eval(b.bytes())), ScriptError::STACK_SIZE);
}

TEST(Interpreter, DefaultCheckerFailsSignaturesAndNullFailApplies) {
    using enum Opcode;
    const Bytes key(33, 0x02);
    const Bytes sig = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01};
    const Bytes script = ScriptBuilder().Push(sig).Push(key).Op(OP_CHECKSIG).Take();
    ScriptStack stack;
    ASSERT_TRUE(Eval(script, SCRIPT_VERIFY_NONE, &stack));
    EXPECT_TRUE(stack.back().empty());
    EXPECT_EQ(ErrorOf(Eval(script, SCRIPT_VERIFY_NULLFAIL)), ScriptError::NULLFAIL);
}

TEST(Interpreter, LowSTreatsOutOfRangeSignaturesAsZero) {
    using enum Opcode;
    // Strict DER with a 33-byte S of 0x00 ff..ff: S is not below the group order. Bitcoin
    // Core's lax parser turns such a signature into r = s = 0, which is not "high S"; it just
    // fails to verify. Likewise r >= n with a high (but in-range) S.
    Bytes s_overflow = {0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00};
    s_overflow.insert(s_overflow.end(), 32, 0xff);
    s_overflow.push_back(0x01);
    Bytes r_overflow = {0x30, 0x45, 0x02, 0x21, 0x00};
    r_overflow.insert(r_overflow.end(), 32, 0xff);
    const Bytes high_s = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    r_overflow.push_back(0x02);
    r_overflow.push_back(0x20);
    r_overflow.insert(r_overflow.end(), high_s.begin(), high_s.end());
    r_overflow.push_back(0x01);
    Bytes key = {0x02};
    const Bytes gx = {0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07,
                      0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98};
    key.insert(key.end(), gx.begin(), gx.end());
    for (const Bytes& sig : {s_overflow, r_overflow}) {
        const Bytes script = ScriptBuilder().Push(sig).Push(key).Op(OP_CHECKSIG).Op(OP_NOT).Take();
        EXPECT_TRUE(Eval(script, SCRIPT_VERIFY_LOW_S | SCRIPT_VERIFY_STRICTENC));
    }
    // A genuinely high S in range is refused.
    Bytes high = {0x30, 0x25, 0x02, 0x01, 0x01, 0x02, 0x20};
    high.insert(high.end(), high_s.begin(), high_s.end());
    high.push_back(0x01);
    const Bytes script = ScriptBuilder().Push(high).Push(key).Op(OP_CHECKSIG).Op(OP_NOT).Take();
    EXPECT_EQ(ErrorOf(Eval(script, SCRIPT_VERIFY_LOW_S)), ScriptError::SIG_HIGH_S);
}

TEST(Interpreter, TruncatedPushIsBadOpcode) {
    EXPECT_EQ(ErrorOf(Eval(Bytes{0x4c})), ScriptError::BAD_OPCODE);
    EXPECT_EQ(ErrorOf(Eval(Bytes{0x05, 0x01})), ScriptError::BAD_OPCODE);
}

}  // namespace
}  // namespace tonari::bitcoin::script
