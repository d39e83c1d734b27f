// The blockchain RPC methods (Bitcoin Core's names, parameters and result fields):
// getblockchaininfo, getblockcount, getbestblockhash, getblockhash, getblockheader, getblock,
// getchaintips, getdifficulty, gettxout, gettxoutsetinfo.
#pragma once

#include "bitcoin/node/node_context.h"
#include "bitcoin/rpc/method_table.h"

namespace tonari::bitcoin::node {

// The handlers keep a reference to `node`, which must outlive the table's use.
util::Result<void, std::string> RegisterBlockchainRpcs(rpc::MethodTable& table, NodeContext& node);

}  // namespace tonari::bitcoin::node
