// Contextual block rules that need the block's height and its parent's median time past
// but not the UTXO set (Bitcoin Core's ContextualCheckBlock), the script flags a block is
// verified under (GetBlockScriptFlags), and the BIP30 no-overwrite rule with its historical
// exceptions and the BIP34 shortcut (from Core's ConnectBlock).
//
// Pure functions of their arguments; CheckBip30 reads through a CoinsViewCache (which fills
// it from its parent): validation strand only.
#pragma once

#include <optional>
#include <span>

#include "bitcoin/chain/coins.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/script/script_flags.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

// Checks, in Core's order, for a block at `height` whose parent has median time past
// `prev_mtp`:
//   every transaction final (IsFinalTx) with the lock-time cutoff prev_mtp once CSV/BIP113
//     is active at `height`, the block's own time before (bad-txns-nonfinal);
//   from bip34_height, the coinbase scriptSig starts with CoinbaseHeightPrefix(height)
//     (bad-cb-height);
//   from segwit_height, when the coinbase has a witness commitment (FindWitnessCommitment):
//     the coinbase witness is exactly one 32-byte item (bad-witness-nonce-size) and the
//     commitment equals SHA256d(witness merkle root || that item) (bad-witness-merkle-match);
//   otherwise no transaction has witness data (unexpected-witness);
//   block weight at most MAX_BLOCK_WEIGHT (bad-blk-weight). Weight comes last because the
//     coinbase witness is not covered by the block hash until the commitment is checked.
// Precondition: CheckBlock passed (a coinbase with one input exists); should it not have,
// the result is bad-cb-missing rather than a crash.
util::Result<void, consensus::BlockValidationError> ContextualCheckBlock(const primitives::Block& block, int height,
                                                                         int64_t prev_mtp,
                                                                         const consensus::ConsensusParams& params);

// The prefix BIP34 requires of the coinbase scriptSig at `height`: what Core's
// `CScript() << height` writes. Heights 1..16 are the single opcodes OP_1..OP_16 (0 is OP_0);
// others a minimal script-number push (17 -> 01 11, 128 -> 02 80 00, 227931 -> 03 5b 7a 03).
util::Bytes CoinbaseHeightPrefix(int height);

// The witness commitment check alone (Core's CheckWitnessMalleation), for callers that need
// to detect a mutated block before full validation.
util::Result<void, consensus::BlockValidationError> CheckWitnessCommitment(const primitives::Block& block,
                                                                           bool segwit_active);

// Script verification flags for the block at `height` with hash `block_hash`:
// P2SH | WITNESS | TAPROOT always, except for the blocks listed in
// params.script_flag_exceptions (which get only the flags listed there), plus DERSIG from
// bip66_height, CHECKLOCKTIMEVERIFY from bip65_height, CHECKSEQUENCEVERIFY from csv_height
// and NULLDUMMY from segwit_height.
script::ScriptFlags GetBlockScriptFlags(int height, const primitives::BlockHash& block_hash,
                                        const consensus::ConsensusParams& params);

// --- BIP30: a transaction may not overwrite an unspent output of an earlier one ----------

// From this height BIP34 no longer rules out duplicate coinbases: pre-BIP34 mainnet
// coinbases already "indicate" heights from 1,983,702 on (and two at 209,921 and 490,897
// that are harmless), so BIP30 is checked again there whatever the chain.
inline constexpr int BIP34_IMPLIES_BIP30_LIMIT = 1'983'702;

// The two mainnet blocks (91842, 91880) whose coinbases duplicated earlier ones; they are
// exempt from BIP30.
bool IsBip30Repeat(int height, const primitives::BlockHash& block_hash);
// The two mainnet blocks (91722, 91812) whose coinbase outputs were overwritten by those
// duplicates; disconnecting them cannot find their outputs.
bool IsBip30Unspendable(int height, const primitives::BlockHash& block_hash);

// Whether the block at `height` (> 0) with hash `block_hash` must run the BIP30 check.
// `bip34_ancestor` is the hash of this chain's block at params.bip34_height, or nullopt
// when that height is above the parent's (Core's pprev->GetAncestor(BIP34Height)). BIP30 is
// skipped for the two repeat blocks, and when this chain passes through the known BIP34
// activation block (BIP34 makes new duplicates impossible), until BIP34_IMPLIES_BIP30_LIMIT.
bool ShouldEnforceBip30(int height, const primitives::BlockHash& block_hash,
                        const std::optional<primitives::BlockHash>& bip34_ancestor,
                        const consensus::ConsensusParams& params);

// bad-txns-BIP30 if any output of any transaction in the block (txids[i] is the txid of
// block.txs[i]) is an unspent coin in `view`. Run before the block's outputs are added.
util::Result<void, consensus::BlockValidationError> CheckBip30(const primitives::Block& block,
                                                               std::span<const primitives::Txid> txids,
                                                               const CoinsViewCache& view);
// The same, computing the txids.
util::Result<void, consensus::BlockValidationError> CheckBip30(const primitives::Block& block,
                                                               const CoinsViewCache& view);

}  // namespace tonari::bitcoin::chain
