// The mempool and broadcast RPC methods (Bitcoin Core's names, parameters, result fields and
// errors): getmempoolinfo, getrawmempool, getmempoolentry, testmempoolaccept,
// sendrawtransaction, getrawtransaction, savemempool.
#pragma once

#include "bitcoin/node/mempool_persist.h"
#include "bitcoin/node/node_context.h"
#include "bitcoin/rpc/method_table.h"

namespace tonari::bitcoin::node {

// The handlers keep a reference to `node` and `persister`, which must outlive the table's use.
// Without a persister (null) there is no savemempool.
util::Result<void, std::string> RegisterMempoolRpcs(rpc::MethodTable& table, NodeContext& node,
                                                    MempoolPersister* persister = nullptr);

}  // namespace tonari::bitcoin::node
