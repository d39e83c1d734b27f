// Bitcoin Core's REST interface (-rest): unauthenticated, read-only GET requests on the RPC
// port for block explorers and wallets that want raw data without JSON-RPC.
//
//   /rest/block/<hash>.<bin|hex|json>              (json: getblock verbosity 3)
//   /rest/block/notxdetails/<hash>.<bin|hex|json>  (json: txids only)
//   /rest/headers/<hash>.<ext>?count=<n>           (and the older /rest/headers/<n>/<hash>.<ext>)
//   /rest/blockhashbyheight/<height>.<ext>
//   /rest/tx/<txid>.<ext>                          (mempool transactions: no -txindex here)
//   /rest/chaininfo.json
//   /rest/mempool/info.json, /rest/mempool/contents.json?verbose=&mempool_sequence=
//   /rest/getutxos[/checkmempool]/<txid>-<n>/....<ext> (bin/hex may send the query in the body)
//
// Answers, errors (text/plain, Core's messages and status codes) and binary layouts are Core's.
// JSON answers come from the RPC methods of the same name, so the two never disagree.
// Thread-safety: called on RPC worker threads; chain reads go through the validation strand.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bitcoin/node/node_context.h"
#include "bitcoin/rpc/method_table.h"

namespace tonari::bitcoin::node {

// Core's limits: a getutxos query may name at most 15 outpoints and a headers query 2,000
// headers, so one unauthenticated request cannot make the node read or send without bound.
inline constexpr size_t MAX_GETUTXOS_OUTPOINTS = 15;
inline constexpr size_t MAX_REST_HEADERS_RESULTS = 2000;

struct RestResponse {
    int status = 200;
    std::string content_type;
    std::string body;
};

// The answer to `target` (path and query) when it names a REST endpoint; nullopt otherwise.
// `body` is the request body (getutxos in bin/hex form).
std::optional<RestResponse> HandleRest(NodeContext& node, const rpc::MethodTable& table, std::string_view target,
                                       std::string_view body);

}  // namespace tonari::bitcoin::node
