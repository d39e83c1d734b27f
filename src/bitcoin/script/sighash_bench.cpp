// Benchmarks for signature hashing, the per-input cost of every script check: legacy (which is
// quadratic in the input count), BIP143 with the shared precomputation, and BIP341.
// Run: tonari_bench --benchmark_filter='Sighash|Precompute'
#include <benchmark/benchmark.h>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/sighash.h"

namespace tonari::bitcoin::script {
namespace {

using primitives::Tx;
using primitives::TxIn;
using primitives::TxOut;

// A transaction shaped like a typical consolidation: n P2WPKH-sized inputs, 2 outputs.
Tx MakeTx(size_t inputs) {
    Tx tx;
    for (size_t i = 0; i < inputs; ++i) {
        TxIn in;
        in.prevout.txid.get().data()[0] = static_cast<uint8_t>(i);
        in.prevout.txid.get().data()[1] = static_cast<uint8_t>(i >> 8);
        in.prevout.index = static_cast<uint32_t>(i);
        in.script_sig = util::Bytes(107, 0x42);
        in.witness = {util::Bytes(72, 1), util::Bytes(33, 2)};
        tx.inputs.push_back(std::move(in));
    }
    tx.outputs.push_back(TxOut{1000, util::Bytes(22, 0)});
    tx.outputs.push_back(TxOut{2000, util::Bytes(34, 0)});
    return tx;
}

const util::Bytes& P2pkhCode() {
    static const util::Bytes code = ScriptBuilder()
                                        .Op(Opcode::OP_DUP)
                                        .Op(Opcode::OP_HASH160)
                                        .Push(util::Bytes(20, 7))
                                        .Op(Opcode::OP_EQUALVERIFY)
                                        .Op(Opcode::OP_CHECKSIG)
                                        .Take();
    return code;
}

void BM_LegacySighash(benchmark::State& state) {
    const Tx tx = MakeTx(static_cast<size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(LegacySignatureHash(P2pkhCode(), tx, 0, SIGHASH_ALL));
}
BENCHMARK(BM_LegacySighash)->Arg(1)->Arg(10)->Arg(100);

void BM_PrecomputeTxData(benchmark::State& state) {
    const Tx tx = MakeTx(static_cast<size_t>(state.range(0)));
    const std::vector<TxOut> spent(tx.inputs.size(), TxOut{5000, util::Bytes(34, 0x51)});
    for (auto _ : state) {
        PrecomputedTxData cache;
        cache.Init(tx, spent, true);
        benchmark::DoNotOptimize(cache.hash_outputs);
    }
}
BENCHMARK(BM_PrecomputeTxData)->Arg(1)->Arg(10)->Arg(100);

void BM_SegwitV0Sighash(benchmark::State& state) {
    const Tx tx = MakeTx(static_cast<size_t>(state.range(0)));
    PrecomputedTxData cache;
    cache.Init(tx, {}, true);
    for (auto _ : state) {
        benchmark::DoNotOptimize(SegwitV0SignatureHash(P2pkhCode(), tx, 0, SIGHASH_ALL, 5000, cache));
    }
}
BENCHMARK(BM_SegwitV0Sighash)->Arg(1)->Arg(100);

void BM_TaprootSighash(benchmark::State& state) {
    const Tx tx = MakeTx(static_cast<size_t>(state.range(0)));
    const std::vector<TxOut> spent(tx.inputs.size(), TxOut{5000, util::Bytes(34, 0x51)});
    PrecomputedTxData cache;
    cache.Init(tx, spent, true);
    for (auto _ : state) benchmark::DoNotOptimize(TaprootSignatureHash(tx, 0, SIGHASH_DEFAULT, cache));
}
BENCHMARK(BM_TaprootSighash)->Arg(1)->Arg(100);

}  // namespace
}  // namespace tonari::bitcoin::script
