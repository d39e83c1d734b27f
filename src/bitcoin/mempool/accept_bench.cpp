// Mempool acceptance rate of 1-input 2-output P2WPKH transactions: every check
// AcceptToMemoryPool makes, signature included (no signature cache), into an empty pool on
// a regtest chain held in memory.
// Setup (once, untimed): 101 blocks, one coinbase fanned out into 2,000 confirmed outputs,
// and 2,000 signed transactions each spending one of them into two outputs.
// Timed: a fresh pool, then Accept of all 2,000 (items_per_second = transactions/s).
// Run: tonari_bench --benchmark_filter=MempoolAccept
#include <benchmark/benchmark.h>

#include <memory>

#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/test_chain.h"

namespace tonari::bitcoin::mempool {
namespace {

constexpr size_t TX_COUNT = 2000;

void MempoolAccept1In2OutP2wpkh(benchmark::State& state) {
    fixture::TestChain node(101);
    const auto coins = node.FanOut(0, TX_COUNT);
    std::vector<primitives::Tx> txs;
    txs.reserve(coins.size());
    for (const auto& c : coins) txs.push_back(node.Spend({c}, {c.value / 2, c.value / 2 - 500}));
    for (auto _ : state) {
        TxMempool pool;
        MempoolAccept accept(node.chain, pool, MempoolOptions{});
        for (const auto& tx : txs) {
            if (!accept.Accept(tx, 1'700'000'000)) state.SkipWithError("a transaction was rejected");
        }
        benchmark::DoNotOptimize(pool.Size());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * txs.size()));
}
BENCHMARK(MempoolAccept1In2OutP2wpkh)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace tonari::bitcoin::mempool
