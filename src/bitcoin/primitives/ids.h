// Strong hash identifiers: a Txid, a Wtxid and a BlockHash are all 32-byte double SHA-256
// values but must never be confused with each other.
#pragma once

#include "util/blob.h"
#include "util/strong_id.h"

namespace tonari::bitcoin::primitives {

using Txid = util::StrongId<struct TxidTag, util::Uint256>;
using Wtxid = util::StrongId<struct WtxidTag, util::Uint256>;
using BlockHash = util::StrongId<struct BlockHashTag, util::Uint256>;

}  // namespace tonari::bitcoin::primitives
