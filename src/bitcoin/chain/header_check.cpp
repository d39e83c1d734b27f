// Contextual header checks and header acceptance (Core's pow.cpp GetNextWorkRequired and
// validation.cpp ContextualCheckBlockHeader / AcceptBlockHeader).
#include "bitcoin/chain/header_check.h"

#include <cassert>

#include "bitcoin/consensus/arith_uint256.h"
#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::chain {
namespace {

using consensus::BlockError;
using consensus::BlockValidationError;


}  // namespace

uint32_t GetNextWorkRequired(const BlockIndex& prev, const primitives::BlockHeader& header,
                             const consensus::ConsensusParams& params) {
    const int64_t interval = params.DifficultyAdjustmentInterval();
    const uint32_t limit_bits =
        consensus::TargetToCompact(consensus::ArithUint256::FromUint256(params.pow_limit));
    const int height = prev.height + 1;

    if (height % interval != 0) {
        if (!params.pow_allow_min_difficulty_blocks) return prev.bits;
        // Testnet rule: after twenty minutes without a block, anyone may mine one at the
        // minimum difficulty, so a testnet abandoned by its hash power does not stall.
        if (static_cast<int64_t>(header.time) > prev.Time() + 2 * params.pow_target_spacing)
            return limit_bits;
        // Otherwise the real difficulty: skip back over the min-difficulty blocks, but not past
        // the period's first block, whose bits are the period's difficulty.
        const BlockIndex* p = &prev;
        while (p->prev != nullptr && p->height % interval != 0 && p->bits == limit_bits) p = p->prev;
        return p->bits;
    }

    // A period boundary: scale by how long the period took, timed from its first block to its
    // last, which spans interval - 1 block gaps rather than interval: the original
    // off-by-one, kept because it is consensus.
    const BlockIndex* first = prev.GetAncestor(static_cast<int>(prev.height - (interval - 1)));
    assert(first != nullptr);  // height is a positive multiple of interval
    const consensus::RetargetInput in{.last_bits = prev.bits,
                                      .last_time = prev.Time(),
                                      .first_time = first->Time(),
                                      .first_bits = first->bits};
    return consensus::CalculateNextWorkRequired(in, params);
}

util::Result<void, BlockValidationError> ContextualCheckBlockHeader(
    const primitives::BlockHeader& header, const BlockIndex& prev, int64_t now,
    const consensus::ConsensusParams& params) {
    const int height = prev.height + 1;
    const int64_t time = header.time;

    if (header.bits != GetNextWorkRequired(prev, header, params))
        return util::Fail(consensus::BlockRejection(BlockError::BadDiffBits));

    if (time <= prev.GetMedianTimePast()) return util::Fail(consensus::BlockRejection(BlockError::TimeTooOld));

    if (params.enforce_bip94 && height % params.DifficultyAdjustmentInterval() == 0 &&
        time < prev.Time() - MAX_TIMEWARP) {
        return util::Fail(consensus::BlockRejection(BlockError::TimewarpAttack));
    }

    if (time > now + MAX_FUTURE_BLOCK_TIME) return util::Fail(consensus::BlockRejection(BlockError::TimeTooNew));

    // Buried deployments: once each soft fork was enforced, blocks had to signal it with a
    // higher version, and lower versions stay invalid from those heights on.
    if ((header.version < 2 && height >= params.bip34_height) ||
        (header.version < 3 && height >= params.bip66_height) ||
        (header.version < 4 && height >= params.bip65_height)) {
        return util::Fail(consensus::BlockRejection(BlockError::BadVersion));
    }
    return {};
}

util::Result<BlockIndex*, BlockValidationError> AcceptHeader(BlockTree& tree,
                                                             const primitives::BlockHeader& header,
                                                             int64_t now) {
    const primitives::BlockHash hash = header.ComputeHash();
    if (BlockIndex* known = tree.Lookup(hash)) {
        if (!known->IsFailed()) return known;
        if (auto reason = tree.FailureReason(*known)) return util::Fail(*reason);
        return util::Fail(consensus::BlockRejection(BlockError::BadPrevBlock));
    }

    if (auto pow = consensus::CheckBlockHeader(header, tree.Params()); !pow) return util::Fail(pow.error());

    BlockIndex* prev = tree.Lookup(header.prev_block);
    if (prev == nullptr) return util::Fail(consensus::BlockRejection(BlockError::PrevBlockNotFound));
    if (prev->IsFailed()) return util::Fail(consensus::BlockRejection(BlockError::BadPrevBlock));

    if (auto ctx = ContextualCheckBlockHeader(header, *prev, now, tree.Params()); !ctx)
        return util::Fail(ctx.error());

    BlockIndex* added = tree.AddHeader(header);
    assert(added != nullptr);  // the parent is known
    return added;
}

}  // namespace tonari::bitcoin::chain
