// Mining and control RPC methods: generatetoaddress, submitblock, getmininginfo, uptime, stop.
#pragma once

#include <string>

#include "bitcoin/node/node_context.h"
#include "bitcoin/rpc/method_table.h"
#include "util/result.h"

namespace tonari::bitcoin::node {

// The handlers keep a reference to `node`, which must outlive the table's use.
util::Result<void, std::string> RegisterMiningRpcs(rpc::MethodTable& table, NodeContext& node);
util::Result<void, std::string> RegisterControlRpcs(rpc::MethodTable& table, NodeContext& node);

}  // namespace tonari::bitcoin::node
