// The wallet RPC methods, with Bitcoin Core's names, parameters, result fields and errors:
// createwallet, loadwallet, listwallets, getnewaddress, getbalance, getbalances, listunspent,
// sendtoaddress, listtransactions, gettransaction, getwalletinfo, abandontransaction; plus the
// Tonari-specific getwalletmnemonic (shows the BIP39 words to back the wallet up).
//
// Wallet selection is Core's: the /wallet/<name> endpoint names one, else the only loaded
// wallet is used. Everything that reads the chain or must agree with the tip (balances, depths,
// sends) runs on the validation strand through NodeContext::WithChain.
//
// Thread-safety: the handlers may run on any RPC thread at once; they share state only
// through the strand and the WalletManager (which locks).
#pragma once

#include <string>

#include "bitcoin/node/node_context.h"
#include "bitcoin/node/wallet_manager.h"
#include "bitcoin/rpc/method_table.h"
#include "util/result.h"

namespace tonari::bitcoin::node {

// The handlers keep references to `node` and `wallets`, which must outlive the table's use.
util::Result<void, std::string> RegisterWalletRpcs(rpc::MethodTable& table, NodeContext& node,
                                                   WalletManager& wallets);

}  // namespace tonari::bitcoin::node
