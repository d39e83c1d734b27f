// The mempool and broadcast RPC methods (Bitcoin Core's names, parameters, result fields and
// errors): getmempoolinfo, getrawmempool, getmempoolentry, testmempoolaccept,
// sendrawtransaction, getrawtransaction.
#pragma once

#include "bitcoin/node/node_context.h"
#include "bitcoin/rpc/method_table.h"

namespace tonari::bitcoin::node {

// The handlers keep a reference to `node`, which must outlive the table's use.
util::Result<void, std::string> RegisterMempoolRpcs(rpc::MethodTable& table, NodeContext& node);

}  // namespace tonari::bitcoin::node
