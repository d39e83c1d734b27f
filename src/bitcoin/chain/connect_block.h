// Applying a block to the UTXO set and taking it back off: Bitcoin Core's ConnectBlock and
// DisconnectBlock. Connecting checks every rule that needs the coins (BIP30, inputs, fees,
// BIP68 sequence locks, sigop cost, the coinbase amount, and every input script with the
// flags in force at the block's height) and records what it spent as undo data.
//
// Both work on a CoinsViewCache the caller throws away on failure, so a rejected block
// leaves no trace in the real view. Validation strand only; the script checks fan out over
// the optional worker pool.
#pragma once

#include "bitcoin/chain/block_index.h"
#include "bitcoin/chain/coins.h"
#include "bitcoin/chain/undo.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/block.h"
#include "util/result.h"

namespace tonari::util {
class WorkerPool;
}
namespace tonari::bitcoin::script {
class SignatureCache;
}

namespace tonari::bitcoin::chain {

struct ConnectOptions {
    util::WorkerPool* pool = nullptr;              // nullptr: scripts on the calling thread
    script::SignatureCache* sig_cache = nullptr;   // looked up, never filled (blocks are final)
    bool check_scripts = true;                     // false only below an assumed-valid block
};

// Connects `block` (whose entry is `index`, with its parent's chain connected in `view`) and
// returns its undo data. Preconditions: CheckBlock and ContextualCheckBlock passed.
util::Result<BlockUndo, consensus::BlockValidationError> ConnectBlock(const primitives::Block& block,
                                                                     const BlockIndex& index, CoinsViewCache& view,
                                                                     const consensus::ConsensusParams& params,
                                                                     const ConnectOptions& options);

enum class DisconnectResult {
    Ok,       // the view is exactly as before the block was connected
    Unclean,  // undone, but some coin was not where the undo data expected it (after a crash
              // mid-flush); the view is still usable
    Failed,   // the undo data does not fit the block: the view must not be used
};

// Takes `block` back off `view` using its undo data; the view's best block becomes the parent.
DisconnectResult DisconnectBlock(const primitives::Block& block, const BlockIndex& index, const BlockUndo& undo,
                                 CoinsViewCache& view);

}  // namespace tonari::bitcoin::chain
