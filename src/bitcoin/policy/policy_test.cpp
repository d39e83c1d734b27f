// Standardness: dust thresholds (Core's published figures), standard output types and their
// edges, every CheckStandardTx reason with a transaction that triggers exactly it and Core's
// check order, AreInputsStandard (unknown inputs, P2SH sigop limit), IsWitnessStandard (P2WSH
// limits, anchors, P2SH wrapping, annex, tapscript items) and the sigop-adjusted vsize.
#include "bitcoin/policy/policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bitcoin/script/script.h"

namespace tonari::bitcoin::policy {
namespace {

using primitives::Amount;
using primitives::Tx;
using primitives::TxIn;
using primitives::TxOut;
using script::Opcode;
using script::ScriptBuilder;
using util::Bytes;

// ---- scripts ------------------------------------------------------------------------------

Bytes Fill(size_t n, uint8_t byte = 0xab) {
    return Bytes(n, byte);
}

Bytes Key(uint8_t fill) {
    Bytes k(33, fill);
    k[0] = 0x02;
    return k;
}

Bytes UncompressedKey(uint8_t fill) {
    Bytes k(65, fill);
    k[0] = 0x04;
    return k;
}

Bytes P2PKH() {
    return ScriptBuilder()
        .Op(Opcode::OP_DUP)
        .Op(Opcode::OP_HASH160)
        .Push(Fill(20, 0x11))
        .Op(Opcode::OP_EQUALVERIFY)
        .Op(Opcode::OP_CHECKSIG)
        .Take();
}
Bytes P2PK() {
    return ScriptBuilder().Push(Key(0x21)).Op(Opcode::OP_CHECKSIG).Take();
}
Bytes P2SH() {
    return ScriptBuilder().Op(Opcode::OP_HASH160).Push(Fill(20, 0x22)).Op(Opcode::OP_EQUAL).Take();
}
Bytes P2WPKH() {
    return ScriptBuilder().Op(Opcode::OP_0).Push(Fill(20, 0x33)).Take();
}
Bytes P2WSH() {
    return ScriptBuilder().Op(Opcode::OP_0).Push(Fill(32, 0x44)).Take();
}
Bytes P2TR() {
    return ScriptBuilder().Op(Opcode::OP_1).Push(Fill(32, 0x55)).Take();
}
Bytes P2A() {
    return {0x51, 0x02, 0x4e, 0x73};
}
Bytes WitnessV2() {
    return ScriptBuilder().Op(Opcode::OP_2).Push(Fill(32, 0x66)).Take();
}
Bytes OpTrue() {
    return {0x51};
}

Bytes Multisig(int m, int n, bool compressed = true) {
    ScriptBuilder b;
    b.PushInt(m);
    for (int i = 0; i < n; ++i) {
        b.Push(compressed ? Key(static_cast<uint8_t>(i)) : UncompressedKey(static_cast<uint8_t>(i)));
    }
    return b.PushInt(n).Op(Opcode::OP_CHECKMULTISIG).Take();
}

// OP_RETURN followed by one push, sized so the whole script is `script_size` bytes (>= 2).
Bytes NullData(size_t script_size) {
    // A direct push costs one length byte up to 75 data bytes, PUSHDATA1 two bytes up to 255,
    // PUSHDATA2 three bytes after.
    const size_t data = script_size <= 77 ? script_size - 2 : script_size <= 258 ? script_size - 3 : script_size - 4;
    Bytes s = ScriptBuilder().Op(Opcode::OP_RETURN).Push(Fill(data)).Take();
    EXPECT_EQ(s.size(), script_size);
    return s;
}

Bytes Repeat(Opcode op, size_t n) {
    return Bytes(n, script::ToByte(op));
}

Bytes PushOf(const Bytes& data) {
    return ScriptBuilder().Push(data).Take();
}

// ---- transactions -------------------------------------------------------------------------

TxIn Input(uint32_t index = 0) {
    TxIn in;
    in.prevout.index = index;  // not the null outpoint: not a coinbase
    return in;
}

// One input with an empty scriptSig, one P2WPKH output well above dust: standard.
Tx StandardTx() {
    Tx tx;
    tx.version = 2;
    tx.inputs.push_back(Input());
    tx.outputs.push_back({10'000, P2WPKH()});
    return tx;
}

Tx CoinbaseTx() {
    Tx tx;
    TxIn in;  // null outpoint
    in.script_sig = {0x01, 0x01};
    in.witness = {Bytes(32, 0)};
    tx.inputs.push_back(in);
    tx.outputs.push_back({50 * primitives::COIN, P2WPKH()});
    return tx;
}

std::string Reason(const util::Result<void, PolicyError>& r) {
    return r ? "ok" : r.error().reason;
}

std::string Detail(const util::Result<void, PolicyError>& r) {
    return r ? "" : r.error().detail;
}

const PolicyOptions DEFAULTS{};

// ---- dust ---------------------------------------------------------------------------------

TEST(Dust, CoreFiguresAtDefaultRate) {
    const FeeRate rate{DUST_RELAY_TX_FEE};
    // 34-byte output + 148-byte input = 182 vB at 3 sat/vB.
    EXPECT_EQ(GetDustThreshold({0, P2PKH()}, rate), 546);
    // 31-byte output + 67-vB input = 98 vB.
    EXPECT_EQ(GetDustThreshold({0, P2WPKH()}, rate), 294);
    // 43 + 67 = 110 vB.
    EXPECT_EQ(GetDustThreshold({0, P2TR()}, rate), 330);
    EXPECT_EQ(GetDustThreshold({0, P2WSH()}, rate), 330);
    // 32 + 148 = 180 vB.
    EXPECT_EQ(GetDustThreshold({0, P2SH()}, rate), 540);
    // 44 + 148 = 192 vB.
    EXPECT_EQ(GetDustThreshold({0, P2PK()}, rate), 576);
    // Pay-to-anchor is a witness program: 13 + 67 = 80 vB.
    EXPECT_EQ(GetDustThreshold({0, P2A()}, rate), 240);
}

TEST(Dust, IsDustBoundaries) {
    const FeeRate rate{DUST_RELAY_TX_FEE};
    EXPECT_TRUE(IsDust({545, P2PKH()}, rate));
    EXPECT_FALSE(IsDust({546, P2PKH()}, rate));
    EXPECT_TRUE(IsDust({293, P2WPKH()}, rate));
    EXPECT_FALSE(IsDust({294, P2WPKH()}, rate));
    EXPECT_TRUE(IsDust({329, P2TR()}, rate));
    EXPECT_FALSE(IsDust({330, P2TR()}, rate));
    EXPECT_TRUE(IsDust({0, P2A()}, rate));
}

TEST(Dust, UnspendableOutputsAreNeverDust) {
    const FeeRate rate{DUST_RELAY_TX_FEE};
    EXPECT_EQ(GetDustThreshold({0, NullData(83)}, rate), 0);
    EXPECT_EQ(GetDustThreshold({0, {0x6a}}, rate), 0);
    EXPECT_FALSE(IsDust({0, NullData(40)}, rate));
    // Longer than MAX_SCRIPT_SIZE: provably unspendable.
    EXPECT_EQ(GetDustThreshold({0, Fill(script::MAX_SCRIPT_SIZE + 1, 0x51)}, rate), 0);
    // Exactly MAX_SCRIPT_SIZE is spendable in principle, and priced by its (large) size:
    // 8 + 3 + 10000 + 148 = 10159 vB.
    EXPECT_EQ(GetDustThreshold({0, Fill(script::MAX_SCRIPT_SIZE, 0x51)}, rate), 30'477);
}

TEST(Dust, OtherRates) {
    EXPECT_EQ(GetDustThreshold({0, P2PKH()}, FeeRate{1000}), 182);
    EXPECT_EQ(GetDustThreshold({0, P2WPKH()}, FeeRate{1000}), 98);
    // The fee is rounded up: 182 * 3.001 = 546.182.
    EXPECT_EQ(GetDustThreshold({0, P2PKH()}, FeeRate{3001}), 547);
    // A zero dust rate makes nothing dust, not even a zero-value output.
    EXPECT_EQ(GetDustThreshold({0, P2PKH()}, FeeRate{0}), 0);
    EXPECT_FALSE(IsDust({0, P2PKH()}, FeeRate{0}));
}

// ---- output types -------------------------------------------------------------------------

TEST(StandardScript, KnownTemplates) {
    for (const Bytes& s :
         {P2PKH(), P2PK(), P2SH(), P2WPKH(), P2WSH(), P2TR(), P2A(), WitnessV2(), NullData(2), Bytes{0x6a}}) {
        EXPECT_TRUE(IsStandardScriptPubKey(s)) << s.size();
    }
}

TEST(StandardScript, NonstandardScripts) {
    EXPECT_FALSE(IsStandardScriptPubKey(Bytes{}));
    EXPECT_FALSE(IsStandardScriptPubKey(OpTrue()));
    // A v0 program of neither 20 nor 32 bytes.
    EXPECT_FALSE(IsStandardScriptPubKey(ScriptBuilder().Op(Opcode::OP_0).Push(Fill(25)).Take()));
    // OP_RETURN followed by a non-push.
    EXPECT_FALSE(IsStandardScriptPubKey(Bytes{0x6a, 0x76}));
    // P2PKH with a trailing byte.
    Bytes p2pkh = P2PKH();
    p2pkh.push_back(0x87);
    EXPECT_FALSE(IsStandardScriptPubKey(p2pkh));
}

TEST(StandardScript, MultisigEdges) {
    EXPECT_TRUE(IsStandardScriptPubKey(Multisig(1, 1)));
    EXPECT_TRUE(IsStandardScriptPubKey(Multisig(1, 3)));
    EXPECT_TRUE(IsStandardScriptPubKey(Multisig(2, 3)));
    EXPECT_TRUE(IsStandardScriptPubKey(Multisig(3, 3)));
    EXPECT_TRUE(IsStandardScriptPubKey(Multisig(2, 3, /*compressed=*/false)));
    // Four or more keys: valid multisig, not relayed bare.
    EXPECT_FALSE(IsStandardScriptPubKey(Multisig(1, 4)));
    EXPECT_FALSE(IsStandardScriptPubKey(Multisig(4, 4)));
    EXPECT_FALSE(IsStandardScriptPubKey(Multisig(1, 16)));
    // m > n or m = 0 does not even match the template.
    EXPECT_FALSE(IsStandardScriptPubKey(
        ScriptBuilder().PushInt(3).Push(Key(1)).Push(Key(2)).PushInt(2).Op(Opcode::OP_CHECKMULTISIG).Take()));
    EXPECT_FALSE(IsStandardScriptPubKey(
        ScriptBuilder().PushInt(0).Push(Key(1)).PushInt(1).Op(Opcode::OP_CHECKMULTISIG).Take()));
}

TEST(StandardScript, NullDataIsAStandardTemplateOfAnySize) {
    // Core 30: the size limit is on a transaction's data outputs together (CheckStandardTx).
    EXPECT_TRUE(IsStandardScriptPubKey(NullData(83)));
    EXPECT_TRUE(IsStandardScriptPubKey(NullData(84)));
    EXPECT_TRUE(IsStandardScriptPubKey(NullData(5000)));
    EXPECT_FALSE(IsStandardScriptPubKey(Bytes{0x6a, 0xee}));  // not push-only after OP_RETURN
}

// ---- CheckStandardTx: one transaction per reason ------------------------------------------

TEST(CheckStandardTx, BaselineIsStandard) {
    EXPECT_EQ(Reason(CheckStandardTx(StandardTx(), DEFAULTS)), "ok");
    Tx v1 = StandardTx();
    v1.version = 1;
    EXPECT_EQ(Reason(CheckStandardTx(v1, DEFAULTS)), "ok");
}

TEST(CheckStandardTx, Version) {
    for (const uint32_t version : {0u, 3u, 4u, 0x80000000u, 0xffffffffu}) {
        Tx tx = StandardTx();
        tx.version = version;
        const auto r = CheckStandardTx(tx, DEFAULTS);
        EXPECT_EQ(Reason(r), "version") << version;
        EXPECT_EQ(Detail(r), "");
    }
}

TEST(CheckStandardTx, TxSizeAtAndOverTheLimit) {
    Tx tx = StandardTx();
    while (primitives::TxWeight(tx) < MAX_STANDARD_TX_WEIGHT - 220) tx.outputs.push_back({10'000, P2WPKH()});
    // Pad with witness bytes (1 weight unit each) to exactly the limit; the gap left is under
    // 253 bytes, so the item's length prefix stays one byte and every weight is reachable.
    for (size_t n = 0; n < 600 && primitives::TxWeight(tx) != MAX_STANDARD_TX_WEIGHT; ++n) {
        tx.inputs[0].witness = {Bytes(n, 0)};
    }
    ASSERT_EQ(primitives::TxWeight(tx), MAX_STANDARD_TX_WEIGHT);
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");
    tx.inputs[0].witness[0].push_back(0);
    ASSERT_EQ(primitives::TxWeight(tx), MAX_STANDARD_TX_WEIGHT + 1);
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "tx-size");
}

TEST(CheckStandardTx, TxSizeSmallIsNotChecked) {
    // A 60-byte transaction is the mempool's "tx-size-small" concern, not IsStandardTx's.
    Tx tx = StandardTx();
    tx.outputs[0] = {0, {0x6a}};
    ASSERT_LT(primitives::SerializedSize(tx, false), MIN_STANDARD_TX_NONWITNESS_SIZE);
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");
}

TEST(CheckStandardTx, ScriptSigSize) {
    Tx tx = StandardTx();
    tx.inputs[0].script_sig = PushOf(Fill(1647));  // PUSHDATA2: 3 + 1647 bytes
    ASSERT_EQ(tx.inputs[0].script_sig.size(), MAX_STANDARD_SCRIPTSIG_SIZE);
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");
    tx.inputs[0].script_sig = PushOf(Fill(1648));
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "scriptsig-size");
}

TEST(CheckStandardTx, ScriptSigNotPushOnly) {
    for (const Bytes& script_sig : {Bytes{0x76}, Bytes{0x00, 0x61}, Bytes{0x4c}, Bytes{0x01}}) {
        Tx tx = StandardTx();
        tx.inputs.push_back(Input(1));
        tx.inputs[1].script_sig = script_sig;  // the second input: every input is checked
        EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "scriptsig-not-pushonly") << script_sig.size();
    }
}

TEST(CheckStandardTx, ScriptPubKey) {
    const std::vector<Bytes> bad = {OpTrue(), Multisig(1, 4), {0x6a, 0x76}, {}};
    for (const Bytes& s : bad) {
        Tx tx = StandardTx();
        tx.outputs.push_back({10'000, s});
        EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "scriptpubkey") << s.size();
    }
}

TEST(CheckStandardTx, OpReturnSizes) {
    Tx tx = StandardTx();
    tx.outputs.push_back({0, NullData(84)});
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");  // above the pre-30 limit of 83
    PolicyOptions small;
    small.max_datacarrier_bytes = 40;
    tx.outputs[1].script_pubkey = NullData(40);
    EXPECT_EQ(Reason(CheckStandardTx(tx, small)), "ok");
    tx.outputs[1].script_pubkey = NullData(41);
    EXPECT_EQ(Reason(CheckStandardTx(tx, small)), "datacarrier");

    PolicyOptions off;
    off.accept_datacarrier = false;
    tx.outputs[1].script_pubkey = {0x6a};
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");
    EXPECT_EQ(Reason(CheckStandardTx(tx, off)), "datacarrier");
}

TEST(CheckStandardTx, BareMultisig) {
    Tx tx = StandardTx();
    tx.outputs.push_back({10'000, Multisig(1, 1)});
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");
    tx.outputs.back().script_pubkey = Multisig(3, 3);
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");

    PolicyOptions no_bare;
    no_bare.permit_bare_multisig = false;
    EXPECT_EQ(Reason(CheckStandardTx(tx, no_bare)), "bare-multisig");
    // Four keys is non-standard whatever the option says.
    tx.outputs.back().script_pubkey = Multisig(2, 4);
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "scriptpubkey");
    EXPECT_EQ(Reason(CheckStandardTx(tx, no_bare)), "scriptpubkey");
}

TEST(CheckStandardTx, Dust) {
    Tx tx = StandardTx();
    tx.outputs.push_back({545, P2PKH()});
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "dust");
    tx.outputs.back().value = 546;
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");

    // A P2A anchor of value 0 is dust too: ephemeral dust is not implemented.
    tx.outputs.back() = {0, P2A()};
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "dust");

    // The rate comes from the options.
    tx.outputs.back() = {200, P2PKH()};
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "dust");
    PolicyOptions cheap;
    cheap.dust_relay_fee = FeeRate{1000};
    EXPECT_EQ(Reason(CheckStandardTx(tx, cheap)), "ok");
    cheap.dust_relay_fee = FeeRate{0};
    tx.outputs.back().value = 0;
    EXPECT_EQ(Reason(CheckStandardTx(tx, cheap)), "ok");
}

TEST(CheckStandardTx, SeveralOpReturnsShareTheLimit) {
    // Core 30: any number of data outputs, their scripts counted together.
    Tx tx = StandardTx();
    tx.outputs.push_back({0, NullData(10)});
    tx.outputs.push_back({0, {0x6a}});
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "ok");
    PolicyOptions small;
    small.max_datacarrier_bytes = NullData(10).size() + 1;
    EXPECT_EQ(Reason(CheckStandardTx(tx, small)), "ok");
    small.max_datacarrier_bytes -= 1;
    EXPECT_EQ(Reason(CheckStandardTx(tx, small)), "datacarrier");
}

TEST(CheckStandardTx, CoreCheckOrder) {
    // version before everything.
    Tx tx = StandardTx();
    tx.version = 3;
    tx.inputs[0].script_sig = {0x76};
    tx.outputs.push_back({0, OpTrue()});
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "version");

    // Inputs before outputs.
    tx.version = 2;
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "scriptsig-not-pushonly");

    // Every output's script before any dust: a dust output first, a non-standard one after.
    tx = StandardTx();
    tx.outputs.push_back({1, P2PKH()});
    tx.outputs.push_back({10'000, OpTrue()});
    EXPECT_EQ(Reason(CheckStandardTx(tx, DEFAULTS)), "scriptpubkey");

    // bare-multisig before dust.
    PolicyOptions no_bare;
    no_bare.permit_bare_multisig = false;
    tx = StandardTx();
    tx.outputs.push_back({1, P2PKH()});
    tx.outputs.push_back({10'000, Multisig(1, 2)});
    EXPECT_EQ(Reason(CheckStandardTx(tx, no_bare)), "bare-multisig");

    // datacarrier (checked output by output) before dust.
    PolicyOptions tiny;
    tiny.max_datacarrier_bytes = 1;
    tx = StandardTx();
    tx.outputs.push_back({1, P2WPKH()});
    tx.outputs.push_back({0, {0x6a}});
    tx.outputs.push_back({0, {0x6a}});
    EXPECT_EQ(Reason(CheckStandardTx(tx, tiny)), "datacarrier");
}

// ---- CheckInputsStandard ------------------------------------------------------------------

Tx SpendingTx(size_t inputs) {
    Tx tx = StandardTx();
    tx.inputs.clear();
    for (size_t i = 0; i < inputs; ++i) tx.inputs.push_back(Input(static_cast<uint32_t>(i)));
    return tx;
}

TEST(CheckInputsStandard, StandardSpentTypes) {
    for (const Bytes& s :
         {P2PKH(), P2PK(), P2WPKH(), P2WSH(), P2TR(), P2A(), Multisig(2, 3), Multisig(1, 16)}) {
        const Tx tx = SpendingTx(1);
        const std::vector<TxOut> spent = {{1000, s}};
        EXPECT_EQ(Reason(CheckInputsStandard(tx, spent)), "ok") << s.size();
    }
}

TEST(CheckInputsStandard, NonstandardAndUnknownWitnessSpent) {
    for (const Bytes& s : {OpTrue(), WitnessV2(), Bytes{}}) {
        const Tx tx = SpendingTx(2);
        const std::vector<TxOut> spent = {{1000, P2WPKH()}, {1000, s}};
        const auto r = CheckInputsStandard(tx, spent);
        EXPECT_EQ(Reason(r), "bad-txns-nonstandard-inputs");
        EXPECT_EQ(Detail(r), "input script unknown (input 1)");
    }
}

TEST(CheckInputsStandard, P2shSigopLimit) {
    Tx tx = SpendingTx(1);
    const std::vector<TxOut> spent = {{1000, P2SH()}};

    // 15 CHECKSIGs: at the limit.
    tx.inputs[0].script_sig = ScriptBuilder().Op(Opcode::OP_0).Push(Repeat(Opcode::OP_CHECKSIG, 15)).Take();
    EXPECT_EQ(Reason(CheckInputsStandard(tx, spent)), "ok");

    // 16 CHECKSIGs: one over.
    tx.inputs[0].script_sig = ScriptBuilder().Op(Opcode::OP_0).Push(Repeat(Opcode::OP_CHECKSIG, 16)).Take();
    auto r = CheckInputsStandard(tx, spent);
    EXPECT_EQ(Reason(r), "bad-txns-nonstandard-inputs");
    EXPECT_EQ(Detail(r), "p2sh redeemscript sigops exceed limit (input 0: 16 > 15)");

    // Multisig is counted accurately: 15-of-15 is 15 sigops...
    const Bytes ms15 = Multisig(1, 15);
    ASSERT_LE(ms15.size(), script::MAX_SCRIPT_ELEMENT_SIZE);
    tx.inputs[0].script_sig = ScriptBuilder().Op(Opcode::OP_0).Push(ms15).Take();
    EXPECT_EQ(Reason(CheckInputsStandard(tx, spent)), "ok");
    // ...and one more CHECKSIG makes 16.
    Bytes ms15_plus = ms15;
    ms15_plus.push_back(script::ToByte(Opcode::OP_CHECKSIG));
    tx.inputs[0].script_sig = ScriptBuilder().Op(Opcode::OP_0).Push(ms15_plus).Take();
    r = CheckInputsStandard(tx, spent);
    EXPECT_EQ(Reason(r), "bad-txns-nonstandard-inputs");
    EXPECT_EQ(Detail(r), "p2sh redeemscript sigops exceed limit (input 0: 16 > 15)");

    // A CHECKMULTISIG without an OP_N before it counts 20.
    tx.inputs[0].script_sig = PushOf(Bytes{0x00, 0xae});
    EXPECT_EQ(Detail(CheckInputsStandard(tx, spent)),
              "p2sh redeemscript sigops exceed limit (input 0: 20 > 15)");
}

TEST(CheckInputsStandard, P2shOnlyTheLastPushIsTheRedeemScript) {
    Tx tx = SpendingTx(1);
    const std::vector<TxOut> spent = {{1000, P2SH()}};
    // Earlier pushes may hold anything (signatures); only the top item is counted.
    tx.inputs[0].script_sig =
        ScriptBuilder().Push(Repeat(Opcode::OP_CHECKSIG, 40)).Push(Repeat(Opcode::OP_CHECKSIG, 2)).Take();
    EXPECT_EQ(Reason(CheckInputsStandard(tx, spent)), "ok");
}

TEST(CheckInputsStandard, P2shScriptSigMalformedOrMissing) {
    Tx tx = SpendingTx(2);
    const std::vector<TxOut> spent = {{1000, P2PKH()}, {1000, P2SH()}};

    tx.inputs[1].script_sig = {};
    auto r = CheckInputsStandard(tx, spent);
    EXPECT_EQ(Reason(r), "bad-txns-nonstandard-inputs");
    EXPECT_EQ(Detail(r), "p2sh scriptsig missing redeemscript (input 1)");

    tx.inputs[1].script_sig = {0x4c};  // truncated PUSHDATA1
    r = CheckInputsStandard(tx, spent);
    EXPECT_EQ(Reason(r), "bad-txns-nonstandard-inputs");
    EXPECT_EQ(Detail(r), "p2sh scriptsig malformed (input 1: BAD_OPCODE)");

    tx.inputs[1].script_sig = PushOf(Fill(script::MAX_SCRIPT_ELEMENT_SIZE + 1));
    EXPECT_EQ(Detail(CheckInputsStandard(tx, spent)), "p2sh scriptsig malformed (input 1: PUSH_SIZE)");

    tx.inputs[1].script_sig = {0x6a};  // OP_RETURN fails when run
    EXPECT_EQ(Reason(CheckInputsStandard(tx, spent)), "bad-txns-nonstandard-inputs");

    // A scriptSig that runs but leaves nothing (OP_0 OP_DROP).
    tx.inputs[1].script_sig = {0x00, 0x75};
    EXPECT_EQ(Detail(CheckInputsStandard(tx, spent)), "p2sh scriptsig missing redeemscript (input 1)");
}

TEST(CheckInputsStandard, CoinbaseAndSpentCount) {
    EXPECT_EQ(Reason(CheckInputsStandard(CoinbaseTx(), {})), "ok");
    const Tx tx = SpendingTx(2);
    const std::vector<TxOut> one = {{1000, P2WPKH()}};
    const auto r = CheckInputsStandard(tx, one);
    EXPECT_EQ(Reason(r), "bad-txns-nonstandard-inputs");
    EXPECT_NE(Detail(r).find("1 of 2"), std::string::npos) << Detail(r);
}

// ---- CheckWitnessStandard -----------------------------------------------------------------

std::vector<Bytes> Items(size_t n, size_t size) {
    return std::vector<Bytes>(n, Fill(size, 0x01));
}

// A P2WSH witness: `items` arguments of `size` bytes, then a witness script.
std::vector<Bytes> P2wshWitness(size_t items, size_t size, size_t script_size = 2) {
    auto w = Items(items, size);
    w.push_back(Fill(script_size, 0x51));
    return w;
}

Bytes ControlBlock(uint8_t leaf_version) {
    Bytes c(33, 0x77);
    c[0] = leaf_version;
    return c;
}

util::Result<void, PolicyError> CheckOneWitness(const Bytes& spent_script, std::vector<Bytes> witness,
                                                Bytes script_sig = {}) {
    Tx tx = SpendingTx(1);
    tx.inputs[0].witness = std::move(witness);
    tx.inputs[0].script_sig = std::move(script_sig);
    const std::vector<TxOut> spent = {{1000, spent_script}};
    return CheckWitnessStandard(tx, spent);
}

TEST(CheckWitnessStandard, NoWitnessIsAlwaysFine) {
    const Tx tx = SpendingTx(3);
    const std::vector<TxOut> spent = {{1, OpTrue()}, {1, P2A()}, {1, P2WSH()}};
    EXPECT_EQ(Reason(CheckWitnessStandard(tx, spent)), "ok");
    EXPECT_EQ(Reason(CheckWitnessStandard(CoinbaseTx(), {})), "ok");
}

TEST(CheckWitnessStandard, WitnessOnNonWitnessSpend) {
    auto r = CheckOneWitness(P2PKH(), {Fill(72), Key(1)});
    EXPECT_EQ(Reason(r), "bad-witness-nonstandard");
    EXPECT_EQ(Detail(r), "witness on non-witness spend (input 0)");
    EXPECT_EQ(Reason(CheckOneWitness(OpTrue(), {{}})), "bad-witness-nonstandard");
}

TEST(CheckWitnessStandard, AnchorWithWitness) {
    auto r = CheckOneWitness(P2A(), {Fill(1)});
    EXPECT_EQ(Reason(r), "bad-witness-nonstandard");
    EXPECT_EQ(Detail(r), "witness on anchor spend (input 0)");
}

TEST(CheckWitnessStandard, OtherWitnessProgramsHaveNoLimitsHere) {
    EXPECT_EQ(Reason(CheckOneWitness(P2WPKH(), {Fill(72), Key(1)})), "ok");
    // Item counts and sizes of P2WPKH and unknown versions are left to script checks.
    EXPECT_EQ(Reason(CheckOneWitness(P2WPKH(), Items(200, 100))), "ok");
    EXPECT_EQ(Reason(CheckOneWitness(WitnessV2(), Items(200, 500))), "ok");
}

TEST(CheckWitnessStandard, P2wshItemCount) {
    EXPECT_EQ(Reason(CheckOneWitness(P2WSH(), P2wshWitness(100, 1))), "ok");
    const auto r = CheckOneWitness(P2WSH(), P2wshWitness(101, 1));
    EXPECT_EQ(Reason(r), "bad-witness-nonstandard");
    EXPECT_EQ(Detail(r), "p2wsh stack items 101 > 100 (input 0)");
}

TEST(CheckWitnessStandard, P2wshItemSize) {
    EXPECT_EQ(Reason(CheckOneWitness(P2WSH(), P2wshWitness(3, 80))), "ok");
    auto w = P2wshWitness(3, 80);
    w[2].push_back(0);
    const auto r = CheckOneWitness(P2WSH(), w);
    EXPECT_EQ(Reason(r), "bad-witness-nonstandard");
    EXPECT_EQ(Detail(r), "p2wsh stack item 2 size 81 > 80 (input 0)");
}

TEST(CheckWitnessStandard, P2wshScriptSize) {
    // The witness script itself may exceed 80 bytes, up to 3600.
    EXPECT_EQ(Reason(CheckOneWitness(P2WSH(), P2wshWitness(1, 1, 3600))), "ok");
    const auto r = CheckOneWitness(P2WSH(), P2wshWitness(1, 1, 3601));
    EXPECT_EQ(Reason(r), "bad-witness-nonstandard");
    EXPECT_EQ(Detail(r), "p2wsh script size 3601 > 3600 (input 0)");
}

TEST(CheckWitnessStandard, P2shWrappedP2wsh) {
    const Bytes redeem = P2WSH();
    EXPECT_EQ(Reason(CheckOneWitness(P2SH(), P2wshWitness(100, 80), PushOf(redeem))), "ok");
    EXPECT_EQ(Reason(CheckOneWitness(P2SH(), P2wshWitness(101, 1), PushOf(redeem))),
              "bad-witness-nonstandard");
    // Wrapped P2WPKH: no limits.
    EXPECT_EQ(Reason(CheckOneWitness(P2SH(), {Fill(72), Key(1)}, PushOf(P2WPKH()))), "ok");
    // P2SH whose redeem script is no witness program, with a witness.
    EXPECT_EQ(Detail(CheckOneWitness(P2SH(), {Fill(1)}, PushOf(P2PKH()))),
              "witness on non-witness spend (input 0)");
    // P2SH with a scriptSig that yields no redeem script.
    EXPECT_EQ(Detail(CheckOneWitness(P2SH(), {Fill(1)}, {})),
              "p2sh scriptsig without redeemscript (input 0)");
    EXPECT_EQ(Reason(CheckOneWitness(P2SH(), {Fill(1)}, {0x4c})), "bad-witness-nonstandard");
}

TEST(CheckWitnessStandard, TaprootKeyPath) {
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(64)})), "ok");
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(65)})), "ok");
}

TEST(CheckWitnessStandard, AnnexRejected) {
    auto r = CheckOneWitness(P2TR(), {Fill(64), Bytes{0x50, 0x01, 0x02}});
    EXPECT_EQ(Reason(r), "bad-witness-nonstandard");
    EXPECT_EQ(Detail(r), "taproot annex (input 0)");
    // The bare tag byte is an annex too, and so is one after a script path spend.
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(64), Bytes{0x50}})), "bad-witness-nonstandard");
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(64), Fill(3, 0x51), ControlBlock(0xc0), Bytes{0x50}})),
              "bad-witness-nonstandard");
    // A single item starting with 0x50 is a signature, not an annex.
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(64, 0x50)})), "ok");
}

TEST(CheckWitnessStandard, TapscriptItemSize) {
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(80), Fill(3, 0x51), ControlBlock(0xc0)})), "ok");
    // The script itself is not an argument: it may be large.
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(80), Fill(500, 0x51), ControlBlock(0xc0)})), "ok");
    auto r = CheckOneWitness(P2TR(), {Fill(10), Fill(81), Fill(3, 0x51), ControlBlock(0xc0)});
    EXPECT_EQ(Reason(r), "bad-witness-nonstandard");
    EXPECT_EQ(Detail(r), "tapscript stack item 1 size 81 > 80 (input 0)");
    // The parity bit of the control block does not change the leaf version.
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(81), Fill(3, 0x51), ControlBlock(0xc1)})),
              "bad-witness-nonstandard");
    // Other leaf versions have no item limit (yet).
    EXPECT_EQ(Reason(CheckOneWitness(P2TR(), {Fill(81), Fill(3, 0x51), ControlBlock(0xc2)})), "ok");
}

TEST(CheckWitnessStandard, TaprootEmptyControlBlock) {
    const auto r = CheckOneWitness(P2TR(), {Fill(10), Fill(3, 0x51), Bytes{}});
    EXPECT_EQ(Reason(r), "bad-witness-nonstandard");
    EXPECT_EQ(Detail(r), "taproot control block empty (input 0)");
}

TEST(CheckWitnessStandard, P2shWrappedV1IsNotTaproot) {
    // OP_1 <32 bytes> behind P2SH is an upgrade hook, not taproot: no annex rule.
    EXPECT_EQ(Reason(CheckOneWitness(P2SH(), {Fill(64), Bytes{0x50}}, PushOf(P2TR()))), "ok");
}

TEST(CheckWitnessStandard, ReportsTheFailingInput) {
    Tx tx = SpendingTx(3);
    tx.inputs[0].witness = {Fill(72), Key(1)};
    tx.inputs[2].witness = P2wshWitness(101, 1);
    const std::vector<TxOut> spent = {{1, P2WPKH()}, {1, P2PKH()}, {1, P2WSH()}};
    EXPECT_EQ(Detail(CheckWitnessStandard(tx, spent)), "p2wsh stack items 101 > 100 (input 2)");
    const std::vector<TxOut> short_spent = {{1, P2WPKH()}};
    EXPECT_EQ(Reason(CheckWitnessStandard(tx, short_spent)), "bad-witness-nonstandard");
}

// ---- virtual size -------------------------------------------------------------------------

TEST(VirtualSize, WeightRoundedUp) {
    EXPECT_EQ(GetVirtualTransactionSize(400, 0), 100);
    EXPECT_EQ(GetVirtualTransactionSize(401, 0), 101);
    EXPECT_EQ(GetVirtualTransactionSize(403, 0), 101);
    EXPECT_EQ(GetVirtualTransactionSize(404, 0), 101);
    EXPECT_EQ(GetVirtualTransactionSize(0, 0), 0);
}

TEST(VirtualSize, SigopHeavyTransactionsPayForSigops) {
    // 400 WU but 80 sigop cost * 20 = 1600 WU-equivalent.
    EXPECT_EQ(GetVirtualTransactionSize(400, 80), 400);
    // Below the weight the sigops do not matter.
    EXPECT_EQ(GetVirtualTransactionSize(4000, 80), 1000);
    EXPECT_EQ(GetVirtualTransactionSize(400, 80, /*bytes_per_sigop=*/1), 100);
    EXPECT_EQ(GetVirtualTransactionSize(400, 81, /*bytes_per_sigop=*/5), 102);  // 405 -> 101.25
}

}  // namespace
}  // namespace tonari::bitcoin::policy
