// JSON renderings of transactions, scripts and blocks in Bitcoin Core's RPC shapes
// (decoderawtransaction, decodescript fields, getblock verbosity 1), shared by the offline
// `tonari util` commands and, later, the RPC server.
#pragma once

#include <cstdint>
#include <string>

#include <vector>

#include "bitcoin/chain/chainstate.h"
#include "bitcoin/chain/coins.h"
#include "bitcoin/encoding/network.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/transaction.h"
#include "util/json.h"

namespace tonari::bitcoin::node {

// A 32-bit header field as Bitcoin Core prints versionHex and bits: 8 lower-case hex digits.
std::string HexU32(uint32_t value);

// 8 decimal places, as Bitcoin Core prints amounts: 50.00000000.
util::Json AmountToJson(primitives::Amount sats);

// {asm, desc, hex, address?, type}: desc is the descriptor Core infers with no keys known.
util::Json ScriptPubKeyToJson(util::ByteSpan script, encoding::Network network);

// The fields of decoderawtransaction.
util::Json TxToJson(const primitives::Tx& tx, encoding::Network network);

// getblock verbosity 2 and 3: the same fields, then `fee` (from the coins the transaction
// spent, in input order, out of the block's undo data) and `hex`; with `prevout` set each input
// also carries the coin it spent (Core's verbosity 3). `spent` is null for the coinbase, and
// when the undo data is not available (no fee or prevout then, as in Core).
util::Json BlockTxToJson(const primitives::Tx& tx, encoding::Network network, const std::vector<chain::Coin>* spent,
                         bool prevout);

// getblock's coinbase_tx: version, locktime, sequence, coinbase (scriptSig hex) and witness.
util::Json CoinbaseTxToJson(const primitives::Tx& coinbase);

// getblockheader's fields (Core's blockheaderToJSON, in its order), as the chain sees the
// entry now (confirmations, next block).
util::Json HeaderToJson(const chain::Chainstate& chain, const chain::BlockIndex& index);

// The fields of getblock (verbosity 1) that need no chain context.
util::Json BlockToJson(const primitives::Block& block);

}  // namespace tonari::bitcoin::node
