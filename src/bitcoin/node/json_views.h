// JSON renderings of transactions, scripts and blocks in Bitcoin Core's RPC shapes
// (decoderawtransaction, decodescript fields, getblock verbosity 1), shared by the offline
// `tonari util` commands and, later, the RPC server.
#pragma once

#include <cstdint>
#include <string>

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

// {asm, hex, address?, type}
util::Json ScriptPubKeyToJson(util::ByteSpan script, encoding::Network network);

// The fields of decoderawtransaction.
util::Json TxToJson(const primitives::Tx& tx, encoding::Network network);

// The fields of getblock (verbosity 1) that need no chain context.
util::Json BlockToJson(const primitives::Block& block);

}  // namespace tonari::bitcoin::node
