// Following the chain and the mempool (see wallet.h, "Chain tracking").
#include <algorithm>
#include <iterator>

#include "bitcoin/wallet/wallet.h"

namespace tonari::bitcoin::wallet {
namespace {

// A confirmed transaction whose block left the chain: unconfirmed again. A coinbase of a block
// that is gone can never be valid elsewhere; it must not be relayed on its own (Core marks it
// abandoned too).
void LeaveBlock(WalletTx& wtx) {
    wtx.state = TxState::Inactive;
    wtx.abandoned = wtx.IsCoinbase();
    wtx.block_hash = primitives::BlockHash();
    wtx.block_height = -1;
    wtx.block_index = 0;
    wtx.block_time = 0;
}

// A transaction conflicted by a block that left the chain: the conflict no longer holds.
void ReleaseConflict(WalletTx& wtx) {
    wtx.state = TxState::Inactive;
    wtx.block_hash = primitives::BlockHash();
    wtx.block_height = -1;
}

}  // namespace

void Wallet::MarkConflicted(const primitives::Txid& txid, const primitives::BlockHash& block, int32_t height,
                            WalletBatch& batch) {
    // Depth-first over the wallet's descendants: a child of a conflicted tx spends outputs that
    // will never exist, so it is conflicted by the same block.
    std::vector<primitives::Txid> todo = {txid};
    while (!todo.empty()) {
        const primitives::Txid id = todo.back();
        todo.pop_back();
        const auto it = m_txs.find(id);
        if (it == m_txs.end() || it->second.state == TxState::Confirmed) continue;
        WalletTx& wtx = it->second;
        if (wtx.state == TxState::Conflicted && wtx.block_height <= height) continue;  // already, deeper
        wtx.state = TxState::Conflicted;
        wtx.block_hash = block;
        wtx.block_height = height;
        wtx.block_index = 0;
        wtx.block_time = 0;
        batch.PutTx(wtx);
        for (uint32_t i = 0; i < wtx.tx.outputs.size(); ++i) {
            const auto [begin, end] = m_spends.equal_range(primitives::OutPoint{id, i});
            for (auto s = begin; s != end; ++s) todo.push_back(s->second);
        }
    }
}

util::Result<void, WalletError> Wallet::BlockConnected(const primitives::Block& block, int32_t height) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());
    const primitives::BlockHash hash = block.header.ComputeHash();
    WalletBatch batch;
    bool touched = false;
    for (uint32_t pos = 0; pos < block.txs.size(); ++pos) {
        const primitives::Tx& tx = block.txs[pos];
        const primitives::Txid txid = primitives::ComputeTxid(tx);
        // Wallet transactions spending the same coins can never confirm now.
        if (!tx.IsCoinbase()) {
            for (const auto& in : tx.inputs) {
                std::vector<primitives::Txid> rivals;
                const auto [begin, end] = m_spends.equal_range(in.prevout);
                for (auto s = begin; s != end; ++s) {
                    if (s->second != txid) rivals.push_back(s->second);
                }
                for (const auto& rival : rivals) {
                    MarkConflicted(rival, hash, height, batch);
                    touched = true;
                }
            }
        }
        auto it = m_txs.find(txid);
        if (it == m_txs.end()) {
            if (!IsRelevant(tx)) continue;
            WalletTx wtx;
            wtx.tx = tx;
            wtx.txid = txid;
            wtx.time_received = Now();
            wtx.order_pos = m_next_order_pos++;
            AddTx(std::move(wtx));
            it = m_txs.find(txid);
        }
        WalletTx& wtx = it->second;
        wtx.state = TxState::Confirmed;
        wtx.abandoned = false;
        wtx.block_hash = hash;
        wtx.block_height = height;
        wtx.block_index = pos;
        wtx.block_time = block.header.time;
        batch.PutTx(wtx);
        MarkUsed(tx, batch);
        touched = true;
    }
    const BestBlock best{hash, height};
    batch.PutBestBlock(best);
    if (auto w = Write(batch, /*sync=*/touched); !w) return util::Fail(w.error());
    m_best_block = best;
    return {};
}

util::Result<void, WalletError> Wallet::BlockDisconnected(const primitives::Block& block, int32_t height) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());
    const primitives::BlockHash hash = block.header.ComputeHash();
    WalletBatch batch;
    bool touched = false;
    for (size_t pos = 0; pos < block.txs.size(); ++pos) {
        const auto it = m_txs.find(primitives::ComputeTxid(block.txs[pos]));
        if (it == m_txs.end()) continue;
        WalletTx& wtx = it->second;
        if (wtx.state != TxState::Confirmed || wtx.block_hash != hash) continue;
        LeaveBlock(wtx);
        batch.PutTx(wtx);
        touched = true;
    }
    // Conflicts caused by this block (or a later one already gone) no longer hold.
    for (auto& [txid, wtx] : m_txs) {
        if (wtx.state != TxState::Conflicted || wtx.block_height < height) continue;
        ReleaseConflict(wtx);
        batch.PutTx(wtx);
        touched = true;
    }
    const BestBlock best{block.header.prev_block, height - 1};
    batch.PutBestBlock(best);
    if (auto w = Write(batch, /*sync=*/touched); !w) return util::Fail(w.error());
    m_best_block = best;
    return {};
}

util::Result<size_t, WalletError> Wallet::ForgetBlocksOffChain(
    const std::function<bool(const primitives::BlockHash&)>& on_active_chain) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());
    WalletBatch batch;
    size_t changed = 0;
    for (auto& [txid, wtx] : m_txs) {
        if (wtx.state != TxState::Confirmed && wtx.state != TxState::Conflicted) continue;
        if (on_active_chain(wtx.block_hash)) continue;
        if (wtx.state == TxState::Confirmed) {
            LeaveBlock(wtx);
        } else {
            ReleaseConflict(wtx);
        }
        batch.PutTx(wtx);
        ++changed;
    }
    if (changed == 0) return changed;
    if (auto w = Write(batch, /*sync=*/true); !w) return util::Fail(w.error());
    return changed;
}

util::Result<void, WalletError> Wallet::TransactionAddedToMempool(const primitives::Tx& tx) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());
    const primitives::Txid txid = primitives::ComputeTxid(tx);
    WalletBatch batch;
    if (const auto it = m_txs.find(txid); it != m_txs.end()) {
        WalletTx& wtx = it->second;
        if (wtx.state == TxState::Confirmed) return {};
        const bool was_abandoned = wtx.abandoned;
        wtx.state = TxState::InMempool;
        wtx.abandoned = false;
        if (!was_abandoned) return {};  // memory-only change: InMempool is not kept across restarts
        batch.PutTx(wtx);
    } else {
        if (!IsRelevant(tx)) return {};
        WalletTx wtx;
        wtx.tx = tx;
        wtx.txid = txid;
        wtx.state = TxState::InMempool;
        wtx.time_received = Now();
        wtx.order_pos = m_next_order_pos++;
        batch.PutTx(wtx);
        AddTx(std::move(wtx));
        MarkUsed(tx, batch);
    }
    return Write(batch, /*sync=*/true);
}

util::Result<void, WalletError> Wallet::TransactionRemovedFromMempool(const primitives::Txid& txid,
                                                                      MempoolRemovalReason reason) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());
    if (reason == MempoolRemovalReason::Block) return {};  // BlockConnected handles it
    const auto it = m_txs.find(txid);
    if (it == m_txs.end() || it->second.state != TxState::InMempool) return {};
    if (Debit(it->second.tx) > 0) {
        // Our own spend: keep it, inputs still spent, until mined, re-added or abandoned.
        it->second.state = TxState::Inactive;
        return {};
    }
    // Only pays us and may never confirm: forget it. If it is mined after all, BlockConnected
    // records it again. Losing this erase in a crash is harmless (it reloads as Inactive,
    // which counts in no balance), so it is not synced.
    WalletBatch batch;
    batch.EraseTx(txid);
    for (const auto& in : it->second.tx.inputs) {
        auto [s, end] = m_spends.equal_range(in.prevout);
        while (s != end) s = s->second == txid ? m_spends.erase(s) : std::next(s);
    }
    m_txs.erase(it);
    return Write(batch, /*sync=*/false);
}

std::optional<BestBlock> Wallet::LastProcessedBlock() const {
    const std::lock_guard lock(m_mutex);
    return m_best_block;
}

std::vector<primitives::Tx> Wallet::PendingTransactions() const {
    const std::lock_guard lock(m_mutex);
    std::vector<const WalletTx*> pending;
    for (const auto& [txid, wtx] : m_txs) {
        if ((wtx.state == TxState::InMempool || wtx.state == TxState::Inactive) && !wtx.abandoned &&
            !wtx.IsCoinbase()) {
            pending.push_back(&wtx);
        }
    }
    std::sort(pending.begin(), pending.end(),
              [](const WalletTx* a, const WalletTx* b) { return a->order_pos < b->order_pos; });
    std::vector<primitives::Tx> out;
    for (const WalletTx* wtx : pending) out.push_back(wtx->tx);
    return out;
}

}  // namespace tonari::bitcoin::wallet
