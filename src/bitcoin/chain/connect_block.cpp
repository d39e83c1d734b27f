// ConnectBlock / DisconnectBlock, in Bitcoin Core's order of checks so that the first failure
// reported is the one Core reports.
#include "bitcoin/chain/connect_block.h"

#include <vector>

#include "bitcoin/chain/block_verify.h"
#include "bitcoin/chain/tx_verify.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/consensus/subsidy.h"
#include "bitcoin/script/batch_verify.h"
#include "bitcoin/script/script.h"

namespace tonari::bitcoin::chain {
namespace {

using consensus::BlockError;
using consensus::BlockValidationError;

util::Unexpected<BlockValidationError> Reject(BlockError reason) {
    return util::Fail(consensus::BlockRejection(reason));
}

util::Unexpected<BlockValidationError> RejectTx(consensus::TxError error, size_t tx_index) {
    return util::Fail(
        BlockValidationError{.reason = BlockError::BadTransaction, .tx_error = error, .tx_index = tx_index});
}

}  // namespace

util::Result<BlockUndo, BlockValidationError> ConnectBlock(const primitives::Block& block, const BlockIndex& index,
                                                           CoinsViewCache& view,
                                                           const consensus::ConsensusParams& params,
                                                           const ConnectOptions& options) {
    BlockUndo undo;
    // The genesis coinbase is not spendable: it never enters the UTXO set.
    if (index.hash == params.genesis_hash) {
        view.SetBestBlock(index.hash);
        return undo;
    }
    const int height = index.height;

    std::optional<primitives::BlockHash> bip34_ancestor;
    if (index.prev != nullptr) {
        if (const BlockIndex* a = index.prev->GetAncestor(params.bip34_height)) bip34_ancestor = a->hash;
    }
    std::vector<primitives::Txid> txids;
    txids.reserve(block.txs.size());
    for (const auto& tx : block.txs) txids.push_back(primitives::ComputeTxid(tx));

    if (ShouldEnforceBip30(height, index.hash, bip34_ancestor, params)) {
        for (size_t t = 0; t < block.txs.size(); ++t) {
            for (uint32_t o = 0; o < block.txs[t].outputs.size(); ++o) {
                if (view.HaveCoin({txids[t], o})) return Reject(BlockError::Bip30);
            }
        }
    }

    const script::ScriptFlags flags = GetBlockScriptFlags(height, index.hash, params);
    const uint32_t lock_flags = height >= params.csv_height ? LOCKTIME_VERIFY_SEQUENCE : 0;
    const MedianTimePastAt mtp_at = [&index](int h) { return index.GetAncestor(h)->GetMedianTimePast(); };

    std::vector<script::PrecomputedTxData> txdata(block.txs.size());
    primitives::Amount fees = 0;
    int64_t sigop_cost = 0;
    undo.txs.reserve(block.txs.size() > 0 ? block.txs.size() - 1 : 0);
    for (size_t t = 0; t < block.txs.size(); ++t) {
        const primitives::Tx& tx = block.txs[t];
        const bool coinbase = t == 0;
        if (!coinbase) {
            auto fee = CheckTxInputs(tx, view, height, params);
            if (!fee) return RejectTx(fee.error(), t);
            fees += *fee;
            if (!primitives::MoneyRange(fees)) return Reject(BlockError::AccumulatedFeeOutOfRange);

            std::vector<int> prev_heights(tx.inputs.size());
            for (size_t i = 0; i < tx.inputs.size(); ++i) {
                prev_heights[i] = static_cast<int>(view.AccessCoin(tx.inputs[i].prevout)->height);
            }
            if (!CheckSequenceLocks(tx, lock_flags, prev_heights, height, mtp_at)) {
                return Reject(BlockError::NonBip68FinalTx);
            }
        }
        // Counted after the inputs are known to exist: P2SH and witness sigops need them.
        sigop_cost += GetTransactionSigOpCost(tx, view, flags);
        if (sigop_cost > consensus::MAX_BLOCK_SIGOPS_COST) return Reject(BlockError::TooManySigops);

        if (!coinbase) {
            // The spent outputs feed the sighash precompute, which only script checks use.
            std::vector<primitives::TxOut> spent;
            if (options.check_scripts) spent.reserve(tx.inputs.size());
            TxUndo& tx_undo = undo.txs.emplace_back();
            tx_undo.spent.reserve(tx.inputs.size());
            for (const auto& in : tx.inputs) {
                // CheckTxInputs found every coin, and a block spending one twice fails there
                // for the second spend (CVE-2018-17144), so this cannot miss.
                auto coin = view.SpendCoin(in.prevout);
                if (!coin) return RejectTx(consensus::TxError::InputsMissingOrSpent, t);
                if (options.check_scripts) spent.push_back(coin->out);
                tx_undo.spent.push_back(std::move(*coin));
            }
            if (options.check_scripts) txdata[t].Init(tx, std::move(spent));
        }
        if (!AddCoins(view, tx, txids[t], static_cast<uint32_t>(height), false)) {
            // Only possible for a non-coinbase output landing on an unspent coin in this
            // cache, which BIP30 forbids.
            return Reject(BlockError::Bip30);
        }
    }

    primitives::Amount coinbase_out = 0;
    for (const auto& out : block.txs[0].outputs) coinbase_out += out.value;
    if (coinbase_out > fees + consensus::GetBlockSubsidy(height, params)) return Reject(BlockError::BadCoinbaseAmount);

    if (options.check_scripts && block.txs.size() > 1) {
        std::vector<script::TxToVerify> batch;
        batch.reserve(block.txs.size() - 1);
        for (size_t t = 1; t < block.txs.size(); ++t) batch.push_back({&block.txs[t], &txdata[t]});
        auto verified = script::VerifyInputs(batch, flags, options.sig_cache, false, options.pool);
        if (!verified) {
            return util::Fail(BlockValidationError{.reason = BlockError::ScriptVerifyFailed,
                                                   .tx_index = verified.error().tx_index + 1,
                                                   .input_index = verified.error().input_index,
                                                   .script_error = static_cast<uint8_t>(verified.error().error)});
        }
    }

    view.SetBestBlock(index.hash);
    return undo;
}

DisconnectResult DisconnectBlock(const primitives::Block& block, const BlockIndex& index, const BlockUndo& undo,
                                 CoinsViewCache& view) {
    if (block.txs.empty() || undo.txs.size() + 1 != block.txs.size()) return DisconnectResult::Failed;
    bool clean = true;
    // The two mainnet blocks whose coinbase outputs were overwritten have nothing to spend.
    const bool skip_coinbase_outputs = IsBip30Unspendable(index.height, index.hash);

    for (size_t t = block.txs.size(); t-- > 0;) {
        const primitives::Tx& tx = block.txs[t];
        const primitives::Txid txid = primitives::ComputeTxid(tx);
        const bool coinbase = t == 0;
        if (!(coinbase && skip_coinbase_outputs)) {
            for (uint32_t o = 0; o < tx.outputs.size(); ++o) {
                if (script::IsUnspendable(tx.outputs[o].script_pubkey)) continue;
                const auto coin = view.SpendCoin({txid, o});
                if (!coin || !(coin->out == tx.outputs[o]) || coin->height != static_cast<uint32_t>(index.height) ||
                    coin->coinbase != coinbase) {
                    clean = false;
                }
            }
        }
        if (coinbase) continue;
        const TxUndo& tx_undo = undo.txs[t - 1];
        if (tx_undo.spent.size() != tx.inputs.size()) return DisconnectResult::Failed;
        for (size_t i = tx.inputs.size(); i-- > 0;) {
            if (ApplyTxInUndo(view, tx.inputs[i].prevout, tx_undo.spent[i]) == UndoApplyResult::Unclean) clean = false;
        }
    }
    view.SetBestBlock(index.prev != nullptr ? index.prev->hash : primitives::BlockHash());
    return clean ? DisconnectResult::Ok : DisconnectResult::Unclean;
}

}  // namespace tonari::bitcoin::chain
