// AcceptToMemoryPool: whether a transaction may enter the memory pool on top of the current
// chain tip, and putting it there. Bitcoin Core's checks in Core's order, with Core's reject
// reasons: consensus rules that need no block (CheckTransaction, inputs, lock times), the
// relay policy (standardness, fee floors, package limits), full replace-by-fee, and every
// input script under the standard flags. Nothing is changed unless every check passes.
//
// Validation strand only (reads the chainstate, writes the pool).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitcoin/chain/chainstate.h"
#include "bitcoin/mempool/fee_estimator.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/policy/policy.h"
#include "bitcoin/primitives/transaction.h"
#include "util/result.h"

namespace tonari::bitcoin::script {
class SignatureCache;
}

namespace tonari::bitcoin::mempool {

// Bitcoin Core's defaults. The package limits bound how much work one new transaction can
// cause (walking and updating its whole family) and how long a chain of unconfirmed
// transactions a peer can make every node track.
inline constexpr size_t DEFAULT_MAX_MEMPOOL_BYTES = size_t{300} << 20;  // -maxmempool=300 (MB)
inline constexpr int64_t DEFAULT_MEMPOOL_EXPIRY_SECONDS = 336 * 60 * 60;  // -mempoolexpiry=336 (h)
inline constexpr int64_t DEFAULT_ANCESTOR_LIMIT = 25;
inline constexpr int64_t DEFAULT_ANCESTOR_SIZE_LIMIT_VB = 101'000;
inline constexpr int64_t DEFAULT_DESCENDANT_LIMIT = 25;
inline constexpr int64_t DEFAULT_DESCENDANT_SIZE_LIMIT_VB = 101'000;
// A replacement may evict at most this many transactions (with descendants): otherwise one
// cheap transaction could make a node drop and re-check a huge part of its pool.
inline constexpr size_t MAX_REPLACEMENT_CANDIDATES = 100;
// Bitcoin Core's -incrementalrelayfee: what each replacement and each eviction must add
// (Core 30: the same as the minimum relay fee).
inline constexpr primitives::Amount DEFAULT_INCREMENTAL_RELAY_FEE = 100;  // sat per kvB
// Height given to coins created by pool transactions (they would be mined in the next block).
inline constexpr uint32_t MEMPOOL_HEIGHT = 0x7fffffff;

struct MempoolOptions {
    size_t max_bytes = DEFAULT_MAX_MEMPOOL_BYTES;
    int64_t expiry_seconds = DEFAULT_MEMPOOL_EXPIRY_SECONDS;
    policy::FeeRate min_relay_fee{policy::DEFAULT_MIN_RELAY_TX_FEE};
    policy::FeeRate incremental_relay_fee{DEFAULT_INCREMENTAL_RELAY_FEE};
    bool require_standard = true;  // Core's -acceptnonstdtxn=0
    policy::PolicyOptions policy;
    int64_t ancestor_limit = DEFAULT_ANCESTOR_LIMIT;
    int64_t ancestor_size_limit_vb = DEFAULT_ANCESTOR_SIZE_LIMIT_VB;
    int64_t descendant_limit = DEFAULT_DESCENDANT_LIMIT;
    int64_t descendant_size_limit_vb = DEFAULT_DESCENDANT_SIZE_LIMIT_VB;
};

struct AcceptOptions {
    // testmempoolaccept: run every check, change nothing.
    bool test_only = false;
    // Re-adding transactions of disconnected blocks: no fee floors, package limits or size
    // trimming (they were paid for once already), as Core does.
    bool bypass_limits = false;
    // Who sent it (MempoolEntry::origin): a peer id, or a TX_ORIGIN_ constant.
    int64_t origin = TX_ORIGIN_LOCAL;
    // When it first entered a pool, if earlier than now (mempool.dat: a reloaded transaction
    // keeps its age, so it still expires on time); 0: now.
    int64_t entry_time = 0;
};

struct AcceptResult {
    primitives::Txid txid;
    primitives::Wtxid wtxid;
    int64_t vsize = 0;
    primitives::Amount fee = 0;
    std::vector<primitives::Txid> replaced;
};

struct Rejection {
    enum class Kind {
        Consensus,       // breaks a consensus rule: the sender's fault
        Policy,          // valid but not relayed (standardness, fees, limits, replacement)
        MissingInputs,   // spends outputs this node does not know (or already spent)
        AlreadyInChain,  // its outputs are already in the UTXO set
        AlreadyInPool,   // the same transaction (same wtxid) is already in the pool
        Io,              // reading the coins failed: the node's fault, not the sender's
    };
    Kind kind = Kind::Policy;
    std::string reason;  // Core's reject reason, e.g. "min relay fee not met"
    std::string detail;  // Core's debug message, e.g. "110 < 141"

    // "reason, detail" as Core's ValidationState::ToString prints it.
    std::string ToString() const { return detail.empty() ? reason : reason + ", " + detail; }
};

class MempoolAccept {
public:
    // Both must outlive this object. `sig_cache` (may be null) remembers verified
    // signatures so the block that later mines the transaction checks them for free.
    MempoolAccept(chain::Chainstate& chain, TxMempool& pool, MempoolOptions options,
                  script::SignatureCache* sig_cache = nullptr);

    util::Result<AcceptResult, Rejection> Accept(const primitives::Tx& tx, int64_t now,
                                                 const AcceptOptions& options = {});

    // A block was connected: mined and conflicting transactions leave the pool.
    void BlockConnected(const primitives::Block& block);
    // A block was disconnected: its transactions wait to go back into the pool.
    void BlockDisconnected(const primitives::Block& block);
    // The chain has settled after connects/disconnects: transactions of disconnected blocks
    // that are not in the new chain are re-accepted (oldest first) and entries no longer
    // valid on the new tip (missing inputs, immature coinbase spends, non-final) removed.
    // Returns how many came back.
    size_t ChainSettled(int64_t now);

    TxMempool& Pool() { return m_pool; }
    const FeeEstimator& Estimator() const { return m_estimator; }
    const MempoolOptions& Options() const { return m_options; }
    // The fee rate a transaction needs now (the larger of the relay floor and the rolling
    // minimum of a full pool).
    policy::FeeRate MinFeeRate(int64_t now);

private:
    chain::Chainstate& m_chain;
    TxMempool& m_pool;
    MempoolOptions m_options;
    script::SignatureCache* m_sig_cache;
    // Transactions of disconnected blocks, in the order they were first mined.
    std::vector<primitives::Tx> m_disconnected;
    // A block was disconnected since the last ChainSettled: the pool needs a full review.
    bool m_reorged = false;
    FeeEstimator m_estimator;
};

}  // namespace tonari::bitcoin::mempool
