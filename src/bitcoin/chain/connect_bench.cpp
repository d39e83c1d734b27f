// Benchmarks for connecting blocks into an in-memory chainstate (Chainstate::ProcessBlock:
// header and block checks, storing the block, ConnectBlock with its script checks, undo
// data), over chains from ChainGenerator:
//   - Mixed: 120 warm-up blocks (coinbase maturity, then 50 transactions a block), then 40
//     blocks of 500 transactions spending 1-2 inputs into 2 outputs, P2WPKH : P2TR key path :
//     2-of-3 P2WSH : P2PKH = 3:3:3:1 (about 750 inputs and 1,000 signatures a block).
//   - CoreShapeEcdsa: the shape of Bitcoin Core's ConnectBlockAllEcdsa bench block (1,000
//     transactions of 5 P2WPKH inputs and 5 P2WPKH outputs), 4 such blocks after the same
//     warm-up, so figures can be set side by side per block and per input.
// Each variant runs with scripts checked on 1 thread, on every core (util::WorkerPool), and
// skipped (ConnectOptions::check_scripts = false, as below an assumed-valid block); the share
// of connect time spent in script checks is 1 - skipped / checked.
//
// State per iteration: a fresh node (block tree, memory block store, memory coins view) with
// the warm-up blocks connected, outside the timed region (manual timing), then the timed
// ProcessBlock of every heavy block in order. Rebuilding rather than copying a node keeps
// every iteration identical without any snapshot code in the chainstate, and the warm-up is
// cheap. No signature cache: every signature is verified, as for a block never seen before.
// Blocks are generated once per process, outside every timed loop.
// Reported: time per iteration (all heavy blocks), blocks/s (items_per_second), inputs/s,
// per_block, per_input and per_kB (of serialized block) wall time.
// Run: tonari_bench --benchmark_filter=Connect
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "bitcoin/chain/chain_generator.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/test_node.h"
#include "util/worker_pool.h"

namespace tonari::bitcoin::chain {
namespace {

using primitives::Block;

using fixture::NOW;
using fixture::Regtest;
constexpr int WARMUP_BLOCKS = 120;
constexpr size_t WARMUP_TXS = 50;

struct ChainFixture {
    std::vector<Block> warmup;
    std::vector<Block> heavy;
    size_t inputs = 0;      // in the heavy blocks
    size_t signatures = 0;  // in the heavy blocks
    size_t bytes = 0;       // of the heavy blocks, serialized with witnesses
    double generate_seconds = 0;
};

ChainFixture Build(ChainGeneratorOptions options, size_t heavy_blocks, size_t heavy_txs) {
    const auto start = std::chrono::steady_clock::now();
    ChainFixture f;
    options.txs_per_block = WARMUP_TXS;
    ChainGenerator gen(Regtest(), options);
    for (int h = 1; h <= WARMUP_BLOCKS; ++h) f.warmup.push_back(gen.Next());
    const ChainGeneratorStats before = gen.Stats();
    for (size_t b = 0; b < heavy_blocks; ++b) f.heavy.push_back(gen.Next(heavy_txs));
    for (const Block& b : f.heavy) f.bytes += primitives::SerializedSize(b);
    f.inputs = gen.Stats().inputs - before.inputs;
    f.signatures = gen.Stats().signatures - before.signatures;
    f.generate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return f;
}

// Built on first use, so a filtered run generates only what it measures.
const ChainFixture& Mixed() {
    static const ChainFixture f = [] {
        ChainGeneratorOptions options;
        options.seed = 2024;
        return Build(options, 40, 500);
    }();
    return f;
}

const ChainFixture& CoreShapeEcdsa() {
    static const ChainFixture f = [] {
        ChainGeneratorOptions options;
        options.seed = 2025;
        options.min_inputs = options.max_inputs = 5;
        options.outputs_per_tx = 5;
        options.mix = {.p2wpkh = 1, .p2tr = 0, .p2wsh_multisig = 0, .p2pkh = 0};
        return Build(options, 4, 1000);
    }();
    return f;
}

struct Node : fixture::MemoryNode {
    explicit Node(const ConnectOptions& connect) : MemoryNode(ChainstateOptions{.connect = connect}) {}
};

// threads = 0: scripts skipped.
void Connect(benchmark::State& state, const ChainFixture& f, size_t threads) {
    util::WorkerPool pool(std::max<size_t>(threads, 1));
    ConnectOptions connect;
    connect.pool = &pool;
    connect.check_scripts = threads > 0;
    for (auto _ : state) {
        Node node(connect);
        if (!node.chain.Load()) {
            state.SkipWithError("loading the chainstate failed");
            return;
        }
        for (const Block& block : f.warmup) {
            if (!node.chain.ProcessBlock(block, NOW)) {
                state.SkipWithError("a warm-up block was rejected");
                return;
            }
        }
        const auto start = std::chrono::steady_clock::now();
        for (const Block& block : f.heavy) {
            if (!node.chain.ProcessBlock(block, NOW)) {
                state.SkipWithError("a generated block was rejected");
                return;
            }
        }
        state.SetIterationTime(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (node.chain.Chain().Height() != WARMUP_BLOCKS + static_cast<int>(f.heavy.size())) {
            state.SkipWithError("the tip is not the last generated block");
            return;
        }
    }
    const auto blocks = static_cast<double>(f.heavy.size());
    const auto inputs = static_cast<double>(f.inputs);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.heavy.size()));
    state.counters["inputs/s"] = benchmark::Counter(inputs, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["per_block"] = benchmark::Counter(
        blocks, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["per_input"] = benchmark::Counter(
        inputs, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    // Per kilobyte (1,000 bytes) of block: the simulator's validation cost table
    // (bitcoin/sim/validation_cost.h) is made of these figures.
    state.counters["per_kB"] = benchmark::Counter(static_cast<double>(f.bytes) / 1000.0,
                                                  benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["kB_per_block"] = static_cast<double>(f.bytes) / 1000.0 / blocks;
    state.counters["inputs_per_block"] = inputs / blocks;
    state.counters["sigs_per_input"] = static_cast<double>(f.signatures) / inputs;
    state.counters["generate_s"] = f.generate_seconds;
}

void BM_ConnectMixed(benchmark::State& state) {
    Connect(state, Mixed(), static_cast<size_t>(state.range(0)));
}
void BM_ConnectMixedNoScripts(benchmark::State& state) {
    Connect(state, Mixed(), 0);
}
void BM_ConnectCoreShapeEcdsa(benchmark::State& state) {
    Connect(state, CoreShapeEcdsa(), static_cast<size_t>(state.range(0)));
}
void BM_ConnectCoreShapeEcdsaNoScripts(benchmark::State& state) {
    Connect(state, CoreShapeEcdsa(), 0);
}

// Arg = script threads: 1 and every core. Manual (wall) time: the work spans threads.
void ThreadArgs(benchmark::internal::Benchmark* b) {
    const int64_t cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
    b->ArgName("threads")->Arg(1);
    if (cores > 1) b->Arg(cores);
    b->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_ConnectMixed)->Apply(ThreadArgs);
BENCHMARK(BM_ConnectMixedNoScripts)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConnectCoreShapeEcdsa)->Apply(ThreadArgs);
BENCHMARK(BM_ConnectCoreShapeEcdsaNoScripts)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tonari::bitcoin::chain
