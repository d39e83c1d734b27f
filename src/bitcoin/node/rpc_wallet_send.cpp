// sendtoaddress: the payment's fee (conf_target, estimate_mode, fee_rate, as Core reads them),
// the wallet's coin selection and signing, and the mempool's verdict mapped to Core's errors.
#include <optional>
#include <string>

#include "bitcoin/encoding/address.h"
#include "bitcoin/node/rpc_util.h"
#include "bitcoin/node/rpc_wallet_shared.h"
#include "bitcoin/rpc/amount.h"

namespace tonari::bitcoin::node::wallet_rpc {
namespace {

// sendrawtransaction's mapping of a mempool refusal to an RPC error.
RpcError RejectionToRpc(const mempool::Rejection& why) {
    using K = mempool::Rejection::Kind;
    switch (why.kind) {
        case K::MissingInputs:
            return RpcFail(RpcErrorCode::VERIFY_ERROR, why.reason);
        case K::AlreadyInChain:
            return RpcFail(RpcErrorCode::VERIFY_ALREADY_IN_CHAIN, "Transaction outputs already in utxo set");
        case K::Io:
            return RpcFail(RpcErrorCode::INTERNAL_ERROR, why.reason);
        case K::AlreadyInPool:
        case K::Consensus:
        case K::Policy:
            break;
    }
    return RpcFail(RpcErrorCode::VERIFY_REJECTED, why.ToString());
}

// What the caller asked of the fee: an explicit rate, or a confirmation target to estimate for.
struct FeeInstructions {
    std::optional<policy::FeeRate> rate;
    int conf_target = DEFAULT_TX_CONFIRM_TARGET;
};

// Core's SetFeeEstimateMode.
util::Result<FeeInstructions, RpcError> ParseFeeInstructions(const rpc::Request& req) {
    const Json& fee_rate = req.Arg("fee_rate");
    const Json& conf_target = req.Arg("conf_target");
    const Json& mode = req.Arg("estimate_mode");
    std::string mode_text = mode.IsString() ? mode.GetString() : "unset";
    std::transform(mode_text.begin(), mode_text.end(), mode_text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    FeeInstructions out;
    if (!fee_rate.IsNull()) {
        if (!conf_target.IsNull()) {
            return util::Fail(
                RpcFail(RpcErrorCode::INVALID_PARAMETER,
                        "Cannot specify both conf_target and fee_rate. Please provide either a confirmation "
                        "target in blocks for automatic fee estimation, or an explicit fee rate."));
        }
        if (mode_text != "unset") {
            return util::Fail(
                RpcFail(RpcErrorCode::INVALID_PARAMETER, "Cannot specify both estimate_mode and fee_rate"));
        }
        // sat/vB with at most 3 decimals, read as an amount of 3 decimals: sat per kvB.
        auto rate = rpc::AmountFromValue(fee_rate, 3);
        if (!rate) return util::Fail(rate.error());
        out.rate = policy::FeeRate(*rate);
        return out;
    }
    if (mode_text != "unset" && mode_text != "economical" && mode_text != "conservative") {
        return util::Fail(RpcFail(
            RpcErrorCode::INVALID_PARAMETER,
            "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\""));
    }
    if (!conf_target.IsNull()) {
        const auto target = conf_target.GetInt64();
        if (!target || *target < 1 || *target > mempool::MAX_CONFIRMATION_TARGET) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                      "Invalid conf_target, must be between 1 and " +
                                          std::to_string(mempool::MAX_CONFIRMATION_TARGET)));
        }
        out.conf_target = static_cast<int>(*target);
    }
    return out;
}

struct FeeChoice {
    policy::FeeRate rate;
    std::string_view reason;  // Core's fee_reason text
};

// Core's GetMinimumFeeRate (validation strand): the caller's rate as given; otherwise the
// node's estimate for the target, else the fallback fee, raised to what the mempool takes now.
util::Result<FeeChoice, RpcError> ChooseFeeRate(NodeStorage& s, const FeeInstructions& fee,
                                                policy::FeeRate fallback) {
    if (fee.rate) return FeeChoice{*fee.rate, "PayTxFee set"};
    FeeChoice choice{fallback, "Fallback fee"};
    if (const auto estimate = s.MempoolGate().Estimator().Estimate(fee.conf_target)) {
        choice = {*estimate, "Target 85% Threshold"};
    } else if (fallback.SatPerKvB() == 0) {
        return util::Fail(RpcFail(
            RpcErrorCode::WALLET_INSUFFICIENT_FUNDS,
            "Fee estimation failed. Fallbackfee is disabled. Wait a few blocks or enable -fallbackfee."));
    }
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    if (const auto floor = s.MempoolGate().MinFeeRate(now); choice.rate < floor)
        choice = {floor, "Mempool Min Fee"};
    return choice;
}

}  // namespace

Reply SendToAddress(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    // comment and comment_to are accepted and not kept (this wallet stores no metadata).
    if (const Json& r = req.Arg("replaceable"); r.IsBool() && !r.GetBool()) {
        return util::Fail(RpcFail(
            RpcErrorCode::INVALID_PARAMETER,
            "replaceable=false is not supported: Tonari's wallet always signals BIP125 replaceability"));
    }
    if (auto ok = CheckAvoidReuse(req); !ok) return util::Fail(ok.error());
    auto fee = ParseFeeInstructions(req);
    if (!fee) return util::Fail(fee.error());
    auto amount = rpc::AmountFromValue(req.Arg("amount"));
    if (!amount) return util::Fail(amount.error());
    const std::string& address = req.Arg("address").GetString();
    auto script = encoding::DecodeAddress(address, node.Network());
    if (!script)
        return util::Fail(
            RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Invalid Bitcoin address: " + address));
    if (*amount <= 0) return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR, "Invalid amount for send"));
    const wallet::Recipient recipient{.script_pubkey = *script,
                                      .amount = *amount,
                                      .subtract_fee_from_amount = BoolArg(req, "subtractfeefromamount")};
    return node.WithChain([&](NodeStorage& s) -> Reply {
        wallet::Wallet& w = *selected->wallet;
        auto choice = ChooseFeeRate(s, *fee, wallets.FallbackFee());
        if (!choice) return util::Fail(choice.error());
        auto created = w.CreateTransaction({recipient}, choice->rate, s.Chain().Chain().Height());
        if (!created) {
            const auto code = created.error().code;
            // Core reports every CreateTransaction failure as -6; a broken store is not the
            // caller's doing.
            const bool environment =
                code == wallet::WalletErrorCode::StorageFailure || code == wallet::WalletErrorCode::Corrupt;
            return util::Fail(
                RpcFail(environment ? RpcErrorCode::WALLET_ERROR : RpcErrorCode::WALLET_INSUFFICIENT_FUNDS,
                        created.error().message));
        }
        auto sent = wallets.CommitAndBroadcast(s, w, created->tx);
        if (!sent) {
            if (!sent.error().committed)
                return util::Fail(RpcFail(RpcErrorCode::WALLET_ERROR, sent.error().wallet_error.message));
            return util::Fail(RejectionToRpc(sent.error().rejection));
        }
        if (!BoolArg(req, "verbose")) return Json(sent->ToHex());
        Json o = Json::MakeObject();
        o.Set("txid", sent->ToHex());
        o.Set("fee_reason", choice->reason);
        return o;
    });
}

}  // namespace tonari::bitcoin::node::wallet_rpc
