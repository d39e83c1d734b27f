// Test and benchmark fixtures only (not library API; nothing in the node includes this):
// builds transactions whose inputs really spend P2WPKH, P2TR key-path, P2TR script-path or
// 2-of-3 P2WSH multisig outputs, with real signatures from deterministic keys, plus the
// (sighash, public key, signature) triples each input's check verifies, for benchmarks that
// call libsecp256k1 directly. Header-only so the test binary and tonari_bench share it
// without a library target of its own.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/batch_verify.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/sighash.h"
#include "crypto/keys.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::bitcoin::script::fixtures {

enum class SpendType : uint8_t {
    P2WPKH,
    P2TR_KEY_PATH,
    P2TR_SCRIPT_PATH,     // one leaf: <x-only key> OP_CHECKSIG
    P2WSH_MULTISIG_2OF3,  // OP_2 <k1> <k2> <k3> OP_3 OP_CHECKMULTISIG, signed by k2 and k3
};

// One signature check an input performs.
struct SigCheck {
    bool schnorr = false;
    util::Uint256 sighash;
    util::Bytes pubkey;  // 33-byte compressed (ECDSA) or 32-byte x-only (Schnorr)
    util::Bytes sig;     // DER without hash type (ECDSA) or 64 bytes (Schnorr)
};

struct SignedTxSet {
    std::vector<primitives::Tx> txs;
    std::vector<PrecomputedTxData> txdata;  // txdata[t] belongs to txs[t]
    std::vector<SigCheck> checks;           // in (tx, input, signature) order

    size_t InputCount() const {
        size_t n = 0;
        for (const auto& tx : txs) n += tx.inputs.size();
        return n;
    }
    // Views for VerifyInputs; valid while this set is neither moved nor modified.
    std::vector<TxToVerify> Views() const {
        std::vector<TxToVerify> out;
        for (size_t t = 0; t < txs.size(); ++t) out.push_back({&txs[t], &txdata[t]});
        return out;
    }
    // Re-Inits txdata[t] after a test edits txs[t] or its spent outputs.
    void Reinit(size_t t) {
        std::vector<primitives::TxOut> spent = txdata[t].spent_outputs;
        txdata[t] = PrecomputedTxData{};
        txdata[t].Init(txs[t], std::move(spent), true);
    }
};

inline util::Uint256 FixtureHash(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
    std::array<uint8_t, 32> buf{};
    const uint64_t words[4] = {seed, a, b, c};
    for (size_t w = 0; w < 4; ++w) {
        for (size_t k = 0; k < 8; ++k) buf[8 * w + k] = static_cast<uint8_t>(words[w] >> (8 * k));
    }
    return util::Uint256(crypto::Sha256Hash(buf));
}

// Deterministic key number `n` of input `i` of tx `t`.
inline crypto::PrivKey FixtureKey(uint64_t seed, size_t t, size_t i, size_t n) {
    // A SHA-256 output is a valid secret key except with probability ~2^-128.
    return *crypto::PrivKey::FromBytes(FixtureHash(seed, t, i, 100 + n).span());
}

inline util::Bytes EcdsaSigWithHashType(const crypto::KeyContext& ctx, const crypto::PrivKey& key,
                                        const util::Uint256& sighash) {
    util::Bytes sig = key.SignEcdsa(ctx, sighash);
    sig.push_back(SIGHASH_ALL);
    return sig;
}

// `tx_count` transactions of `inputs_per_tx` inputs each, all of `type`, each paying to one
// P2WPKH output. Different seeds give unrelated keys and prevouts.
inline SignedTxSet MakeSignedTxs(const crypto::KeyContext& ctx, SpendType type, size_t tx_count,
                                 size_t inputs_per_tx, uint64_t seed = 1) {
    using util::Bytes;
    SignedTxSet set;
    set.txs.resize(tx_count);
    set.txdata.resize(tx_count);
    for (size_t t = 0; t < tx_count; ++t) {
        primitives::Tx& tx = set.txs[t];
        std::vector<primitives::TxOut> spent;
        // Per input: the secret keys and the script the signature commits to.
        struct Plan {
            std::vector<crypto::PrivKey> keys;
            Bytes script;                       // P2WPKH script code, witness script, or leaf
            std::optional<util::Uint256> leaf;  // tapleaf hash (script path)
            Bytes control;                      // control block (script path)
        };
        std::vector<Plan> plans;
        primitives::Amount in_sum = 0;
        for (size_t i = 0; i < inputs_per_tx; ++i) {
            primitives::TxIn in;
            in.prevout.txid = primitives::Txid(FixtureHash(seed, t, i, 1));
            in.prevout.index = static_cast<uint32_t>(i % 3);
            in.sequence = 0xfffffffd;
            tx.inputs.push_back(in);
            const primitives::Amount amount = 100'000 + static_cast<primitives::Amount>(i);
            in_sum += amount;

            Plan plan;
            Bytes spk;
            const crypto::PrivKey k0 = FixtureKey(seed, t, i, 0);
            switch (type) {
                case SpendType::P2WPKH: {
                    const util::Uint160 h = k0.GetPubKey(ctx).GetId();
                    spk = ScriptBuilder().Op(Opcode::OP_0).Push(h.span()).Take();
                    plan.script = ScriptBuilder()
                                      .Op(Opcode::OP_DUP)
                                      .Op(Opcode::OP_HASH160)
                                      .Push(h.span())
                                      .Op(Opcode::OP_EQUALVERIFY)
                                      .Op(Opcode::OP_CHECKSIG)
                                      .Take();
                    plan.keys = {k0};
                    break;
                }
                case SpendType::P2TR_KEY_PATH: {
                    const auto output = k0.GetPubKey(ctx).XOnly().CreateTapTweak(nullptr);
                    spk = ScriptBuilder().Op(Opcode::OP_1).Push(output->first.bytes()).Take();
                    plan.keys = {*k0.TapTweak(ctx, nullptr)};
                    break;
                }
                case SpendType::P2TR_SCRIPT_PATH: {
                    const crypto::PrivKey leaf_key = FixtureKey(seed, t, i, 1);
                    plan.script = ScriptBuilder()
                                      .Push(leaf_key.GetPubKey(ctx).XOnly().bytes())
                                      .Op(Opcode::OP_CHECKSIG)
                                      .Take();
                    plan.leaf = ComputeTapleafHash(0xc0, plan.script);
                    const crypto::XOnlyPubKey internal = k0.GetPubKey(ctx).XOnly();
                    const auto output = internal.CreateTapTweak(&*plan.leaf);
                    spk = ScriptBuilder().Op(Opcode::OP_1).Push(output->first.bytes()).Take();
                    plan.control.push_back(static_cast<uint8_t>(0xc0 | (output->second ? 1 : 0)));
                    util::Append(plan.control, internal.bytes());
                    plan.keys = {leaf_key};
                    break;
                }
                case SpendType::P2WSH_MULTISIG_2OF3: {
                    ScriptBuilder ws;
                    ws.Op(Opcode::OP_2);
                    for (size_t n = 0; n < 3; ++n) {
                        plan.keys.push_back(FixtureKey(seed, t, i, n));
                        ws.Push(plan.keys.back().GetPubKey(ctx).bytes());
                    }
                    ws.Op(Opcode::OP_3).Op(Opcode::OP_CHECKMULTISIG);
                    plan.script = ws.Take();
                    // Signed by keys 2 and 3. CHECKMULTISIG walks from the last key and the
                    // last signature down, so this costs exactly two curve checks, both
                    // successes; keys 1 and 2 would add a failing check of sig 2 against key 3
                    // (one the signature cache cannot absorb, since only successes are stored).
                    plan.keys.erase(plan.keys.begin());
                    const auto h = crypto::Sha256Hash(plan.script);
                    spk = ScriptBuilder().Op(Opcode::OP_0).Push(h).Take();
                    break;
                }
            }
            spent.push_back(primitives::TxOut{amount, std::move(spk)});
            plans.push_back(std::move(plan));
        }
        const util::Uint160 pay_to = FixtureKey(seed, t, 0, 9).GetPubKey(ctx).GetId();
        tx.outputs.push_back(
            primitives::TxOut{in_sum - 1000, ScriptBuilder().Op(Opcode::OP_0).Push(pay_to.span()).Take()});

        // Sighashes do not cover witnesses, so the hashes can be computed before signing.
        PrecomputedTxData& txdata = set.txdata[t];
        txdata.Init(tx, spent, true);
        for (size_t i = 0; i < inputs_per_tx; ++i) {
            const Plan& plan = plans[i];
            auto& witness = tx.inputs[i].witness;
            const primitives::Amount amount = spent[i].value;
            switch (type) {
                case SpendType::P2WPKH: {
                    const auto h = SegwitV0SignatureHash(plan.script, tx, i, SIGHASH_ALL, amount, txdata);
                    const crypto::PubKey key_pub = plan.keys[0].GetPubKey(ctx);
                    const Bytes pub(key_pub.bytes().begin(), key_pub.bytes().end());
                    witness = {EcdsaSigWithHashType(ctx, plan.keys[0], h), pub};
                    set.checks.push_back({false, h, pub, Bytes(witness[0].begin(), witness[0].end() - 1)});
                    break;
                }
                case SpendType::P2TR_KEY_PATH:
                case SpendType::P2TR_SCRIPT_PATH: {
                    TaprootSighashExtra extra;
                    extra.tapleaf_hash = plan.leaf;
                    const auto h = *TaprootSignatureHash(tx, i, SIGHASH_DEFAULT, txdata, extra);
                    const auto sig = plan.keys[0].SignSchnorr(ctx, h, FixtureHash(seed, t, i, 2));
                    const auto xonly = plan.keys[0].GetPubKey(ctx).XOnly().bytes();
                    witness = {Bytes(sig.begin(), sig.end())};
                    if (type == SpendType::P2TR_SCRIPT_PATH) {
                        witness.push_back(plan.script);
                        witness.push_back(plan.control);
                    }
                    set.checks.push_back({true, h, Bytes(xonly.begin(), xonly.end()), witness[0]});
                    break;
                }
                case SpendType::P2WSH_MULTISIG_2OF3: {
                    const auto h = SegwitV0SignatureHash(plan.script, tx, i, SIGHASH_ALL, amount, txdata);
                    witness = {Bytes{}};  // CHECKMULTISIG's extra pop (BIP147: must be empty)
                    for (const auto& key : plan.keys) {
                        witness.push_back(EcdsaSigWithHashType(ctx, key, h));
                        const crypto::PubKey pub = key.GetPubKey(ctx);
                        set.checks.push_back({false, h, Bytes(pub.bytes().begin(), pub.bytes().end()),
                                              Bytes(witness.back().begin(), witness.back().end() - 1)});
                    }
                    witness.push_back(plan.script);
                    break;
                }
            }
        }
    }
    return set;
}

}  // namespace tonari::bitcoin::script::fixtures
