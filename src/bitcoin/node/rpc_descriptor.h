// The descriptor RPC methods, with Bitcoin Core's names, parameters, results and errors:
// getdescriptorinfo (canonical public form, checksum, range/solvable/private-key flags) and
// deriveaddresses (the addresses of a descriptor over a range of positions).
//
// Neither touches chain state; handlers run on the calling RPC thread.
#pragma once

#include <string>

#include "bitcoin/node/node_context.h"
#include "bitcoin/rpc/method_table.h"
#include "util/result.h"

namespace tonari::bitcoin::node {

util::Result<void, std::string> RegisterDescriptorRpcs(rpc::MethodTable& table, NodeContext& node);

}  // namespace tonari::bitcoin::node
