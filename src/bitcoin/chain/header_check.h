// Contextual header rules — what a header must satisfy given its parent — and AcceptHeader,
// the one way headers enter a BlockTree. Bitcoin Core's GetNextWorkRequired,
// ContextualCheckBlockHeader and AcceptBlockHeader, rule for rule and in the same order, so
// the first failure is the one Core reports. Checkpoint-free, like current Core: no header is
// refused for forking below a hard-coded block (anti-DoS for low-work header chains belongs
// to headers sync, not here).
//
// Time comes in as a parameter (seconds since the epoch, from the node's injected clock);
// nothing here reads a clock. Pure functions over the tree, except AcceptHeader, which
// inserts. Same threading as the tree: validation strand only.
#pragma once

#include <cstdint>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/chain/block_tree.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/block.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

// How far ahead of our clock a block's timestamp may be. Without a bound, a miner could
// date blocks far in the future and drag the median-time-past (and so lock times) forward,
// or lower the difficulty by claiming a slow period.
inline constexpr int64_t MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60;

// BIP94: how far the first block of a difficulty period may be dated before its parent. The
// timewarp attack dates the last block of each period far ahead and the next one back again,
// so that every period looks slow and the difficulty falls without bound.
inline constexpr int64_t MAX_TIMEWARP = 600;

// The nBits a block built on `prev` with `header`'s timestamp must have:
//   - at a period boundary (height % interval == 0), the retarget from the period's first and
//     last blocks (consensus::CalculateNextWorkRequired; regtest keeps the parent's bits);
//   - otherwise the parent's bits, except on networks with pow_allow_min_difficulty_blocks:
//     a block dated more than two spacings after its parent may use the pow limit, and any
//     other block takes the bits of the last ancestor that was not such a min-difficulty
//     block (stopping at the period's first block).
uint32_t GetNextWorkRequired(const BlockIndex& prev, const primitives::BlockHeader& header,
                             const consensus::ConsensusParams& params);

// The rules that need the parent, in Core's order: bad-diffbits, time-too-old (not after the
// parent's median-time-past), time-timewarp-attack (BIP94 networks, first block of a period),
// time-too-new (more than MAX_FUTURE_BLOCK_TIME after `now`), bad-version (below 2, 3 or 4 at
// or after the BIP34, BIP66 or BIP65 height).
// A time-too-new header is not invalid, only early: callers must not mark it failed.
util::Result<void, consensus::BlockValidationError> ContextualCheckBlockHeader(
    const primitives::BlockHeader& header, const BlockIndex& prev, int64_t now,
    const consensus::ConsensusParams& params);

// Checks a header and adds it to the tree; returns its entry. A header already in the tree
// is returned as it is, unless it was found invalid: then the error is the reason recorded
// for it (BadPrevBlock when only an ancestor failed or the reason is not known — Core reports
// "duplicate-invalid" here). Otherwise, in order: proof of work (high-hash), parent known
// (prev-blk-not-found), parent not invalid (bad-prevblk), ContextualCheckBlockHeader.
// A header that fails is not inserted.
util::Result<BlockIndex*, consensus::BlockValidationError> AcceptHeader(BlockTree& tree,
                                                                        const primitives::BlockHeader& header,
                                                                        int64_t now);

}  // namespace tonari::bitcoin::chain
