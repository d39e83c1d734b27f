// Creating, committing and abandoning the wallet's own transactions (see wallet.h).
#include <algorithm>

#include "bitcoin/script/script.h"
#include "bitcoin/wallet/tx_signer.h"
#include "bitcoin/wallet/wallet.h"

namespace tonari::bitcoin::wallet {
namespace {

WalletError Err(WalletErrorCode code, std::string message) {
    return WalletError::Make(code, std::move(message));
}

}  // namespace

std::vector<SpendableCoin> Wallet::AvailableCoins(int32_t tip_height, bool include_unconfirmed_change) const {
    std::vector<const WalletTx*> ordered;
    for (const auto& [txid, wtx] : m_txs) ordered.push_back(&wtx);
    std::sort(ordered.begin(), ordered.end(),
              [](const WalletTx* a, const WalletTx* b) { return a->order_pos < b->order_pos; });
    std::map<primitives::Txid, bool> memo;
    std::vector<SpendableCoin> coins;
    for (const WalletTx* wtx : ordered) {
        const int depth = Depth(*wtx, tip_height);
        if (depth < 0 || wtx->abandoned || BlocksToMaturity(*wtx, tip_height) > 0) continue;
        // Unconfirmed: only the wallet's own, trusted change (Core's -spendzeroconfchange).
        if (depth == 0 && (!include_unconfirmed_change || !IsTrusted(*wtx, tip_height, memo))) continue;
        for (uint32_t i = 0; i < wtx->tx.outputs.size(); ++i) {
            const auto& out = wtx->tx.outputs[i];
            const auto origin = OutputOrigin(out);
            if (!origin || IsSpent({wtx->txid, i})) continue;
            coins.push_back({{wtx->txid, i}, out, *origin});
        }
    }
    return coins;
}

util::Result<CreatedTx, WalletError> Wallet::CreateTransaction(const std::vector<Recipient>& recipients,
                                                               policy::FeeRate fee_rate, int32_t tip_height,
                                                               const CreateTxOptions& options) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());

    OutputType change_type = OutputType::Bech32;
    if (options.change_type) {
        change_type = *options.change_type;
    } else if (std::any_of(recipients.begin(), recipients.end(),
                           [](const Recipient& r) { return script::IsPayToTaproot(r.script_pubkey); })) {
        // Match the recipients' type so the change output does not stand out.
        change_type = OutputType::Bech32m;
    }
    // The change index is only reserved here; CommitTransaction marks it used.
    uint32_t change_index = m_next_index[static_cast<size_t>(change_type)][INTERNAL_CHAIN];
    std::optional<util::Bytes> change_script;
    for (; change_index <= MAX_KEY_INDEX && !change_script; ++change_index) {
        change_script = m_keychain.DeriveScript({change_type, INTERNAL_CHAIN, change_index});
    }
    if (!change_script)
        return util::Fail(Err(WalletErrorCode::KeypoolExhausted, "Error: This wallet has no available keys"));

    TxBuildParams params;
    params.recipients = recipients;
    params.fee_rate = fee_rate;
    params.long_term_fee_rate = options.long_term_fee_rate;
    params.discard_fee_rate = options.discard_fee_rate;
    params.change_script = std::move(*change_script);
    params.change_type = change_type;
    params.lock_time = tip_height > 0 ? static_cast<uint32_t>(tip_height) : 0;
    params.max_tx_fee = m_options.max_tx_fee;

    auto built = BuildTransaction(params, AvailableCoins(tip_height, false), m_rng);
    if (!built && built.error().code == WalletErrorCode::InsufficientFunds) {
        built = BuildTransaction(params, AvailableCoins(tip_height, true), m_rng);
    }
    if (!built) return util::Fail(built.error());

    std::vector<primitives::TxOut> spent;
    for (const auto& coin : built->inputs) spent.push_back(coin.txout);
    if (auto s = SignTransaction(built->tx, spent, m_keychain); !s) return util::Fail(s.error());
    if (primitives::TxVirtualSize(built->tx) > built->estimated_vsize) {
        // The dummy signatures are the largest possible, so this is a bug, not bad input.
        return util::Fail(Err(WalletErrorCode::SigningFailed, "Signed transaction is larger than estimated"));
    }
    CreatedTx created;
    created.tx = std::move(built->tx);
    created.fee = built->fee;
    created.change_pos = built->change_pos;
    created.algorithm = built->selection.algorithm;
    created.waste = built->selection.waste;
    return created;
}

util::Result<void, WalletError> Wallet::CommitTransaction(const primitives::Tx& tx) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());
    const primitives::Txid txid = primitives::ComputeTxid(tx);
    if (m_txs.count(txid)) return {};  // already recorded
    if (tx.IsCoinbase() || Debit(tx) == 0) {
        return util::Fail(Err(WalletErrorCode::InvalidParameter, "Transaction does not spend wallet coins"));
    }
    for (const auto& in : tx.inputs) {
        if (IsSpent(in.prevout)) {
            return util::Fail(Err(WalletErrorCode::InvalidParameter,
                                  "Input " + in.prevout.txid.ToHex() + ":" +
                                      std::to_string(in.prevout.index) +
                                      " is already spent by another wallet transaction"));
        }
    }
    WalletTx wtx;
    wtx.tx = tx;
    wtx.txid = txid;
    wtx.state = TxState::Inactive;
    wtx.time_received = Now();
    wtx.order_pos = m_next_order_pos++;
    WalletBatch batch;
    batch.PutTx(wtx);
    AddTx(std::move(wtx));
    MarkUsed(tx, batch);
    return Write(batch, /*sync=*/true);
}

util::Result<void, WalletError> Wallet::AbandonTransaction(const primitives::Txid& txid) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());
    const auto it = m_txs.find(txid);
    if (it == m_txs.end())
        return util::Fail(Err(WalletErrorCode::TxNotFound, "Invalid or non-wallet transaction id"));
    if (it->second.state != TxState::Inactive || it->second.abandoned) {
        return util::Fail(Err(WalletErrorCode::TxNotAbandonable, "Transaction not eligible for abandonment"));
    }
    // The tx and its unconfirmed wallet descendants give their inputs back.
    WalletBatch batch;
    std::vector<primitives::Txid> todo = {txid};
    while (!todo.empty()) {
        const primitives::Txid id = todo.back();
        todo.pop_back();
        const auto t = m_txs.find(id);
        if (t == m_txs.end() || t->second.state == TxState::Confirmed || t->second.abandoned) continue;
        t->second.abandoned = true;
        if (t->second.state == TxState::InMempool) t->second.state = TxState::Inactive;
        batch.PutTx(t->second);
        for (uint32_t i = 0; i < t->second.tx.outputs.size(); ++i) {
            const auto [begin, end] = m_spends.equal_range(primitives::OutPoint{id, i});
            for (auto s = begin; s != end; ++s) todo.push_back(s->second);
        }
    }
    return Write(batch, /*sync=*/true);
}

}  // namespace tonari::bitcoin::wallet
