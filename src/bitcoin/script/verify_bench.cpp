// Benchmarks for script verification as block validation runs it: VerifyInputs over really
// signed transactions (10,000 P2WPKH inputs, 10,000 P2TR key-path, 2,000 2-of-3 P2WSH
// multisig, 2,000 P2TR script-path; 100 inputs per transaction) on one thread and on all
// cores; the bare libsecp256k1 verifications of the same (sighash, key, signature) triples,
// once with keys and signatures decoded beforehand (pure curve arithmetic) and once decoding
// them from their bytes inside the loop (what any verifier starting from a transaction must
// do), so interpreter time / bare time is the cost of everything around libsecp256k1; and
// the warm signature-cache path.
// Items are inputs: items_per_second is inputs/s, per_input the wall time per input.
// Signing happens once per fixture, outside every timed loop.
// Run: tonari_bench --benchmark_filter='Verify|Bare|Cache'
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <thread>
#include <vector>

#include "bitcoin/script/batch_verify.h"
#include "bitcoin/script/sig_cache.h"
#include "bitcoin/script/sighash.h"
#include "bitcoin/script/spend_fixtures.h"
#include "crypto/keys.h"
#include "util/worker_pool.h"

namespace tonari::bitcoin::script {
namespace {

using fixtures::SignedTxSet;
using fixtures::SpendType;

constexpr size_t INPUTS_PER_TX = 100;
constexpr ScriptFlags FLAGS = STANDARD_SCRIPT_VERIFY_FLAGS;

struct Fixture {
    SignedTxSet set;
    std::vector<TxToVerify> views;
    size_t inputs = 0;
};

Fixture Build(SpendType type, size_t inputs, uint64_t seed) {
    const crypto::KeyContext ctx;
    Fixture f;
    f.set = fixtures::MakeSignedTxs(ctx, type, inputs / INPUTS_PER_TX, INPUTS_PER_TX, seed);
    f.views = f.set.Views();
    f.inputs = f.set.InputCount();
    return f;
}

// Built on first use, so a filtered run signs only what it measures.
const Fixture& Get(SpendType type) {
    switch (type) {
        case SpendType::P2WPKH: {
            static const Fixture f = Build(type, 10'000, 1);
            return f;
        }
        case SpendType::P2TR_KEY_PATH: {
            static const Fixture f = Build(type, 10'000, 2);
            return f;
        }
        case SpendType::P2WSH_MULTISIG_2OF3: {
            static const Fixture f = Build(type, 2'000, 3);
            return f;
        }
        case SpendType::P2TR_SCRIPT_PATH: {
            static const Fixture f = Build(type, 2'000, 4);
            return f;
        }
    }
    std::abort();
}

void SetInputCounters(benchmark::State& state, size_t inputs) {
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * inputs));
    state.counters["per_input"] =
        benchmark::Counter(static_cast<double>(inputs),
                           benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// ---------------------------------------------------------------------------------------------
// The interpreter through VerifyInputs. Arg = threads (1, or every core).

void VerifyBatch(benchmark::State& state, SpendType type) {
    const Fixture& f = Get(type);
    util::WorkerPool pool(static_cast<size_t>(state.range(0)));
    for (auto _ : state) {
        const auto r = VerifyInputs(f.views, FLAGS, nullptr, false, &pool);
        if (!r) {
            state.SkipWithError("verification failed");
            return;
        }
    }
    SetInputCounters(state, f.inputs);
}

void BM_VerifyBatch_P2WPKH(benchmark::State& state) {
    VerifyBatch(state, SpendType::P2WPKH);
}
void BM_VerifyBatch_P2TRKeyPath(benchmark::State& state) {
    VerifyBatch(state, SpendType::P2TR_KEY_PATH);
}
void BM_VerifyBatch_P2WSHMultisig2of3(benchmark::State& state) {
    VerifyBatch(state, SpendType::P2WSH_MULTISIG_2OF3);
}
void BM_VerifyBatch_P2TRScriptPath(benchmark::State& state) {
    VerifyBatch(state, SpendType::P2TR_SCRIPT_PATH);
}

// Arg = threads: 1 and every core. Real time, since the work runs on several threads.
void ThreadArgs(benchmark::internal::Benchmark* b) {
    const int64_t cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
    b->ArgName("threads")->Arg(1);
    if (cores > 1) b->Arg(cores);
    b->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_VerifyBatch_P2WPKH)->Apply(ThreadArgs);
BENCHMARK(BM_VerifyBatch_P2TRKeyPath)->Apply(ThreadArgs);
BENCHMARK(BM_VerifyBatch_P2WSHMultisig2of3)->Apply(ThreadArgs);
BENCHMARK(BM_VerifyBatch_P2TRScriptPath)->Apply(ThreadArgs);

// ---------------------------------------------------------------------------------------------
// Bare libsecp256k1: only the verify calls, keys and signatures parsed outside the loop. For
// script-path spends also the taproot commitment check (one tweak-add), which the
// interpreter must do as well; hashing (sighash, tapleaf, taptweak) is left out throughout.

struct BareEcdsa {
    secp256k1_pubkey pub;
    secp256k1_ecdsa_signature sig;
    util::Uint256 hash;
};
struct BareSchnorr {
    secp256k1_xonly_pubkey pub;
    std::array<uint8_t, 64> sig;
    util::Uint256 msg;
};
// BIP341 script path: the output key must be the internal key tweaked by the merkle root.
struct BareCommitment {
    secp256k1_xonly_pubkey internal;
    std::array<uint8_t, 32> output;
    int parity;
    util::Uint256 tweak;
};

// The script-path commitment of each input (taken apart from witness and spent output).
bool PrepareCommitments(const Fixture& f, std::vector<BareCommitment>& out) {
    const secp256k1_context* ctx = secp256k1_context_static;
    for (size_t t = 0; t < f.set.txs.size(); ++t) {
        for (size_t i = 0; i < f.set.txs[t].inputs.size(); ++i) {
            const auto& witness = f.set.txs[t].inputs[i].witness;
            const auto& spk = f.set.txdata[t].spent_outputs[i].script_pubkey;
            if (witness.size() != 3 || witness[2].size() != 33 || spk.size() != 34) return false;
            const auto internal = crypto::XOnlyPubKey::Parse(util::ByteSpan(witness[2]).subspan(1));
            if (!internal) return false;
            const util::Uint256 leaf = ComputeTapleafHash(0xc0, witness[1]);
            BareCommitment c{};
            if (secp256k1_xonly_pubkey_parse(ctx, &c.internal, internal->bytes().data()) != 1) return false;
            std::copy(spk.begin() + 2, spk.end(), c.output.begin());
            c.parity = witness[2][0] & 1;
            c.tweak = internal->ComputeTapTweakHash(&leaf);
            out.push_back(c);
        }
    }
    return true;
}

void Bare(benchmark::State& state, SpendType type, bool from_bytes) {
    const Fixture& f = Get(type);
    const secp256k1_context* ctx = secp256k1_context_static;
    std::vector<BareEcdsa> ecdsa;
    std::vector<BareSchnorr> schnorr;
    for (const auto& c : f.set.checks) {
        bool ok = true;
        if (c.schnorr) {
            BareSchnorr b{};
            ok = secp256k1_xonly_pubkey_parse(ctx, &b.pub, c.pubkey.data()) == 1;
            std::copy(c.sig.begin(), c.sig.end(), b.sig.begin());
            b.msg = c.sighash;
            schnorr.push_back(b);
        } else {
            BareEcdsa b{};
            ok = secp256k1_ec_pubkey_parse(ctx, &b.pub, c.pubkey.data(), c.pubkey.size()) == 1 &&
                 secp256k1_ecdsa_signature_parse_der(ctx, &b.sig, c.sig.data(), c.sig.size()) == 1;
            secp256k1_ecdsa_signature_normalize(ctx, &b.sig, &b.sig);
            b.hash = c.sighash;
            ecdsa.push_back(b);
        }
        if (!ok) {
            state.SkipWithError("fixture key or signature does not parse");
            return;
        }
    }
    std::vector<BareCommitment> commitments;
    if (type == SpendType::P2TR_SCRIPT_PATH && !PrepareCommitments(f, commitments)) {
        state.SkipWithError("fixture is not a script-path spend");
        return;
    }
    size_t failures = 0;
    if (!from_bytes) {
        for (auto _ : state) {
            for (const auto& c : commitments) {
                failures += secp256k1_xonly_pubkey_tweak_add_check(ctx, c.output.data(), c.parity, &c.internal,
                                                                   c.tweak.data()) != 1;
            }
            for (const auto& b : ecdsa)
                failures += secp256k1_ecdsa_verify(ctx, &b.sig, b.hash.data(), &b.pub) != 1;
            for (const auto& b : schnorr) {
                failures += secp256k1_schnorrsig_verify(ctx, b.sig.data(), b.msg.data(), 32, &b.pub) != 1;
            }
        }
    } else {
        // What any verifier holding only the transaction's bytes must do: decode each key and
        // signature, then verify.
        std::vector<std::array<uint8_t, 32>> internal_bytes;
        for (const auto& c : commitments) {
            std::array<uint8_t, 32> raw;
            secp256k1_xonly_pubkey_serialize(ctx, raw.data(), &c.internal);
            internal_bytes.push_back(raw);
        }
        for (auto _ : state) {
            for (size_t k = 0; k < commitments.size(); ++k) {
                secp256k1_xonly_pubkey internal;
                failures += secp256k1_xonly_pubkey_parse(ctx, &internal, internal_bytes[k].data()) != 1;
                failures += secp256k1_xonly_pubkey_tweak_add_check(ctx, commitments[k].output.data(),
                                                                   commitments[k].parity, &internal,
                                                                   commitments[k].tweak.data()) != 1;
            }
            for (const auto& c : f.set.checks) {
                if (c.schnorr) {
                    secp256k1_xonly_pubkey pub;
                    failures += secp256k1_xonly_pubkey_parse(ctx, &pub, c.pubkey.data()) != 1;
                    failures += secp256k1_schnorrsig_verify(ctx, c.sig.data(), c.sighash.data(), 32, &pub) != 1;
                } else {
                    secp256k1_pubkey pub;
                    secp256k1_ecdsa_signature sig;
                    failures += secp256k1_ec_pubkey_parse(ctx, &pub, c.pubkey.data(), c.pubkey.size()) != 1;
                    failures += secp256k1_ecdsa_signature_parse_der(ctx, &sig, c.sig.data(), c.sig.size()) != 1;
                    secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
                    failures += secp256k1_ecdsa_verify(ctx, &sig, c.sighash.data(), &pub) != 1;
                }
            }
        }
    }
    if (failures != 0) state.SkipWithError("verification failed");
    SetInputCounters(state, f.inputs);
    state.counters["sigs_per_input"] =
        static_cast<double>(f.set.checks.size()) / static_cast<double>(f.inputs);
}

void BM_Bare_P2WPKH(benchmark::State& state) {
    Bare(state, SpendType::P2WPKH, false);
}
void BM_BareFromBytes_P2WPKH(benchmark::State& state) {
    Bare(state, SpendType::P2WPKH, true);
}
void BM_Bare_P2TRKeyPath(benchmark::State& state) {
    Bare(state, SpendType::P2TR_KEY_PATH, false);
}
void BM_BareFromBytes_P2TRKeyPath(benchmark::State& state) {
    Bare(state, SpendType::P2TR_KEY_PATH, true);
}
void BM_Bare_P2WSHMultisig2of3(benchmark::State& state) {
    Bare(state, SpendType::P2WSH_MULTISIG_2OF3, false);
}
void BM_BareFromBytes_P2WSHMultisig2of3(benchmark::State& state) {
    Bare(state, SpendType::P2WSH_MULTISIG_2OF3, true);
}
void BM_Bare_P2TRScriptPath(benchmark::State& state) {
    Bare(state, SpendType::P2TR_SCRIPT_PATH, false);
}
void BM_BareFromBytes_P2TRScriptPath(benchmark::State& state) {
    Bare(state, SpendType::P2TR_SCRIPT_PATH, true);
}
BENCHMARK(BM_Bare_P2WPKH)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareFromBytes_P2WPKH)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Bare_P2TRKeyPath)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareFromBytes_P2TRKeyPath)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Bare_P2WSHMultisig2of3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareFromBytes_P2WSHMultisig2of3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Bare_P2TRScriptPath)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareFromBytes_P2TRScriptPath)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// Warm signature cache: every signature was stored by an earlier pass (as the mempool would),
// and the timed pass only looks up (as block validation does).

void CacheHit(benchmark::State& state, SpendType type) {
    const Fixture& f = Get(type);
    util::WorkerPool pool(static_cast<size_t>(state.range(0)));
    SignatureCache cache;
    if (!VerifyInputs(f.views, FLAGS, &cache, true, &pool) || cache.Size() != f.set.checks.size()) {
        state.SkipWithError("warming the cache failed");
        return;
    }
    for (auto _ : state) {
        const auto r = VerifyInputs(f.views, FLAGS, &cache, false, &pool);
        if (!r) {
            state.SkipWithError("verification failed");
            return;
        }
    }
    SetInputCounters(state, f.inputs);
}

void BM_VerifyCacheHit_P2WPKH(benchmark::State& state) {
    CacheHit(state, SpendType::P2WPKH);
}
void BM_VerifyCacheHit_P2TRKeyPath(benchmark::State& state) {
    CacheHit(state, SpendType::P2TR_KEY_PATH);
}
void BM_VerifyCacheHit_P2WSHMultisig2of3(benchmark::State& state) {
    CacheHit(state, SpendType::P2WSH_MULTISIG_2OF3);
}
BENCHMARK(BM_VerifyCacheHit_P2WPKH)->Apply(ThreadArgs);
BENCHMARK(BM_VerifyCacheHit_P2TRKeyPath)->Apply(ThreadArgs);
BENCHMARK(BM_VerifyCacheHit_P2WSHMultisig2of3)->Apply(ThreadArgs);

}  // namespace
}  // namespace tonari::bitcoin::script
