// Benchmarks on mainnet block 413567 (1557 transactions, 999,887 bytes), the block Bitcoin
// Core's DeserializeBlockTest and CheckBlock benchmarks use, so the figures compare directly.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>

#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/primitives/block.h"

namespace tonari::bitcoin::consensus {
namespace {

util::Bytes ReadBlock413567() {
    std::ifstream in(std::string(TONARI_TEST_DATA_DIR) + "/blocks/block413567.raw", std::ios::binary);
    return util::Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void BM_DeserializeBlock413567(benchmark::State& state) {
    const util::Bytes raw = ReadBlock413567();
    if (raw.empty()) {
        state.SkipWithError("cannot read block413567.raw");
        return;
    }
    for (auto _ : state) {
        auto block = primitives::DecodeBlock(raw);
        if (!block) state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(block);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * raw.size()));
}
BENCHMARK(BM_DeserializeBlock413567)->Unit(benchmark::kMillisecond);

// PoW + merkle root (hashing every transaction) + sizes + every CheckTransaction + sigops.
void BM_CheckBlock413567(benchmark::State& state) {
    auto block = primitives::DecodeBlock(ReadBlock413567());
    if (!block) {
        state.SkipWithError("cannot decode block413567.raw");
        return;
    }
    const ConsensusParams& params = GetParams(encoding::Network::Main);
    for (auto _ : state) {
        auto r = CheckBlock(*block, params);
        if (!r) state.SkipWithError("CheckBlock failed");
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(BM_CheckBlock413567)->Unit(benchmark::kMillisecond);

void BM_DeserializeAndCheckBlock413567(benchmark::State& state) {
    const util::Bytes raw = ReadBlock413567();
    const ConsensusParams& params = GetParams(encoding::Network::Main);
    for (auto _ : state) {
        auto block = primitives::DecodeBlock(raw);
        if (!block || !CheckBlock(*block, params)) state.SkipWithError("decode or check failed");
        benchmark::DoNotOptimize(block);
    }
}
BENCHMARK(BM_DeserializeAndCheckBlock413567)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tonari::bitcoin::consensus
