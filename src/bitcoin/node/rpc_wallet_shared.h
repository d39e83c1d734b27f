// What the wallet RPC files share (internal to bitcoin/node): choosing the wallet a request
// names, reading Core-style flags, and the send path's entry, which lives in its own file
// (rpc_wallet_send.cpp) beside the other methods (rpc_wallet.cpp).
#pragma once

#include <string>
#include <string_view>

#include "bitcoin/node/node_context.h"
#include "bitcoin/node/wallet_manager.h"
#include "bitcoin/rpc/method_table.h"
#include "util/json.h"
#include "util/result.h"

namespace tonari::bitcoin::node::wallet_rpc {

using rpc::ParamType;
using rpc::RpcError;
using rpc::RpcErrorCode;
using util::Json;
using Reply = util::Result<Json, RpcError>;

// Core's -txconfirmtarget default: the blocks a send without conf_target aims to confirm in.
inline constexpr int DEFAULT_TX_CONFIRM_TARGET = 6;

struct Selected {
    std::string name;
    wallet::Wallet* wallet = nullptr;
};

// Core's GetWalletForJSONRPCRequest: the /wallet/<name> endpoint's wallet, else the only one.
util::Result<Selected, RpcError> SelectWallet(const WalletManager& wallets, const rpc::Request& req);
// Core's GetAvoidReuseFlag for a wallet without the avoid_reuse flag (none here has it).
util::Result<void, RpcError> CheckAvoidReuse(const rpc::Request& req);
// A boolean option that is true only when given as true.
bool BoolArg(const rpc::Request& req, std::string_view name);

// sendtoaddress.
Reply SendToAddress(NodeContext& node, WalletManager& wallets, const rpc::Request& req);

}  // namespace tonari::bitcoin::node::wallet_rpc
