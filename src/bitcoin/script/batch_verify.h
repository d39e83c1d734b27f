// Batch script verification: checks every input of a set of transactions (a block's, or a
// package's), optionally spread over a WorkerPool, and reports the first failing input.
//
// "First" is by (transaction index, input index), whatever the thread timing: the answer is
// deterministic, so logs, reject reasons and peer scoring do not depend on scheduling. Once
// some input has failed, inputs after it are skipped; inputs before it are still checked,
// since one of them might fail too and would then be the one to report.
//
// Thread-safety: a pure function of its arguments. The transactions, their PrecomputedTxData
// and the cache are only read (the cache is also written when store_in_cache), and may be
// shared with other verifications running at the same time.
#pragma once

#include <cstddef>
#include <span>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/script_error.h"
#include "bitcoin/script/script_flags.h"
#include "bitcoin/script/sighash.h"
#include "util/result.h"

namespace tonari::util {
class WorkerPool;
}

namespace tonari::bitcoin::script {

class SignatureCache;

// One transaction to check. txdata must have been Init'ed for *tx with one spent output per
// input (spent_outputs_ready). Both must outlive the call.
struct TxToVerify {
    const primitives::Tx* tx = nullptr;
    const PrecomputedTxData* txdata = nullptr;
};

// Where verification failed: txs[tx_index].tx->inputs[input_index], and why.
struct InputFailure {
    size_t tx_index = 0;
    size_t input_index = 0;
    ScriptError error = ScriptError::UNKNOWN_ERROR;

    friend bool operator==(const InputFailure&, const InputFailure&) = default;
};

// Inputs handed to a thread at a time. A P2WPKH check costs ~50 us, so the shared counter is
// touched once per ~0.4 ms of work, while an early failure still stops others within a chunk.
inline constexpr size_t BATCH_VERIFY_GRAIN = 8;

// Verifies every input of every transaction under `flags` (each through VerifyTxInput, with
// `cache` and `store_in_cache` passed on). Coinbase transactions are skipped: their input
// script is never executed. pool == nullptr runs on the calling thread; otherwise the
// caller and the pool's threads share the work. Returns the failure with the lowest
// (tx_index, input_index), or success when every input passes.
util::Result<void, InputFailure> VerifyInputs(std::span<const TxToVerify> txs, ScriptFlags flags,
                                              SignatureCache* cache, bool store_in_cache,
                                              util::WorkerPool* pool);

}  // namespace tonari::bitcoin::script
