// `tonari chain …`: the ledger on disk without the network. `import` connects blocks from a
// file (hex lines, or binary records of 4-byte little-endian length + raw block) into the
// chainstate of a data directory; `info` prints the tip and the UTXO set digest (Bitcoin
// Core's gettxoutsetinfo fields); `reindex` rebuilds the chainstate from the block files.
// Progress goes to `log` (stderr from main); results are JSON.
#pragma once

#include <ostream>
#include <string>

#include "bitcoin/node/node_storage.h"
#include "util/json.h"
#include "util/result.h"

namespace tonari::app {

using bitcoin::node::NodeStorage;
using bitcoin::node::NodeStorageOptions;

util::Result<util::Json, std::string> ImportBlocks(const NodeStorageOptions& options, const std::string& file,
                                                   std::ostream& log);
util::Result<util::Json, std::string> ChainInfo(const NodeStorageOptions& options);
// Writes a deterministic synthetic regtest chain (really signed P2WPKH, P2TR, P2WSH and P2PKH
// spends) as binary block records, for tests and benchmarks.
util::Result<util::Json, std::string> GenerateChain(const std::string& file, uint32_t blocks, uint32_t txs_per_block,
                                                    uint32_t outputs_per_tx, uint64_t seed, std::ostream& log);
util::Result<util::Json, std::string> Reindex(NodeStorageOptions options, std::ostream& log);

}  // namespace tonari::app
