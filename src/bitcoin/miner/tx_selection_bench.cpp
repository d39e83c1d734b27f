// Block template assembly with 50,000 transactions in the mempool: package selection by
// ancestor fee rate (SelectTransactions) and building the block (coinbase, witness
// commitment, merkle root), as getblocktemplate and generatetoaddress do.
// Setup (once, untimed, ~10 s): a regtest chain in memory, 25 coinbases fanned out into
// 50,000 outputs; 25,000 parents (1 input, 2 outputs) and 25,000 children each spending
// output 0 of a parent, so half the pool sits in two-transaction packages; fee rates spread
// from 1 to ~40 sat/vB so the selection has real ordering work. A block holds about a fifth
// of them; the rest are walked and left out.
// Run: tonari_bench --benchmark_filter=Template
#include <benchmark/benchmark.h>

#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/test_chain.h"
#include "bitcoin/miner/miner.h"
#include "bitcoin/miner/tx_selection.h"

namespace tonari::bitcoin::miner {
namespace {

constexpr size_t FANOUTS = 25;
constexpr size_t OUTPUTS_PER_FANOUT = 1000;  // parents; each gets one child: 50,000 in all

void TemplateWith50kMempool(benchmark::State& state) {
    mempool::fixture::TestChain node(static_cast<int>(100 + FANOUTS));
    std::vector<mempool::fixture::Utxo> coins;
    for (size_t i = 0; i < FANOUTS; ++i) {
        for (const auto& c : node.FanOut(i, OUTPUTS_PER_FANOUT)) coins.push_back(c);
    }
    mempool::TxMempool pool;
    mempool::MempoolOptions options;
    options.max_bytes = size_t{1} << 30;
    mempool::MempoolAccept accept(node.chain, pool, options);
    uint64_t spread = 0;
    for (const auto& c : coins) {
        const primitives::Amount parent_fee = 150 + static_cast<primitives::Amount>((spread++ * 7919) % 4000);
        const primitives::Amount half = (c.value - parent_fee) / 2;
        const primitives::Tx parent = node.Spend({c}, {half, c.value - parent_fee - half});
        if (!accept.Accept(parent, 1'700'000'000)) return state.SkipWithError("parent rejected");
        const auto out = mempool::fixture::OutputsOf(parent)[0];
        const primitives::Amount child_fee = 120 + static_cast<primitives::Amount>((spread++ * 104729) % 4000);
        if (!accept.Accept(node.Spend({out}, {out.value - child_fee}), 1'700'000'000)) {
            return state.SkipWithError("child rejected");
        }
    }
    if (pool.Size() != 2 * coins.size()) return state.SkipWithError("pool incomplete");
    size_t selected = 0;
    for (auto _ : state) {
        const Selection s = SelectTransactions(pool);
        std::vector<primitives::Tx> txs;
        txs.reserve(s.entries.size());
        for (const auto* e : s.entries) txs.push_back(*e->tx);
        const primitives::Block block = CreateBlockTemplate(
            node.chain, {.payout_script = node.script, .txs = std::move(txs), .fees = s.fees, .coinbase_extra = {}, .now = 0});
        selected = block.txs.size() - 1;
        benchmark::DoNotOptimize(block.header.merkle_root);
    }
    state.counters["mempool_txs"] = static_cast<double>(pool.Size());
    state.counters["block_txs"] = static_cast<double>(selected);
}
BENCHMARK(TemplateWith50kMempool)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace tonari::bitcoin::miner
