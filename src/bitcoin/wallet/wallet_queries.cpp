// Balances, unspent outputs and transaction listings, with Bitcoin Core's semantics
// (see wallet.h).
#include <algorithm>

#include "bitcoin/encoding/address.h"
#include "bitcoin/wallet/wallet.h"

namespace tonari::bitcoin::wallet {
namespace {

using primitives::Amount;

// BIP125: any nSequence below 0xfffffffe opts in to replacement.
bool SignalsRbf(const primitives::Tx& tx) {
    return std::any_of(tx.inputs.begin(), tx.inputs.end(),
                       [](const auto& in) { return in.sequence < 0xfffffffe; });
}

}  // namespace

Balances Wallet::GetBalances(int32_t tip_height, int min_depth) const {
    const std::lock_guard lock(m_mutex);
    Balances b;
    std::map<primitives::Txid, bool> memo;
    for (const auto& [txid, wtx] : m_txs) {
        const int depth = Depth(wtx, tip_height);
        if (depth < 0 || wtx.abandoned) continue;
        const bool immature = wtx.IsCoinbase() && BlocksToMaturity(wtx, tip_height) > 0;
        if (immature) {
            // Core counts an immature coinbase only while it is in the active chain.
            if (depth > 0) b.immature += Credit(wtx.tx);
            continue;
        }
        const bool trusted = IsTrusted(wtx, tip_height, memo);
        const bool pending = !trusted && depth == 0 && wtx.state == TxState::InMempool;
        if (!trusted && !pending) continue;
        for (uint32_t i = 0; i < wtx.tx.outputs.size(); ++i) {
            const auto& out = wtx.tx.outputs[i];
            if (!OutputOrigin(out) || IsSpent({txid, i})) continue;
            if (trusted && depth >= min_depth) b.trusted += out.value;
            if (pending) b.untrusted_pending += out.value;
        }
    }
    return b;
}

std::vector<UnspentOutput> Wallet::ListUnspent(int minconf, int maxconf, int32_t tip_height) const {
    const std::lock_guard lock(m_mutex);
    std::vector<const WalletTx*> ordered;
    for (const auto& [txid, wtx] : m_txs) ordered.push_back(&wtx);
    std::sort(ordered.begin(), ordered.end(),
              [](const WalletTx* a, const WalletTx* b) { return a->order_pos < b->order_pos; });
    std::map<primitives::Txid, bool> memo;
    std::vector<UnspentOutput> out;
    for (const WalletTx* wtx : ordered) {
        const int depth = Depth(*wtx, tip_height);
        if (depth < 0 || wtx->abandoned) continue;
        if (depth == 0 && wtx->state != TxState::InMempool) continue;
        if (BlocksToMaturity(*wtx, tip_height) > 0) continue;
        if (depth < minconf || depth > maxconf) continue;
        const bool safe = IsTrusted(*wtx, tip_height, memo);
        for (uint32_t i = 0; i < wtx->tx.outputs.size(); ++i) {
            const auto& txout = wtx->tx.outputs[i];
            const auto origin = OutputOrigin(txout);
            if (!origin || IsSpent({wtx->txid, i})) continue;
            UnspentOutput u;
            u.outpoint = {wtx->txid, i};
            u.address = encoding::EncodeAddress(txout.script_pubkey, m_network).value_or("");
            u.script_pubkey = txout.script_pubkey;
            u.amount = txout.value;
            u.confirmations = depth;
            u.safe = safe;
            u.coinbase = wtx->IsCoinbase();
            u.origin = *origin;
            out.push_back(std::move(u));
        }
    }
    return out;
}

WalletTxFields Wallet::FieldsFor(const WalletTx& wtx, int32_t tip_height) const {
    WalletTxFields f;
    f.confirmations = Depth(wtx, tip_height);
    f.generated = wtx.IsCoinbase();
    if (wtx.state == TxState::Confirmed) {
        f.block_hash = wtx.block_hash;
        f.block_height = wtx.block_height;
        f.block_index = wtx.block_index;
        f.block_time = wtx.block_time;
    } else {
        std::map<primitives::Txid, bool> memo;
        f.trusted = IsTrusted(wtx, tip_height, memo);
    }
    f.txid = wtx.txid;
    f.wtxid = primitives::ComputeWtxid(wtx.tx);
    if (!wtx.IsCoinbase()) {
        for (const auto& in : wtx.tx.inputs) {
            const auto [begin, end] = m_spends.equal_range(in.prevout);
            for (auto s = begin; s != end; ++s) {
                if (s->second != wtx.txid && std::find(f.wallet_conflicts.begin(), f.wallet_conflicts.end(),
                                                       s->second) == f.wallet_conflicts.end()) {
                    f.wallet_conflicts.push_back(s->second);
                }
            }
        }
    }
    f.time = wtx.SmartTime();
    f.time_received = wtx.time_received;
    // Core asks the mempool about unconfirmed non-signalling txs (ancestors may signal); the
    // wallet cannot see the mempool, so it says "unknown" there unless it knows better.
    if (f.confirmations > 0) {
        f.bip125_replaceable = "no";
    } else if (SignalsRbf(wtx.tx)) {
        f.bip125_replaceable = "yes";
    } else {
        f.bip125_replaceable = "unknown";
    }
    return f;
}

void Wallet::AppendEntries(const WalletTx& wtx, int32_t tip_height, bool with_fields,
                           std::vector<TxListEntry>& out) const {
    // Core's CachedTxGetAmounts + ListTransactions: a tx the wallet paid for lists its
    // non-change outputs as "send" (with the fee); every wallet output that is not change
    // of such a tx is also a "receive" (or generate/immature/orphan for a coinbase).
    const Amount debit = Debit(wtx.tx);
    const bool from_me = debit > 0;
    const Amount fee = from_me ? debit -
                                     [&] {
                                         Amount v = 0;
                                         for (const auto& o : wtx.tx.outputs) v += o.value;
                                         return v;
                                     }()
                               : 0;
    const WalletTxFields fields = with_fields ? FieldsFor(wtx, tip_height) : WalletTxFields{};
    const int depth = Depth(wtx, tip_height);

    std::vector<TxListEntry> sent;
    std::vector<TxListEntry> received;
    for (uint32_t i = 0; i < wtx.tx.outputs.size(); ++i) {
        const auto& txout = wtx.tx.outputs[i];
        const auto origin = OutputOrigin(txout);
        if (from_me && origin && origin->IsChange()) continue;
        if (!from_me && !origin) continue;
        TxListEntry e;
        e.address = encoding::EncodeAddress(txout.script_pubkey, m_network);
        e.vout = i;
        e.tx = fields;
        if (from_me) {
            TxListEntry s = e;
            s.category = "send";
            s.amount = -txout.value;
            s.fee = -fee;
            s.abandoned = wtx.abandoned;
            sent.push_back(std::move(s));
        }
        if (origin) {
            e.amount = txout.value;
            if (wtx.IsCoinbase()) {
                e.category = depth < 1                               ? "orphan"
                             : BlocksToMaturity(wtx, tip_height) > 0 ? "immature"
                                                                     : "generate";
            } else {
                e.category = "receive";
            }
            received.push_back(std::move(e));
        }
    }
    for (auto& e : sent) out.push_back(std::move(e));
    for (auto& e : received) out.push_back(std::move(e));
}

std::vector<TxListEntry> Wallet::ListTransactions(size_t count, size_t skip) const {
    const std::lock_guard lock(m_mutex);
    std::vector<const WalletTx*> ordered;
    for (const auto& [txid, wtx] : m_txs) ordered.push_back(&wtx);
    std::sort(ordered.begin(), ordered.end(),
              [](const WalletTx* a, const WalletTx* b) { return a->order_pos < b->order_pos; });
    // Newest first until enough entries, as Core walks it; then the window, oldest first.
    std::vector<TxListEntry> newest_first;
    const int32_t tip = TipHeight();
    for (auto it = ordered.rbegin(); it != ordered.rend(); ++it) {
        AppendEntries(**it, tip, /*with_fields=*/true, newest_first);
        if (newest_first.size() >= count + skip) break;
    }
    skip = std::min(skip, newest_first.size());
    count = std::min(count, newest_first.size() - skip);
    std::vector<TxListEntry> out(newest_first.begin() + static_cast<std::ptrdiff_t>(skip),
                                 newest_first.begin() + static_cast<std::ptrdiff_t>(skip + count));
    std::reverse(out.begin(), out.end());
    return out;
}

util::Result<TransactionDetails, WalletError> Wallet::GetTransaction(const primitives::Txid& txid) const {
    const std::lock_guard lock(m_mutex);
    const WalletTx* wtx = FindTx(txid);
    if (!wtx)
        return util::Fail(
            WalletError::Make(WalletErrorCode::TxNotFound, "Invalid or non-wallet transaction id"));
    const int32_t tip = TipHeight();
    TransactionDetails d;
    // Core's gettransaction: credit (0 for an immature coinbase) - debit, minus the fee.
    const Amount credit = BlocksToMaturity(*wtx, tip) > 0 ? 0 : Credit(wtx->tx);
    const Amount debit = Debit(wtx->tx);
    Amount value_out = 0;
    for (const auto& o : wtx->tx.outputs) value_out += o.value;
    const Amount fee = debit > 0 ? value_out - debit : 0;  // negative, as Core shows it
    d.amount = credit - debit - fee;
    if (debit > 0) d.fee = fee;
    d.tx = FieldsFor(*wtx, tip);
    AppendEntries(*wtx, tip, /*with_fields=*/false, d.details);
    d.hex = primitives::SerializeTx(wtx->tx, true);
    return d;
}

WalletInfo Wallet::GetWalletInfo() const {
    const std::lock_guard lock(m_mutex);
    WalletInfo info;
    info.network = m_network;
    info.tx_count = m_txs.size();
    for (OutputType type : ALL_OUTPUT_TYPES) {
        const auto& next = m_next_index[static_cast<size_t>(type)];
        info.keypool_size += m_keychain.WindowSize(type, EXTERNAL_CHAIN) - next[EXTERNAL_CHAIN];
        info.keypool_size_internal += m_keychain.WindowSize(type, INTERNAL_CHAIN) - next[INTERNAL_CHAIN];
    }
    info.birth_time = m_birth_time;
    info.last_processed_block = m_best_block;
    return info;
}

}  // namespace tonari::bitcoin::wallet
