// The raw transaction and address utility RPC methods, with Bitcoin Core's names, parameters,
// result fields and error codes/messages: decoderawtransaction, decodescript,
// createrawtransaction and validateaddress.
//
// None of them touches chain state: they read only the node's network (for address encodings),
// so their handlers run on the calling RPC thread and are safe to call concurrently.
#pragma once

#include <string>

#include "bitcoin/node/node_context.h"
#include "bitcoin/rpc/method_table.h"
#include "util/result.h"

namespace tonari::bitcoin::node {

// The handlers keep a reference to `node`, which must outlive the table's use.
util::Result<void, std::string> RegisterRawTxRpcs(rpc::MethodTable& table, NodeContext& node);

}  // namespace tonari::bitcoin::node
