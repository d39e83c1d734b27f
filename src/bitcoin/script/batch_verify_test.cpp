// Tests for VerifyInputs over really signed transactions (P2WPKH, P2TR key and script path,
// 2-of-3 P2WSH multisig): valid batches pass on the calling thread and on pools of 1 and 4
// threads; a corrupted signature is reported at exactly its (tx, input) with the right
// error; with several failures the lowest one wins on every run; coinbases are skipped; and
// the signature cache is filled, consulted (a planted entry makes a bad signature pass) and
// never lets a hit skip the rest of the script.
#include "bitcoin/script/batch_verify.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/sig_cache.h"
#include "bitcoin/script/spend_fixtures.h"
#include "util/worker_pool.h"

namespace tonari::bitcoin::script {
namespace {

using fixtures::MakeSignedTxs;
using fixtures::SignedTxSet;
using fixtures::SpendType;

void AppendSet(SignedTxSet& out, SignedTxSet in) {
    for (auto& tx : in.txs) out.txs.push_back(std::move(tx));
    for (auto& d : in.txdata) out.txdata.push_back(std::move(d));
    for (auto& c : in.checks) out.checks.push_back(std::move(c));
}

// txs 0-2: P2WPKH x5, 3-5: P2TR key path x5, 6-7: multisig x3, 8-9: P2TR script path x3.
const SignedTxSet& Mixed() {
    static const SignedTxSet set = [] {
        crypto::KeyContext ctx;
        SignedTxSet s = MakeSignedTxs(ctx, SpendType::P2WPKH, 3, 5, 11);
        AppendSet(s, MakeSignedTxs(ctx, SpendType::P2TR_KEY_PATH, 3, 5, 12));
        AppendSet(s, MakeSignedTxs(ctx, SpendType::P2WSH_MULTISIG_2OF3, 2, 3, 13));
        AppendSet(s, MakeSignedTxs(ctx, SpendType::P2TR_SCRIPT_PATH, 2, 3, 14));
        return s;
    }();
    return set;
}

constexpr size_t P2WPKH_TX = 1, P2TR_TX = 4, MULTISIG_TX = 7, SCRIPT_PATH_TX = 9;

// Flips a bit inside the signature's R part (ECDSA: a byte of r past the DER header; Schnorr:
// a byte of R.x), keeping the encoding well-formed so only the curve check can reject it.
void CorruptSignature(SignedTxSet& set, size_t t, size_t i) {
    auto& witness = set.txs[t].inputs[i].witness;
    // Multisig: the first signature is element 1 (element 0 is the dummy).
    util::Bytes& sig = witness[0].empty() ? witness[1] : witness[0];
    sig[10] ^= 0x01;
}

struct Pools {
    util::WorkerPool one{1};
    util::WorkerPool four{4};
    std::vector<util::WorkerPool*> All() { return {nullptr, &one, &four}; }
};

std::string PoolName(const util::WorkerPool* pool) {
    return pool == nullptr ? "no pool" : std::to_string(pool->ThreadCount()) + " threads";
}

TEST(BatchVerify, EveryFixtureInputVerifiesAlone) {
    const SignedTxSet& set = Mixed();
    size_t checked = 0;
    for (size_t t = 0; t < set.txs.size(); ++t) {
        for (size_t i = 0; i < set.txs[t].inputs.size(); ++i) {
            const auto r = VerifyTxInput(set.txs[t], i, set.txdata[t], STANDARD_SCRIPT_VERIFY_FLAGS);
            EXPECT_TRUE(r) << "tx " << t << " input " << i << ": " << ScriptErrorName(r.error());
            ++checked;
        }
    }
    EXPECT_EQ(checked, 3u * 5 + 3 * 5 + 2 * 3 + 2 * 3);
    EXPECT_EQ(set.InputCount(), checked);
}

TEST(BatchVerify, ValidBatchPassesOnAnyPool) {
    Pools pools;
    const auto views = Mixed().Views();
    for (util::WorkerPool* pool : pools.All()) {
        for (ScriptFlags flags : {MANDATORY_SCRIPT_VERIFY_FLAGS, STANDARD_SCRIPT_VERIFY_FLAGS}) {
            const auto r = VerifyInputs(views, flags, nullptr, false, pool);
            EXPECT_TRUE(r) << PoolName(pool) << ": tx " << r.error().tx_index << " input "
                           << r.error().input_index << " " << ScriptErrorName(r.error().error);
        }
    }
}

TEST(BatchVerify, EmptyBatchPasses) {
    Pools pools;
    for (util::WorkerPool* pool : pools.All()) {
        EXPECT_TRUE(VerifyInputs({}, STANDARD_SCRIPT_VERIFY_FLAGS, nullptr, false, pool));
    }
}

struct CorruptionCase {
    size_t tx;
    size_t input;
    ScriptError mandatory_error;  // without NULLFAIL a failed CHECKSIG just pushes false
    ScriptError standard_error;
};

TEST(BatchVerify, OneCorruptedSignatureIsReportedExactly) {
    Pools pools;
    const CorruptionCase cases[] = {
        {0, 0, ScriptError::EVAL_FALSE, ScriptError::NULLFAIL},  // very first input
        {P2WPKH_TX, 3, ScriptError::EVAL_FALSE, ScriptError::NULLFAIL},
        {P2TR_TX, 2, ScriptError::SCHNORR_SIG, ScriptError::SCHNORR_SIG},
        {MULTISIG_TX, 1, ScriptError::EVAL_FALSE, ScriptError::NULLFAIL},
        {SCRIPT_PATH_TX, 2, ScriptError::SCHNORR_SIG, ScriptError::SCHNORR_SIG},  // very last
    };
    for (const auto& c : cases) {
        SignedTxSet set = Mixed();
        CorruptSignature(set, c.tx, c.input);
        const auto views = set.Views();
        for (util::WorkerPool* pool : pools.All()) {
            for (ScriptFlags flags : {MANDATORY_SCRIPT_VERIFY_FLAGS, STANDARD_SCRIPT_VERIFY_FLAGS}) {
                const ScriptError want =
                    flags == MANDATORY_SCRIPT_VERIFY_FLAGS ? c.mandatory_error : c.standard_error;
                const auto r = VerifyInputs(views, flags, nullptr, false, pool);
                ASSERT_FALSE(r) << PoolName(pool) << " tx " << c.tx << " input " << c.input;
                EXPECT_EQ(r.error(), (InputFailure{c.tx, c.input, want}))
                    << PoolName(pool) << ": want tx " << c.tx << " input " << c.input << " "
                    << ScriptErrorName(want) << ", got tx " << r.error().tx_index << " input "
                    << r.error().input_index << " " << ScriptErrorName(r.error().error);
            }
        }
    }
}

TEST(BatchVerify, LowestOfSeveralFailuresWinsEveryTime) {
    Pools pools;
    SignedTxSet set = Mixed();
    CorruptSignature(set, SCRIPT_PATH_TX, 0);
    CorruptSignature(set, P2TR_TX, 4);
    CorruptSignature(set, P2WPKH_TX, 2);
    CorruptSignature(set, MULTISIG_TX, 0);
    const auto views = set.Views();
    for (util::WorkerPool* pool : pools.All()) {
        for (int run = 0; run < 20; ++run) {
            const auto r = VerifyInputs(views, MANDATORY_SCRIPT_VERIFY_FLAGS, nullptr, false, pool);
            ASSERT_FALSE(r);
            ASSERT_EQ(r.error(), (InputFailure{P2WPKH_TX, 2, ScriptError::EVAL_FALSE}))
                << PoolName(pool) << " run " << run << ": got tx " << r.error().tx_index << " input "
                << r.error().input_index;
        }
    }
}

TEST(BatchVerify, LateFailureInLargeBatch) {
    // Many small transactions, so the failure sits in the last chunk handed out.
    crypto::KeyContext ctx;
    SignedTxSet set = MakeSignedTxs(ctx, SpendType::P2TR_KEY_PATH, 40, 4, 21);
    CorruptSignature(set, 39, 3);
    const auto views = set.Views();
    Pools pools;
    for (util::WorkerPool* pool : pools.All()) {
        const auto r = VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, nullptr, false, pool);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), (InputFailure{39, 3, ScriptError::SCHNORR_SIG})) << PoolName(pool);
    }
}

TEST(BatchVerify, NonSignatureFailureIsReportedToo) {
    // A wrong spent amount changes the BIP143 sighash: the intact signature no longer matches.
    SignedTxSet set = Mixed();
    set.txdata[P2WPKH_TX].spent_outputs[4].value += 1;
    set.Reinit(P2WPKH_TX);
    // And an empty witness on a taproot input.
    set.txs[P2TR_TX + 1].inputs[0].witness.clear();
    set.Reinit(P2TR_TX + 1);
    const auto views = set.Views();
    Pools pools;
    for (util::WorkerPool* pool : pools.All()) {
        auto r = VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, nullptr, false, pool);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), (InputFailure{P2WPKH_TX, 4, ScriptError::NULLFAIL})) << PoolName(pool);
        r = VerifyInputs(std::span(views).subspan(P2WPKH_TX + 1), STANDARD_SCRIPT_VERIFY_FLAGS, nullptr,
                         false, pool);
        ASSERT_FALSE(r);
        // Indices are relative to the span given.
        EXPECT_EQ(r.error(), (InputFailure{P2TR_TX + 1 - (P2WPKH_TX + 1), 0,
                                           ScriptError::WITNESS_PROGRAM_WITNESS_EMPTY}))
            << PoolName(pool);
    }
}

TEST(BatchVerify, CoinbaseIsSkipped) {
    primitives::Tx coinbase;
    primitives::TxIn in;                             // null prevout
    in.script_sig = {0x03, 0x01, 0x02, 0x03, 0x6a};  // junk that would fail if executed
    coinbase.inputs.push_back(in);
    coinbase.outputs.push_back(primitives::TxOut{50 * primitives::COIN, {0x51}});
    ASSERT_TRUE(coinbase.IsCoinbase());
    const PrecomputedTxData no_data;  // never Init'ed: must not be read

    std::vector<TxToVerify> views = {{&coinbase, &no_data}};
    for (const auto& v : Mixed().Views()) views.push_back(v);
    Pools pools;
    for (util::WorkerPool* pool : pools.All()) {
        EXPECT_TRUE(VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, nullptr, false, pool))
            << PoolName(pool);
    }
    // The same transaction with a non-null prevout is checked, and fails (no spent outputs).
    primitives::Tx not_coinbase = coinbase;
    not_coinbase.inputs[0].prevout.index = 0;
    views[0] = {&not_coinbase, &no_data};
    const auto r = VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, nullptr, false, pools.All()[2]);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().tx_index, 0u);
}

// ---- With the signature cache ----

TEST(BatchVerifyCache, StoreFillsAndLookupOnlyDoesNot) {
    for (size_t threads : {1u, 4u}) {
        util::WorkerPool pool(threads);
        const auto views = Mixed().Views();
        const size_t signatures = Mixed().checks.size();
        ASSERT_EQ(signatures, 3u * 5 + 3 * 5 + 2 * 3 * 2 + 2 * 3);

        SignatureCache cache(10'000);
        // Looking up without storing leaves the cache empty.
        ASSERT_TRUE(VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, &cache, false, &pool));
        EXPECT_EQ(cache.Size(), 0u);
        // Storing adds one entry per verified signature.
        ASSERT_TRUE(VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, &cache, true, &pool));
        EXPECT_EQ(cache.Size(), signatures) << threads << " threads";
        // Every signature is now a hit, under the key the checker uses.
        size_t hits = 0;
        for (const auto& c : Mixed().checks)
            hits += cache.Contains(c.schnorr ? 'S' : 'E', c.sighash, c.pubkey, c.sig);
        EXPECT_EQ(hits, signatures);
        // A second, cache-served verification passes and adds nothing.
        ASSERT_TRUE(VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, &cache, true, &pool));
        ASSERT_TRUE(VerifyInputs(views, MANDATORY_SCRIPT_VERIFY_FLAGS, &cache, false, &pool));
        EXPECT_EQ(cache.Size(), signatures);
    }
}

TEST(BatchVerifyCache, PlantedEntryIsTrusted) {
    // Proof that lookups are consulted, with the same key the checker computes: a corrupted
    // signature passes once its exact (sighash, key, sig) is in the cache. (Only the node
    // itself ever inserts, after a real verification; this is the cache working as intended.)
    SignedTxSet set = Mixed();
    CorruptSignature(set, P2WPKH_TX, 1);
    CorruptSignature(set, P2TR_TX, 0);
    const auto views = set.Views();
    util::WorkerPool pool(4);
    SignatureCache cache(1000);
    ASSERT_FALSE(VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, &cache, true, &pool));

    // The checks list is in (tx, input) order; find the two corrupted inputs' entries.
    const size_t wpkh_check = P2WPKH_TX * 5 + 1;
    const size_t tr_check = 3 * 5 + (P2TR_TX - 3) * 5 + 0;
    const auto& ec = Mixed().checks[wpkh_check];
    const auto& sc = Mixed().checks[tr_check];
    util::Bytes bad_der = set.txs[P2WPKH_TX].inputs[1].witness[0];
    bad_der.pop_back();  // the checker caches the DER without its hash-type byte
    cache.Insert('E', ec.sighash, ec.pubkey, bad_der);
    auto r = VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, &cache, false, &pool);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), (InputFailure{P2TR_TX, 0, ScriptError::SCHNORR_SIG}));
    // Kind matters: the Schnorr entry under 'E' is not a hit.
    cache.Insert('E', sc.sighash, sc.pubkey, set.txs[P2TR_TX].inputs[0].witness[0]);
    EXPECT_FALSE(VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, &cache, false, &pool));
    cache.Insert('S', sc.sighash, sc.pubkey, set.txs[P2TR_TX].inputs[0].witness[0]);
    r = VerifyInputs(views, STANDARD_SCRIPT_VERIFY_FLAGS, &cache, false, &pool);
    EXPECT_TRUE(r) << "tx " << r.error().tx_index << " input " << r.error().input_index;
}

TEST(BatchVerifyCache, HitDoesNotSkipTheRestOfTheScript) {
    SignedTxSet set = Mixed();
    SignatureCache cache(1000);
    util::WorkerPool pool(4);
    ASSERT_TRUE(VerifyInputs(set.Views(), STANDARD_SCRIPT_VERIFY_FLAGS, &cache, true, &pool));
    // Same witness, but the output it claims to spend now commits to another key hash: the
    // signature is cached, yet HASH160/EQUALVERIFY must still reject it.
    auto& spk = set.txdata[P2WPKH_TX].spent_outputs[0].script_pubkey;
    spk.back() ^= 0x01;
    set.Reinit(P2WPKH_TX);
    const auto r = VerifyInputs(set.Views(), STANDARD_SCRIPT_VERIFY_FLAGS, &cache, false, &pool);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), (InputFailure{P2WPKH_TX, 0, ScriptError::EQUALVERIFY}));
    // A multisig with the dummy element made non-empty fails NULLDUMMY despite cached sigs.
    SignedTxSet set2 = Mixed();
    set2.txs[MULTISIG_TX].inputs[2].witness[0] = {0x01};
    const auto r2 = VerifyInputs(set2.Views(), STANDARD_SCRIPT_VERIFY_FLAGS, &cache, false, &pool);
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error(), (InputFailure{MULTISIG_TX, 2, ScriptError::SIG_NULLDUMMY}));
}

}  // namespace
}  // namespace tonari::bitcoin::script
