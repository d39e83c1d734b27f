// AcceptToMemoryPool and keeping the pool in step with the chain (blocks connected and
// disconnected).
#include "bitcoin/mempool/accept.h"

#include <algorithm>
#include <optional>
#include <set>

#include "bitcoin/chain/tx_verify.h"
#include "bitcoin/consensus/tx_check.h"
#include "bitcoin/script/batch_verify.h"
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/script_error.h"
#include "bitcoin/script/sighash.h"

namespace tonari::bitcoin::mempool {
namespace {

using primitives::Amount;
using primitives::OutPoint;
using primitives::Tx;
using primitives::Txid;

// Transactions of disconnected blocks kept for re-adding: a reorg of many full blocks must
// not hold an unbounded amount of memory (Bitcoin Core keeps 20 MB; the oldest are dropped).
constexpr size_t MAX_DISCONNECTED_TX_BYTES = size_t{20} << 20;

// The chain's coins with the pool's outputs laid over them: a pool transaction's outputs
// look like coins at MEMPOOL_HEIGHT. Outputs spent by other pool transactions stay visible
// (replacement needs them); conflicts are judged separately.
class PoolCoinsView final : public chain::CoinsView {
public:
    PoolCoinsView(chain::CoinsView& base, const TxMempool& pool) : m_base(base), m_pool(pool) {}
    std::optional<chain::Coin> GetCoin(const OutPoint& outpoint) const override {
        if (const primitives::TxOut* out = m_pool.Output(outpoint)) return chain::Coin{*out, MEMPOOL_HEIGHT, false};
        return m_base.GetCoin(outpoint);
    }
    primitives::BlockHash GetBestBlock() const override { return m_base.GetBestBlock(); }
    util::Result<void, chain::CoinsIoError> BatchWrite(chain::CoinsBatch&, const primitives::BlockHash&) override {
        return util::Fail(chain::CoinsIoError{"the pool view is read-only"});
    }
    std::optional<std::string> ReadError() const override { return m_base.ReadError(); }

private:
    chain::CoinsView& m_base;
    const TxMempool& m_pool;
};

Rejection Reject(Rejection::Kind kind, std::string reason, std::string detail = {}) {
    return Rejection{kind, std::move(reason), std::move(detail)};
}

Rejection PolicyReject(std::string reason, std::string detail = {}) {
    return Reject(Rejection::Kind::Policy, std::move(reason), std::move(detail));
}

}  // namespace

MempoolAccept::MempoolAccept(chain::Chainstate& chain, TxMempool& pool, MempoolOptions options,
                             script::SignatureCache* sig_cache)
    : m_chain(chain), m_pool(pool), m_options(std::move(options)), m_sig_cache(sig_cache) {}

policy::FeeRate MempoolAccept::MinFeeRate(int64_t now) {
    return std::max(m_options.min_relay_fee,
                    m_pool.GetMinFee(now, m_options.max_bytes, m_options.incremental_relay_fee));
}

util::Result<AcceptResult, Rejection> MempoolAccept::Accept(const Tx& tx, int64_t now, const AcceptOptions& options) {
    using Kind = Rejection::Kind;
    const chain::BlockIndex* tip = m_chain.Tip();
    const int next_height = tip->height + 1;

    // --- checks on the transaction alone --------------------------------------------
    if (auto checked = consensus::CheckTransaction(tx); !checked) {
        return util::Fail(Reject(Kind::Consensus, std::string(consensus::ReasonString(checked.error()))));
    }
    if (tx.IsCoinbase()) return util::Fail(Reject(Kind::Consensus, "coinbase"));
    if (m_options.require_standard) {
        if (auto standard = policy::CheckStandardTx(tx, m_options.policy); !standard) {
            return util::Fail(PolicyReject(standard.error().reason, standard.error().detail));
        }
    }
    // 64-byte transactions look like inner merkle nodes (CVE-2017-12842); Core refuses
    // anything under 65 bytes without witness.
    if (primitives::SerializedSize(tx, false) < policy::MIN_STANDARD_TX_NONWITNESS_SIZE) {
        return util::Fail(PolicyReject("tx-size-small"));
    }
    if (!chain::IsFinalTx(tx, next_height, tip->GetMedianTimePast())) {
        return util::Fail(PolicyReject("non-final"));
    }
    const Txid txid = primitives::ComputeTxid(tx);
    const primitives::Wtxid wtxid = primitives::ComputeWtxid(tx);
    if (m_pool.GetByWtxid(wtxid) != nullptr) return util::Fail(Reject(Kind::AlreadyInPool, "txn-already-in-mempool"));
    if (m_pool.Contains(txid)) return util::Fail(PolicyReject("txn-same-nonwitness-data-in-mempool"));

    // Pool transactions spending the same outputs: candidates for replacement (full RBF).
    std::set<const MempoolEntry*> conflicts;
    for (const auto& in : tx.inputs) {
        if (const MempoolEntry* spender = m_pool.Spender(in.prevout)) conflicts.insert(spender);
    }

    // --- inputs ---------------------------------------------------------------------
    PoolCoinsView pool_view(m_chain.Coins(), m_pool);
    chain::CoinsViewCache view(pool_view);
    std::vector<primitives::TxOut> spent_outputs;
    std::vector<int> prev_heights;
    bool spends_coinbase = false;
    for (const auto& in : tx.inputs) {
        const chain::Coin* coin = view.AccessCoin(in.prevout);
        if (coin == nullptr) {
            if (auto read_error = m_chain.Coins().ReadError()) return util::Fail(Reject(Kind::Io, *read_error));
            // Already confirmed? Then its outputs are coins (unless all spent: unknowable).
            for (uint32_t i = 0; i < tx.outputs.size(); ++i) {
                if (m_chain.Coins().HaveCoin(OutPoint{txid, i})) {
                    return util::Fail(Reject(Kind::AlreadyInChain, "txn-already-known"));
                }
            }
            return util::Fail(Reject(Kind::MissingInputs, "bad-txns-inputs-missingorspent"));
        }
        spent_outputs.push_back(coin->out);
        prev_heights.push_back(coin->height == MEMPOOL_HEIGHT ? next_height : static_cast<int>(coin->height));
        spends_coinbase = spends_coinbase || coin->coinbase;
    }
    const chain::MedianTimePastAt mtp_at = [this](int height) { return m_chain.Chain()[height]->GetMedianTimePast(); };
    if (!chain::CheckSequenceLocks(tx, chain::LOCKTIME_VERIFY_SEQUENCE, prev_heights, next_height, mtp_at)) {
        return util::Fail(PolicyReject("non-BIP68-final"));
    }
    auto fee = chain::CheckTxInputs(tx, view, next_height, m_chain.Params());
    if (!fee) return util::Fail(Reject(Kind::Consensus, std::string(consensus::ReasonString(fee.error()))));
    if (m_options.require_standard) {
        if (auto inputs_ok = policy::CheckInputsStandard(tx, spent_outputs); !inputs_ok) {
            return util::Fail(PolicyReject(inputs_ok.error().reason, inputs_ok.error().detail));
        }
        if (tx.HasWitness()) {
            if (auto witness_ok = policy::CheckWitnessStandard(tx, spent_outputs); !witness_ok) {
                return util::Fail(PolicyReject(witness_ok.error().reason, witness_ok.error().detail));
            }
        }
    }
    const int64_t sigop_cost = chain::GetTransactionSigOpCost(tx, view, policy::STANDARD_SCRIPT_FLAGS);
    if (sigop_cost > policy::MAX_STANDARD_TX_SIGOPS_COST) {
        return util::Fail(PolicyReject("bad-txns-too-many-sigops", std::to_string(sigop_cost)));
    }
    const int64_t weight = primitives::TxWeight(tx);
    const int64_t vsize = policy::GetVirtualTransactionSize(weight, sigop_cost);

    // --- fees -----------------------------------------------------------------------
    if (!options.bypass_limits) {
        const policy::FeeRate pool_floor = m_pool.GetMinFee(now, m_options.max_bytes, m_options.incremental_relay_fee);
        if (*fee < pool_floor.GetFee(vsize)) {
            return util::Fail(PolicyReject("mempool min fee not met",
                                           std::to_string(*fee) + " < " + std::to_string(pool_floor.GetFee(vsize))));
        }
        if (*fee < m_options.min_relay_fee.GetFee(vsize)) {
            return util::Fail(PolicyReject("min relay fee not met", std::to_string(*fee) + " < " +
                                                                         std::to_string(m_options.min_relay_fee.GetFee(vsize))));
        }
    }

    // --- package limits ---------------------------------------------------------------
    const std::vector<MempoolEntry*> ancestors = m_pool.AncestorsOf(tx.inputs);
    if (!options.bypass_limits) {
        if (static_cast<int64_t>(ancestors.size()) + 1 > m_options.ancestor_limit) {
            return util::Fail(PolicyReject("too-long-mempool-chain", "too many unconfirmed ancestors [limit: " +
                                                                         std::to_string(m_options.ancestor_limit) + "]"));
        }
        int64_t ancestor_vsize = vsize;
        for (const MempoolEntry* a : ancestors) ancestor_vsize += a->vsize;
        if (ancestor_vsize > m_options.ancestor_size_limit_vb) {
            return util::Fail(PolicyReject("too-long-mempool-chain", "exceeds ancestor size limit [limit: " +
                                                                         std::to_string(m_options.ancestor_size_limit_vb) + "]"));
        }
        for (const MempoolEntry* a : ancestors) {
            if (a->descendants.count + 1 > m_options.descendant_limit) {
                return util::Fail(PolicyReject("too-long-mempool-chain", "too many descendants for tx " + a->txid.ToHex() +
                                                                             " [limit: " + std::to_string(m_options.descendant_limit) + "]"));
            }
            if (a->descendants.vsize + vsize > m_options.descendant_size_limit_vb) {
                return util::Fail(PolicyReject("too-long-mempool-chain",
                                               "exceeds descendant size limit for tx " + a->txid.ToHex() + " [limit: " +
                                                   std::to_string(m_options.descendant_size_limit_vb) + "]"));
            }
        }
    }

    // --- replacement (full RBF: any pool transaction may be replaced) ------------------
    std::vector<const MempoolEntry*> evicted;
    if (!conflicts.empty()) {
        const std::string who = "rejecting replacement " + txid.ToHex();
        for (const MempoolEntry* a : ancestors) {
            if (conflicts.contains(a)) {
                return util::Fail(Reject(Kind::Consensus, "bad-txns-spends-conflicting-tx",
                                         txid.ToHex() + " spends conflicting transaction " + a->txid.ToHex()));
            }
        }
        // A higher fee rate than each transaction it directly replaces.
        const policy::FeeRate new_rate = policy::FeeRate::FromFee(*fee, vsize);
        for (const MempoolEntry* c : conflicts) {
            if (new_rate <= c->Rate()) {
                return util::Fail(PolicyReject("insufficient fee", who + "; new feerate " + new_rate.ToBtcPerKvB() +
                                                                       " <= old feerate " + c->Rate().ToBtcPerKvB()));
            }
        }
        const std::vector<const MempoolEntry*> roots(conflicts.begin(), conflicts.end());
        evicted = m_pool.WithDescendants(roots);
        if (evicted.size() > MAX_REPLACEMENT_CANDIDATES) {
            return util::Fail(PolicyReject("too many potential replacements",
                                           who + "; too many potential replacements (" + std::to_string(evicted.size()) +
                                               " > " + std::to_string(MAX_REPLACEMENT_CANDIDATES) + ")"));
        }
        // No new unconfirmed inputs: the replacement must not depend on pool transactions
        // its conflicts did not already depend on (it could be mined later than they were).
        std::set<Txid> conflict_parents;
        for (const MempoolEntry* c : conflicts) {
            for (const auto& in : c->tx->inputs) conflict_parents.insert(in.prevout.txid);
        }
        for (size_t i = 0; i < tx.inputs.size(); ++i) {
            const Txid& parent = tx.inputs[i].prevout.txid;
            if (m_pool.Contains(parent) && !conflict_parents.contains(parent)) {
                return util::Fail(PolicyReject("replacement-adds-unconfirmed",
                                               "replacement " + txid.ToHex() + " adds unconfirmed input, idx " +
                                                   std::to_string(i)));
            }
        }
        // More absolute fee than everything it evicts, plus its own relay cost.
        Amount evicted_fees = 0;
        for (const MempoolEntry* e : evicted) evicted_fees += e->fee;
        if (*fee < evicted_fees) {
            return util::Fail(PolicyReject("insufficient fee", who + ", less fees than conflicting txs; " +
                                                                   std::to_string(*fee) + " < " + std::to_string(evicted_fees)));
        }
        const Amount relay_cost = m_options.incremental_relay_fee.GetFee(vsize);
        if (*fee - evicted_fees < relay_cost) {
            return util::Fail(PolicyReject("insufficient fee", who + ", not enough additional fees to relay; " +
                                                                   std::to_string(*fee - evicted_fees) + " < " +
                                                                   std::to_string(relay_cost)));
        }
    }

    // --- scripts ----------------------------------------------------------------------
    script::PrecomputedTxData txdata;
    txdata.Init(tx, spent_outputs);
    const script::TxToVerify to_verify{&tx, &txdata};
    auto verified = script::VerifyInputs(std::span(&to_verify, 1), policy::STANDARD_SCRIPT_FLAGS, m_sig_cache,
                                         /*store_in_cache=*/!options.test_only, nullptr);
    if (!verified) {
        const size_t input = verified.error().input_index;
        const std::string message(script::ScriptErrorMessage(verified.error().error));
        // Failing only a policy flag is "non-standard"; failing consensus is invalid.
        auto consensus_only = script::VerifyTxInput(tx, input, txdata, script::MANDATORY_SCRIPT_VERIFY_FLAGS, m_sig_cache);
        if (consensus_only) {
            return util::Fail(PolicyReject("non-mandatory-script-verify-flag (" + message + ")", "input " + std::to_string(input)));
        }
        // Core names the error of the full (standard) check in both cases.
        return util::Fail(Reject(Kind::Consensus, "mandatory-script-verify-flag-failed (" + message + ")",
                                 "input " + std::to_string(input)));
    }

    AcceptResult result{txid, wtxid, vsize, *fee, {}};
    for (const MempoolEntry* e : evicted) result.replaced.push_back(e->txid);
    if (options.test_only) return result;

    // --- commit -----------------------------------------------------------------------
    if (!result.replaced.empty()) m_pool.RemoveWithDescendants(result.replaced, RemovalReason::Replaced);
    MempoolEntry entry;
    entry.tx = std::make_shared<const Tx>(tx);
    entry.fee = *fee;
    entry.vsize = vsize;
    entry.weight = weight;
    entry.sigop_cost = sigop_cost;
    entry.time = options.entry_time != 0 ? options.entry_time : now;
    entry.height = tip->height;
    entry.spends_coinbase = spends_coinbase;
    entry.origin = options.origin;
    m_pool.Add(std::move(entry));
    if (!options.bypass_limits) {
        m_pool.Expire(now - m_options.expiry_seconds);
        m_pool.TrimToSize(m_options.max_bytes, m_options.incremental_relay_fee);
        if (!m_pool.Contains(txid)) return util::Fail(PolicyReject("mempool full"));
    }
    return result;
}

void MempoolAccept::BlockConnected(const primitives::Block& block) {
    std::vector<const MempoolEntry*> confirmed;
    for (const auto& tx : block.txs) {
        if (const MempoolEntry* e = m_pool.Get(primitives::ComputeTxid(tx))) confirmed.push_back(e);
    }
    m_estimator.BlockConnected(m_chain.Tip()->height, confirmed);
    m_pool.RemoveForBlock(block.txs);
    // A reconnected block may hold transactions still waiting to be re-added.
    if (!m_disconnected.empty()) {
        std::set<Txid> mined;
        for (const auto& tx : block.txs) mined.insert(primitives::ComputeTxid(tx));
        std::erase_if(m_disconnected, [&](const Tx& tx) { return mined.contains(primitives::ComputeTxid(tx)); });
    }
}

void MempoolAccept::BlockDisconnected(const primitives::Block& block) {
    // Blocks come off newest first; their transactions go in front of those already waiting
    // so the list stays in mining order.
    std::vector<Tx> txs;
    for (const auto& tx : block.txs) {
        if (!tx.IsCoinbase()) txs.push_back(tx);
    }
    m_reorged = true;
    m_disconnected.insert(m_disconnected.begin(), txs.begin(), txs.end());
    size_t bytes = 0;
    for (const auto& tx : m_disconnected) bytes += primitives::SerializedSize(tx);
    while (bytes > MAX_DISCONNECTED_TX_BYTES && !m_disconnected.empty()) {
        bytes -= primitives::SerializedSize(m_disconnected.front());
        m_disconnected.erase(m_disconnected.begin());
    }
}

size_t MempoolAccept::ChainSettled(int64_t now) {
    if (!m_reorged) return 0;  // only connections: RemoveForBlock kept the pool consistent
    m_reorged = false;
    size_t restored = 0;
    std::vector<Tx> waiting = std::move(m_disconnected);
    m_disconnected.clear();
    for (const auto& tx : waiting) {
        AcceptOptions options;
        options.bypass_limits = true;
        options.origin = TX_ORIGIN_REORG;
        if (Accept(tx, now, options)) ++restored;
    }
    // Entries that no longer fit the new tip: inputs gone, coinbase spends now immature,
    // lock times no longer met. Checked parents first, so a removed parent takes its
    // descendants along before they are looked at.
    const chain::BlockIndex* tip = m_chain.Tip();
    const int next_height = tip->height + 1;
    const chain::MedianTimePastAt mtp_at = [this](int height) { return m_chain.Chain()[height]->GetMedianTimePast(); };
    std::vector<Txid> stale;
    for (const MempoolEntry* e : m_pool.Entries()) {
        bool ok = chain::IsFinalTx(*e->tx, next_height, tip->GetMedianTimePast());
        std::vector<int> prev_heights;
        for (const auto& in : e->tx->inputs) {
            if (!ok) break;
            if (m_pool.Contains(in.prevout.txid)) {
                prev_heights.push_back(next_height);
                continue;
            }
            const chain::Coin* coin = m_chain.Coins().AccessCoin(in.prevout);
            if (coin == nullptr) {
                ok = false;
                break;
            }
            if (coin->coinbase && next_height - static_cast<int>(coin->height) < m_chain.Params().coinbase_maturity) ok = false;
            prev_heights.push_back(static_cast<int>(coin->height));
        }
        if (ok) ok = chain::CheckSequenceLocks(*e->tx, chain::LOCKTIME_VERIFY_SEQUENCE, prev_heights, next_height, mtp_at);
        if (!ok) stale.push_back(e->txid);
    }
    m_pool.RemoveWithDescendants(stale, RemovalReason::Reorg);
    m_pool.TrimToSize(m_options.max_bytes, m_options.incremental_relay_fee);
    return restored;
}

}  // namespace tonari::bitcoin::mempool
