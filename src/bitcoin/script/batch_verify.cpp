// Batch script verification. All inputs of all transactions are numbered in (tx, input)
// order and handed to the pool as one loop, so a block of many small transactions balances as
// well as one of a few large ones. The lowest failing number seen so far is kept in an atomic:
// inputs numbered above it are skipped, inputs below it still run (one may fail too), and the
// lowest failure wins, which makes the result independent of thread timing.
#include "bitcoin/script/batch_verify.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include "bitcoin/script/interpreter.h"
#include "util/worker_pool.h"

namespace tonari::bitcoin::script {

util::Result<void, InputFailure> VerifyInputs(std::span<const TxToVerify> txs, ScriptFlags flags,
                                              SignatureCache* cache, bool store_in_cache,
                                              util::WorkerPool* pool) {
    // first_input[t] = number of the first input of txs[t]; coinbases contribute none.
    std::vector<size_t> first_input(txs.size() + 1, 0);
    for (size_t t = 0; t < txs.size(); ++t) {
        const primitives::Tx& tx = *txs[t].tx;
        first_input[t + 1] = first_input[t] + (tx.IsCoinbase() ? 0 : tx.inputs.size());
    }
    const size_t total = first_input.back();

    // The transaction holding input number n: the last t with first_input[t] <= n.
    auto locate = [&](size_t n) {
        const size_t t = static_cast<size_t>(std::upper_bound(first_input.begin(), first_input.end(), n) -
                                             first_input.begin()) -
                         1;
        return std::pair{t, n - first_input[t]};
    };
    auto check = [&](size_t t, size_t i) {
        return VerifyTxInput(*txs[t].tx, i, *txs[t].txdata, flags, cache, store_in_cache);
    };

    if (pool == nullptr || pool->ThreadCount() == 1) {
        for (size_t t = 0; t < txs.size(); ++t) {
            if (txs[t].tx->IsCoinbase()) continue;
            for (size_t i = 0; i < txs[t].tx->inputs.size(); ++i) {
                const auto r = check(t, i);
                if (!r) return util::Fail(InputFailure{t, i, r.error()});
            }
        }
        return {};
    }

    std::atomic<size_t> lowest_failed{total};  // `total` while nothing has failed
    std::mutex failure_mutex;
    InputFailure failure;  // guarded by failure_mutex; meaningful once lowest_failed < total

    pool->ParallelFor(
        total,
        [&](size_t n) {
            // Relaxed is enough: a stale value only means checking an input needlessly.
            if (n > lowest_failed.load(std::memory_order_relaxed)) return;
            const auto [t, i] = locate(n);
            const auto r = check(t, i);
            if (r) return;
            std::lock_guard lock(failure_mutex);
            if (n < lowest_failed.load(std::memory_order_relaxed)) {
                failure = InputFailure{t, i, r.error()};
                lowest_failed.store(n, std::memory_order_relaxed);
            }
        },
        BATCH_VERIFY_GRAIN);

    // ParallelFor returning orders every write above before this read.
    if (lowest_failed.load(std::memory_order_relaxed) < total) return util::Fail(failure);
    return {};
}

}  // namespace tonari::bitcoin::script
