// Signature hash tests: Bitcoin Core's sighash.json (legacy), the BIP143 examples (segwit v0),
// the BIP341 wallet vectors (taproot key path), and hand-made edge cases for the quirks and
// failure paths (SIGHASH_SINGLE bug, OP_CODESEPARATOR, FindAndDelete, invalid taproot types).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <iostream>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/sighash.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::script {
namespace {

namespace json = boost::json;
using primitives::Amount;
using primitives::DecodeTx;
using primitives::SerializeTx;
using primitives::Tx;
using primitives::TxIn;
using primitives::TxOut;
using util::Bytes;
using util::HexEncode;

Tx ParseTxOrFail(std::string_view hex) {
    auto tx = DecodeTx(test::ParseHexOrFail(hex));
    EXPECT_TRUE(tx) << "cannot decode " << hex.substr(0, 64);
    return tx ? *tx : Tx{};
}

std::string Str(const json::value& v) {
    return std::string(v.as_string());
}

// A small transaction with 3 inputs and 2 outputs for the hand-made cases.
Tx SampleTx() {
    Tx tx;
    tx.version = 1;
    for (uint8_t i = 0; i < 3; ++i) {
        TxIn in;
        in.prevout.txid.get().data()[0] = static_cast<uint8_t>(0x10 + i);
        in.prevout.index = i;
        in.sequence = 0xfffffff0u + i;
        in.script_sig = {0x51};
        tx.inputs.push_back(in);
    }
    tx.outputs.push_back(TxOut{5000, {0x51}});
    tx.outputs.push_back(TxOut{7000, {0x52, 0x87}});
    tx.locktime = 99;
    return tx;
}

// ---- Legacy ----

TEST(LegacySighash, CoreSighashJson) {
    const json::value doc = test::ReadTestJson("bitcoin-core/sighash.json");
    const json::array& rows = doc.as_array();
    size_t checked = 0;
    for (const json::value& row_value : rows) {
        const json::array& row = row_value.as_array();
        if (row.size() == 1) continue;  // header / comment row
        ASSERT_EQ(row.size(), 5u);
        const Tx tx = ParseTxOrFail(Str(row[0]));
        const Bytes script_code = test::ParseHexOrFail(Str(row[1]));
        const auto input_index = static_cast<size_t>(row[2].as_int64());
        const auto hash_type = static_cast<int32_t>(row[3].as_int64());
        ASSERT_LT(input_index, tx.inputs.size());
        const util::Uint256 got = LegacySignatureHash(script_code, tx, input_index, hash_type);
        // The file stores uint256 display order (byte-reversed).
        EXPECT_EQ(got.ToHex(), Str(row[4])) << "row " << checked + 1 << " tx " << Str(row[0]).substr(0, 40);
        ++checked;
    }
    std::cout << "[vectors] sighash.json: " << checked << " cases passed\n";
    EXPECT_EQ(checked, 500u);
}

TEST(LegacySighash, SingleWithoutMatchingOutputIsOne) {
    const Tx tx = SampleTx();  // 3 inputs, 2 outputs
    const util::Uint256 h = LegacySignatureHash(Bytes{0x51}, tx, 2, SIGHASH_SINGLE);
    EXPECT_EQ(h.ToHex(), "0000000000000000000000000000000000000000000000000000000000000001");
    // With ANYONECANPAY and with other high bits set, the same quirk applies (mask 0x1f).
    EXPECT_EQ(LegacySignatureHash(Bytes{0x51}, tx, 2, SIGHASH_SINGLE | SIGHASH_ANYONECANPAY), h);
    EXPECT_EQ(LegacySignatureHash(Bytes{0x51}, tx, 2, 0x43), h);
    // In range, it is a real hash.
    EXPECT_NE(LegacySignatureHash(Bytes{0x51}, tx, 1, SIGHASH_SINGLE), h);
}

TEST(LegacySighash, CodeSeparatorsAreRemovedFromScriptCode) {
    const Tx tx = SampleTx();
    const Bytes with = ScriptBuilder()
                           .Op(Opcode::OP_CODESEPARATOR)
                           .Op(Opcode::OP_DUP)
                           .Op(Opcode::OP_CODESEPARATOR)
                           .Op(Opcode::OP_CODESEPARATOR)
                           .Op(Opcode::OP_CHECKSIG)
                           .Take();
    const Bytes without = ScriptBuilder().Op(Opcode::OP_DUP).Op(Opcode::OP_CHECKSIG).Take();
    EXPECT_EQ(LegacySignatureHash(with, tx, 0, SIGHASH_ALL),
              LegacySignatureHash(without, tx, 0, SIGHASH_ALL));
    // A 0xab byte inside push data is data, not a separator.
    const Bytes pushed_ab = ScriptBuilder().Push(Bytes{0xab, 0xab}).Take();
    const Bytes other = ScriptBuilder().Push(Bytes{0xab}).Take();
    EXPECT_NE(LegacySignatureHash(pushed_ab, tx, 0, SIGHASH_ALL),
              LegacySignatureHash(other, tx, 0, SIGHASH_ALL));
}

TEST(LegacySighash, HashTypeVariantsDiffer) {
    const Tx tx = SampleTx();
    const Bytes code{0x76, 0xac};
    const auto all = LegacySignatureHash(code, tx, 1, SIGHASH_ALL);
    const auto none = LegacySignatureHash(code, tx, 1, SIGHASH_NONE);
    const auto single = LegacySignatureHash(code, tx, 1, SIGHASH_SINGLE);
    const auto acp = LegacySignatureHash(code, tx, 1, SIGHASH_ALL | SIGHASH_ANYONECANPAY);
    EXPECT_NE(all, none);
    EXPECT_NE(all, single);
    EXPECT_NE(all, acp);
    // NONE does not commit to outputs: changing one leaves the hash alone, unlike ALL.
    Tx changed = tx;
    changed.outputs[0].value += 1;
    EXPECT_EQ(LegacySignatureHash(code, changed, 1, SIGHASH_NONE), none);
    EXPECT_NE(LegacySignatureHash(code, changed, 1, SIGHASH_ALL), all);
    // ANYONECANPAY does not commit to other inputs.
    Tx more_inputs = tx;
    more_inputs.inputs[0].prevout.index = 77;
    EXPECT_EQ(LegacySignatureHash(code, more_inputs, 1, SIGHASH_ALL | SIGHASH_ANYONECANPAY), acp);
    EXPECT_NE(LegacySignatureHash(code, more_inputs, 1, SIGHASH_ALL), all);
}

TEST(FindAndDelete, MatchesCoreSemantics) {
    struct Case {
        const char* script;
        const char* pattern;
        const char* expected;
        int found;
    };
    // Cases worked out from Core's algorithm: matches only at operation boundaries, repeated
    // matches consumed back to back, parsing stops at a truncated push.
    const Case cases[] = {
        {"0302ff030302ff03", "0302ff03", "", 2},            // two pushes of 02ff03
        {"0302ff030302ff03", "02", "0302ff030302ff03", 0},  // 02 only occurs inside data
        {"0302ff030302ff03", "ff", "0302ff030302ff03", 0},
        {"0302ff0302ff03", "0302ff03", "02ff03", 1},  // the rest parses as a 2-byte push
        // A match at an op boundary may swallow a push opcode; the rest re-parses as OP_0s.
        {"00040000000000", "04", "000000000000", 1},
        {"0001000000", "0100", "000000", 1},
        {"ababab", "ab", "", 3},  // consecutive separators
        {"abacab", "ab", "ac", 2},
        {"ac", "", "ac", 0},  // empty pattern deletes nothing
        {"0302ff03", "0302ff03", "", 1},
        {"03ff", "03ff", "", 1},                // truncated push matched at start
        {"5103ff", "03", "51ff", 1},            // match at a boundary inside junk
        {"4c03ff02ab", "ab", "4c03ff02ab", 0},  // ab inside pushed data
    };
    for (const Case& c : cases) {
        Bytes script = test::ParseHexOrFail(c.script);
        const int n = FindAndDelete(script, test::ParseHexOrFail(c.pattern));
        EXPECT_EQ(n, c.found) << c.script << " / " << c.pattern;
        EXPECT_EQ(HexEncode(script), c.expected) << c.script << " / " << c.pattern;
    }
}

// ---- BIP143 ----

TEST(SegwitV0Sighash, Bip143Examples) {
    const json::value doc = test::ReadTestJson("bips/bip143_p2wpkh_examples.json");
    size_t checked = 0;
    for (const json::value& ex_value : doc.at("examples").as_array()) {
        const json::object& ex = ex_value.as_object();
        SCOPED_TRACE(Str(ex.at("name")));
        const Tx tx = ParseTxOrFail(Str(ex.at("unsigned_tx")));
        const auto index = static_cast<size_t>(ex.at("signed_input_index").as_int64());
        const auto hash_type = static_cast<int32_t>(ex.at("nHashType").as_int64());

        PrecomputedTxData cache;
        cache.Init(tx, {}, /*force=*/true);
        ASSERT_TRUE(cache.bip143_ready);
        EXPECT_FALSE(cache.bip341_ready);  // no spent outputs given
        EXPECT_EQ(cache.hash_prevouts.ToHexInternal(), Str(ex.at("hashPrevouts")));
        EXPECT_EQ(cache.hash_sequence.ToHexInternal(), Str(ex.at("hashSequence")));
        EXPECT_EQ(cache.hash_outputs.ToHexInternal(), Str(ex.at("hashOutputs")));

        // The BIP prints scriptCode with its length prefix; the function takes the bare script.
        const Bytes prefixed = test::ParseHexOrFail(Str(ex.at("scriptCode")));
        ASSERT_FALSE(prefixed.empty());
        ASSERT_EQ(prefixed[0] + 1u, prefixed.size());
        const Bytes script_code(prefixed.begin() + 1, prefixed.end());
        const Bytes amount_le = test::ParseHexOrFail(Str(ex.at("amount_le")));
        ASSERT_EQ(amount_le.size(), 8u);
        Amount amount = 0;
        for (int i = 7; i >= 0; --i) amount = (amount << 8) | amount_le[i];

        const util::Uint256 sighash = SegwitV0SignatureHash(script_code, tx, index, hash_type, amount, cache);
        EXPECT_EQ(sighash.ToHexInternal(), Str(ex.at("sigHash")));
        // Without the cache the same hash comes out.
        EXPECT_EQ(SegwitV0SignatureHash(script_code, tx, index, hash_type, amount, PrecomputedTxData{}),
                  sighash);
        // Committing to the amount: a different value gives a different hash.
        EXPECT_NE(SegwitV0SignatureHash(script_code, tx, index, hash_type, amount + 1, cache), sighash);

        // The published signature verifies over our hash with the input's key.
        const json::object& input = ex.at("inputs").as_array()[index].as_object();
        const auto pubkey = crypto::PubKey::Parse(test::ParseHexOrFail(Str(input.at("public_key"))));
        ASSERT_TRUE(pubkey);
        const Bytes sig = test::ParseHexOrFail(Str(ex.at("signature")));
        ASSERT_FALSE(sig.empty());
        EXPECT_EQ(sig.back(), hash_type);
        const util::ByteSpan der(sig.data(), sig.size() - 1);
        EXPECT_TRUE(pubkey->VerifyEcdsa(sighash, der));
        // ... and not over a different hash.
        EXPECT_FALSE(pubkey->VerifyEcdsa(LegacySignatureHash(script_code, tx, index, hash_type), der));

        // The signed transaction decodes and re-serializes byte for byte, carries that
        // signature in its witness, and with scriptSigs and witnesses blanked is the unsigned one.
        const Bytes signed_bytes = test::ParseHexOrFail(Str(ex.at("signed_tx")));
        const auto signed_tx = DecodeTx(signed_bytes);
        ASSERT_TRUE(signed_tx);
        EXPECT_EQ(SerializeTx(*signed_tx), signed_bytes);
        ASSERT_EQ(signed_tx->inputs[index].witness.size(), 2u);
        EXPECT_EQ(signed_tx->inputs[index].witness[0], sig);
        Tx stripped = *signed_tx;
        for (TxIn& in : stripped.inputs) {
            in.script_sig.clear();
            in.witness.clear();
        }
        EXPECT_EQ(stripped, tx);
        ++checked;
    }
    std::cout << "[vectors] bip143_p2wpkh_examples.json: " << checked << " cases passed\n";
    EXPECT_EQ(checked, 2u);
}

TEST(LegacySighash, Bip143NativeExampleLegacyInputSignatureVerifies) {
    // Input 0 of the BIP143 "Native P2WPKH" example is a P2PK output signed with the legacy
    // algorithm; its signature sits in signed_tx's scriptSig.
    const json::value doc = test::ReadTestJson("bips/bip143_p2wpkh_examples.json");
    const json::object& ex = doc.at("examples").as_array()[0].as_object();
    const Tx tx = ParseTxOrFail(Str(ex.at("unsigned_tx")));
    const Bytes spk = test::ParseHexOrFail(Str(ex.at("inputs").as_array()[0].at("scriptPubKey")));
    ASSERT_EQ(spk.size(), 35u);
    const auto pubkey = crypto::PubKey::Parse(util::ByteSpan(spk).subspan(1, 33));
    ASSERT_TRUE(pubkey);
    const auto signed_tx = DecodeTx(test::ParseHexOrFail(Str(ex.at("signed_tx"))));
    ASSERT_TRUE(signed_tx);
    size_t pc = 0;
    const auto push = GetOp(signed_tx->inputs[0].script_sig, pc);
    ASSERT_TRUE(push);
    const Bytes sig(push->data.begin(), push->data.end());
    ASSERT_EQ(sig.back(), SIGHASH_ALL);
    const util::Uint256 sighash = LegacySignatureHash(spk, tx, 0, SIGHASH_ALL);
    EXPECT_TRUE(pubkey->VerifyEcdsa(sighash, util::ByteSpan(sig).first(sig.size() - 1)));
    EXPECT_FALSE(pubkey->VerifyEcdsa(LegacySignatureHash(spk, tx, 1, SIGHASH_ALL),
                                     util::ByteSpan(sig).first(sig.size() - 1)));
}

TEST(SegwitV0Sighash, SingleAndNoneCommitments) {
    const Tx tx = SampleTx();
    PrecomputedTxData cache;
    cache.Init(tx, {}, true);
    const Bytes code{0x76, 0xac};
    // SINGLE out of range: hashOutputs is zero, not the legacy "one" quirk, and still a hash.
    const auto single_oob = SegwitV0SignatureHash(code, tx, 2, SIGHASH_SINGLE, 1, cache);
    util::Uint256 one;
    one.data()[0] = 1;
    EXPECT_NE(single_oob, one);
    Tx changed = tx;
    changed.outputs[1].value += 1;
    EXPECT_EQ(SegwitV0SignatureHash(code, changed, 2, SIGHASH_SINGLE, 1, PrecomputedTxData{}), single_oob);
    // SINGLE in range commits to its own output only.
    const auto single0 = SegwitV0SignatureHash(code, tx, 0, SIGHASH_SINGLE, 1, cache);
    EXPECT_EQ(SegwitV0SignatureHash(code, changed, 0, SIGHASH_SINGLE, 1, PrecomputedTxData{}), single0);
    changed.outputs[0].value += 1;
    EXPECT_NE(SegwitV0SignatureHash(code, changed, 0, SIGHASH_SINGLE, 1, PrecomputedTxData{}), single0);
}

TEST(PrecomputedTxData, ComputesOnlyWhatIsNeeded) {
    Tx tx = SampleTx();
    PrecomputedTxData none;
    none.Init(tx, {});
    EXPECT_FALSE(none.bip143_ready);  // no witnesses: legacy only
    EXPECT_FALSE(none.bip341_ready);
    EXPECT_FALSE(none.spent_outputs_ready);

    tx.inputs[1].witness = {Bytes{1}};
    std::vector<TxOut> spent(3, TxOut{1000, ScriptBuilder().Op(Opcode::OP_0).Push(Bytes(20, 7)).Take()});
    PrecomputedTxData v0;
    v0.Init(tx, spent);
    EXPECT_TRUE(v0.bip143_ready);
    EXPECT_FALSE(v0.bip341_ready);
    EXPECT_TRUE(v0.spent_outputs_ready);

    spent[1].script_pubkey = ScriptBuilder().Op(Opcode::OP_1).Push(Bytes(32, 9)).Take();
    PrecomputedTxData v1;
    v1.Init(tx, spent);
    EXPECT_FALSE(v1.bip143_ready);
    EXPECT_TRUE(v1.bip341_ready);
    // Taproot hashing without spent outputs is impossible.
    PrecomputedTxData forced_no_outputs;
    forced_no_outputs.Init(tx, {}, true);
    EXPECT_TRUE(forced_no_outputs.bip143_ready);
    EXPECT_FALSE(forced_no_outputs.bip341_ready);
    EXPECT_FALSE(TaprootSignatureHash(tx, 0, SIGHASH_DEFAULT, forced_no_outputs));
}

// ---- BIP341 ----

TEST(TaprootSighash, Bip341KeyPathVectors) {
    const json::value doc = test::ReadTestJson("bitcoin-core/bip341_wallet_vectors.json");
    size_t checked = 0;
    for (const json::value& spend_value : doc.at("keyPathSpending").as_array()) {
        const json::object& spend = spend_value.as_object();
        const Tx tx = ParseTxOrFail(Str(spend.at("given").at("rawUnsignedTx")));
        std::vector<TxOut> spent;
        for (const json::value& utxo : spend.at("given").at("utxosSpent").as_array()) {
            spent.push_back(
                TxOut{utxo.at("amountSats").as_int64(), test::ParseHexOrFail(Str(utxo.at("scriptPubKey")))});
        }
        ASSERT_EQ(spent.size(), tx.inputs.size());

        PrecomputedTxData cache;
        cache.Init(tx, spent, /*force=*/true);  // the unsigned tx has no witnesses yet
        ASSERT_TRUE(cache.bip341_ready);
        const json::object& inter = spend.at("intermediary").as_object();
        // BIP341 prints these in natural byte order.
        EXPECT_EQ(cache.prevouts_single_hash.ToHexInternal(), Str(inter.at("hashPrevouts")));
        EXPECT_EQ(cache.spent_amounts_single_hash.ToHexInternal(), Str(inter.at("hashAmounts")));
        EXPECT_EQ(cache.spent_scripts_single_hash.ToHexInternal(), Str(inter.at("hashScriptPubkeys")));
        EXPECT_EQ(cache.sequences_single_hash.ToHexInternal(), Str(inter.at("hashSequences")));
        EXPECT_EQ(cache.outputs_single_hash.ToHexInternal(), Str(inter.at("hashOutputs")));

        const auto signed_tx = DecodeTx(test::ParseHexOrFail(Str(spend.at("auxiliary").at("fullySignedTx"))));
        ASSERT_TRUE(signed_tx);

        for (const json::value& input_value : spend.at("inputSpending").as_array()) {
            const json::object& input = input_value.as_object();
            const auto index = static_cast<size_t>(input.at("given").at("txinIndex").as_int64());
            const auto hash_type = static_cast<uint8_t>(input.at("given").at("hashType").as_int64());
            SCOPED_TRACE("input " + std::to_string(index));
            const auto msg = TaprootSignatureMessage(tx, index, hash_type, cache);
            ASSERT_TRUE(msg);
            EXPECT_EQ(HexEncode(*msg), Str(input.at("intermediary").at("sigMsg")));
            const auto sighash = TaprootSignatureHash(tx, index, hash_type, cache);
            ASSERT_TRUE(sighash);
            EXPECT_EQ(sighash->ToHexInternal(), Str(input.at("intermediary").at("sigHash")));

            // The expected witness signature verifies against the output key in the spent
            // scriptPubKey (OP_1 <32-byte key>), over our hash.
            const Bytes sig = test::ParseHexOrFail(Str(input.at("expected").at("witness").as_array()[0]));
            ASSERT_EQ(sig.size(), hash_type == SIGHASH_DEFAULT ? 64u : 65u);
            if (sig.size() == 65) {
                EXPECT_EQ(sig[64], hash_type);
            }
            const auto key =
                crypto::XOnlyPubKey::Parse(util::ByteSpan(spent[index].script_pubkey).subspan(2));
            ASSERT_TRUE(key);
            EXPECT_TRUE(key->VerifySchnorr(sighash->span(), util::ByteSpan(sig).first(64)));
            EXPECT_EQ(signed_tx->inputs[index].witness, std::vector<Bytes>{sig});
            ++checked;
        }
    }
    std::cout << "[vectors] bip341_wallet_vectors.json keyPathSpending: " << checked << " inputs passed\n";
    EXPECT_EQ(checked, 7u);
}

TEST(TaprootSighash, RejectsInvalidHashTypesAndMissingSingleOutput) {
    const Tx tx = SampleTx();  // 3 inputs, 2 outputs
    std::vector<TxOut> spent(3, TxOut{1000, ScriptBuilder().Op(Opcode::OP_1).Push(Bytes(32, 9)).Take()});
    PrecomputedTxData cache;
    cache.Init(tx, spent, true);
    for (int t = 0; t < 256; ++t) {
        const bool valid = t <= 3 || (t >= 0x81 && t <= 0x83);
        EXPECT_EQ(TaprootSignatureHash(tx, 0, static_cast<uint8_t>(t), cache).has_value(), valid) << t;
    }
    EXPECT_FALSE(TaprootSignatureHash(tx, 2, SIGHASH_SINGLE, cache));
    EXPECT_FALSE(TaprootSignatureHash(tx, 2, SIGHASH_SINGLE | SIGHASH_ANYONECANPAY, cache));
    EXPECT_FALSE(TaprootSignatureMessage(tx, 2, SIGHASH_SINGLE, cache));
    EXPECT_TRUE(TaprootSignatureHash(tx, 1, SIGHASH_SINGLE, cache));
    EXPECT_TRUE(TaprootSignatureHash(tx, 2, SIGHASH_NONE, cache));
    // DEFAULT and ALL sign the same data but commit to a different hash_type byte.
    EXPECT_NE(*TaprootSignatureHash(tx, 0, SIGHASH_DEFAULT, cache),
              *TaprootSignatureHash(tx, 0, SIGHASH_ALL, cache));
}

TEST(TaprootSighash, AnnexAndScriptPathChangeTheMessage) {
    const Tx tx = SampleTx();
    std::vector<TxOut> spent(3, TxOut{1000, ScriptBuilder().Op(Opcode::OP_1).Push(Bytes(32, 9)).Take()});
    PrecomputedTxData cache;
    cache.Init(tx, spent, true);
    const auto key_path = TaprootSignatureMessage(tx, 1, SIGHASH_DEFAULT, cache);
    ASSERT_TRUE(key_path);

    TaprootSighashExtra with_annex;
    with_annex.annex_hash = ComputeAnnexHash(Bytes{0x50, 0x01});
    const auto annexed = TaprootSignatureMessage(tx, 1, SIGHASH_DEFAULT, cache, with_annex);
    ASSERT_TRUE(annexed);
    EXPECT_EQ(annexed->size(), key_path->size() + 32);

    TaprootSighashExtra script_path;
    const Bytes leaf_script{0x20};
    script_path.tapleaf_hash = ComputeTapleafHash(0xc0, leaf_script);
    script_path.codeseparator_pos = 7;
    const auto tapscript = TaprootSignatureMessage(tx, 1, SIGHASH_DEFAULT, cache, script_path);
    ASSERT_TRUE(tapscript);
    // tapleaf hash (32) + key version (1) + codeseparator position (4).
    ASSERT_EQ(tapscript->size(), key_path->size() + 37);
    const Bytes tail(tapscript->end() - 5, tapscript->end());
    EXPECT_EQ(HexEncode(tail), "0007000000");
    // spend_type byte: ext_flag 1 -> 0x02, plus the annex bit.
    const size_t spend_type_pos = 1 + 1 + 4 + 4 + 32 * 5;
    EXPECT_EQ((*key_path)[spend_type_pos], 0x00);
    EXPECT_EQ((*annexed)[spend_type_pos], 0x01);
    EXPECT_EQ((*tapscript)[spend_type_pos], 0x02);
}

TEST(TaprootSighash, TapleafAndAnnexHashes) {
    // The BIP341 wallet vectors list leaf hashes for their script trees; check the first one.
    const json::value doc = test::ReadTestJson("bitcoin-core/bip341_wallet_vectors.json");
    size_t checked = 0;
    for (const json::value& c : doc.at("scriptPubKey").as_array()) {
        const json::value& tree = c.at("given").at("scriptTree");
        if (tree.is_null() || !tree.is_object()) continue;  // single-leaf trees only here
        const json::object& leaf = tree.as_object();
        const auto version = static_cast<uint8_t>(leaf.at("leafVersion").as_int64());
        const Bytes script = test::ParseHexOrFail(Str(leaf.at("script")));
        EXPECT_EQ(ComputeTapleafHash(version, script).ToHexInternal(),
                  Str(c.at("intermediary").at("leafHashes").as_array()[0]));
        ++checked;
    }
    std::cout << "[vectors] bip341_wallet_vectors.json single-leaf leafHashes: " << checked
              << " cases passed\n";
    EXPECT_EQ(checked, 2u);
    // Annex hash covers the length prefix: differs from a plain SHA256 of the same bytes.
    EXPECT_NE(ComputeAnnexHash(Bytes{0x50}), util::Uint256(crypto::Sha256Hash(Bytes{0x50})));
}

TEST(SigHashTypeName, CoreStrings) {
    EXPECT_EQ(SigHashTypeName(0x01), "ALL");
    EXPECT_EQ(SigHashTypeName(0x81), "ALL|ANYONECANPAY");
    EXPECT_EQ(SigHashTypeName(0x02), "NONE");
    EXPECT_EQ(SigHashTypeName(0x82), "NONE|ANYONECANPAY");
    EXPECT_EQ(SigHashTypeName(0x03), "SINGLE");
    EXPECT_EQ(SigHashTypeName(0x83), "SINGLE|ANYONECANPAY");
    EXPECT_EQ(SigHashTypeName(0x00), "");
    EXPECT_EQ(SigHashTypeName(0x04), "");
    EXPECT_EQ(SigHashTypeName(0x80), "");
}

TEST(LegacySighash, TruncatedPushTailIsNotHashed) {
    // Bitcoin Core's serializer stops where its parser failed (after the opcode and any
    // complete length field) and drops the rest, so bytes after a truncated push do not
    // change the hash; bytes before it do.
    primitives::Tx tx;
    tx.inputs.resize(1);
    tx.outputs.push_back({1000, {0x51}});
    const util::Bytes a = {0xab, 0x05, 0x01};
    const util::Bytes b = {0xab, 0x05, 0x77};
    const util::Bytes c = {0xac, 0x05, 0x01};
    EXPECT_EQ(LegacySignatureHash(a, tx, 0, SIGHASH_ALL), LegacySignatureHash(b, tx, 0, SIGHASH_ALL));
    EXPECT_NE(LegacySignatureHash(a, tx, 0, SIGHASH_ALL), LegacySignatureHash(c, tx, 0, SIGHASH_ALL));
    // PUSHDATA2 with a complete length field: the length bytes are written, the data is not.
    const util::Bytes d = {0x4d, 0x10, 0x00, 0x01};
    const util::Bytes e = {0x4d, 0x10, 0x00, 0x02};
    const util::Bytes f = {0x4d, 0x11, 0x00, 0x01};
    EXPECT_EQ(LegacySignatureHash(d, tx, 0, SIGHASH_ALL), LegacySignatureHash(e, tx, 0, SIGHASH_ALL));
    EXPECT_NE(LegacySignatureHash(d, tx, 0, SIGHASH_ALL), LegacySignatureHash(f, tx, 0, SIGHASH_ALL));
}

}  // namespace
}  // namespace tonari::bitcoin::script
