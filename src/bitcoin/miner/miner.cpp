// Block templates and the parallel nonce search.
#include "bitcoin/miner/miner.h"

#include <algorithm>
#include <atomic>

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/chain/header_check.h"
#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::miner {
namespace {

// Nonces a worker tries before checking whether another found a solution.
constexpr uint64_t NONCES_PER_CHUNK = 4096;

}  // namespace

primitives::Block CreateBlockTemplate(const chain::Chainstate& chain, const TemplateRequest& request) {
    const chain::BlockIndex& tip = *chain.Tip();
    const auto& params = chain.Params();
    chain::BlockTemplate tmpl;
    tmpl.prev_hash = tip.hash;
    tmpl.height = tip.height + 1;
    tmpl.time = static_cast<uint32_t>(std::max<int64_t>(request.now, tip.GetMedianTimePast() + 1));
    tmpl.payout_script = request.payout_script;
    tmpl.txs = request.txs;
    tmpl.fees = request.fees;
    tmpl.coinbase_extra = request.coinbase_extra;
    primitives::BlockHeader header;
    header.time = tmpl.time;
    tmpl.bits = chain::GetNextWorkRequired(tip, header, params);
    return chain::AssembleBlock(tmpl, params);
}

SolveResult SolveBlock(primitives::Block block, const consensus::ConsensusParams& params, util::WorkerPool& pool,
                       uint64_t max_tries) {
    const uint64_t tries = std::min<uint64_t>(max_tries, uint64_t{1} << 32);
    const size_t chunks = static_cast<size_t>((tries + NONCES_PER_CHUNK - 1) / NONCES_PER_CHUNK);
    std::atomic<uint64_t> found{UINT64_MAX};  // lowest winning nonce seen
    pool.ParallelFor(
        chunks,
        [&](size_t chunk) {
            const uint64_t first = chunk * NONCES_PER_CHUNK;
            if (found.load(std::memory_order_relaxed) < first) return;  // a lower nonce already won
            primitives::BlockHeader header = block.header;
            const uint64_t last = std::min(first + NONCES_PER_CHUNK, tries);
            for (uint64_t n = first; n < last; ++n) {
                header.nonce = static_cast<uint32_t>(n);
                if (consensus::CheckProofOfWork(header.ComputeHash(), header.bits, params)) {
                    uint64_t seen = found.load();
                    while (n < seen && !found.compare_exchange_weak(seen, n)) {
                    }
                    return;
                }
            }
        },
        1);
    if (found.load() == UINT64_MAX) return {std::nullopt, tries};
    block.header.nonce = static_cast<uint32_t>(found.load());
    return {std::move(block), found.load() + 1};
}

}  // namespace tonari::bitcoin::miner
