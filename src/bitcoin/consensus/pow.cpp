// Compact target encoding, proof-of-work check, block proof and retargeting.
#include "bitcoin/consensus/pow.h"

#include <cassert>

namespace tonari::bitcoin::consensus {

CompactTarget CompactToTarget(uint32_t bits) {
    CompactTarget out;
    const unsigned size = bits >> 24;
    uint32_t word = bits & 0x007fffff;
    if (size <= 3) {
        word >>= 8 * (3 - size);
        out.target = ArithUint256(word);
    } else {
        out.target = ArithUint256(word) << (8 * (size - 3));
    }
    out.negative = word != 0 && (bits & 0x00800000) != 0;
    // The mantissa's top non-zero byte would land at or beyond byte 32.
    out.overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    return out;
}

uint32_t TargetToCompact(const ArithUint256& target, bool negative) {
    unsigned size = static_cast<unsigned>(target.Bits() + 7) / 8;
    uint32_t compact = 0;
    if (size <= 3) {
        compact = static_cast<uint32_t>(target.Low64() << (8 * (3 - size)));
    } else {
        compact = static_cast<uint32_t>((target >> (8 * (size - 3))).Low64());
    }
    // The mantissa's top bit is the sign bit: move one byte into the exponent instead.
    if (compact & 0x00800000) {
        compact >>= 8;
        ++size;
    }
    assert((compact & ~0x007fffffU) == 0);
    assert(size < 256);
    compact |= size << 24;
    if (negative && (compact & 0x007fffff) != 0) compact |= 0x00800000;
    return compact;
}

std::optional<ArithUint256> DeriveTarget(uint32_t bits, const util::Uint256& pow_limit) {
    const CompactTarget t = CompactToTarget(bits);
    if (t.negative || t.overflow || t.target.IsZero()) return std::nullopt;
    if (t.target > ArithUint256::FromUint256(pow_limit)) return std::nullopt;
    return t.target;
}

bool CheckProofOfWork(const primitives::BlockHash& hash, uint32_t bits, const ConsensusParams& params) {
    const auto target = DeriveTarget(bits, params.pow_limit);
    if (!target) return false;
    return ArithUint256::FromUint256(hash.get()) <= *target;
}

ArithUint256 GetBlockProof(uint32_t bits) {
    const CompactTarget t = CompactToTarget(bits);
    if (t.negative || t.overflow || t.target.IsZero()) return ArithUint256();
    // 2^256 does not fit, but 2^256 / (t+1) == (2^256 - t - 1) / (t+1) + 1 == ~t / (t+1) + 1.
    return ~t.target / (t.target + ArithUint256(1)) + ArithUint256(1);
}

uint32_t CalculateNextWorkRequired(const RetargetInput& in, const ConsensusParams& params) {
    if (params.pow_no_retargeting) return in.last_bits;
    int64_t actual = in.last_time - in.first_time;
    if (actual < params.pow_target_timespan / 4) actual = params.pow_target_timespan / 4;
    if (actual > params.pow_target_timespan * 4) actual = params.pow_target_timespan * 4;

    ArithUint256 target = CompactToTarget(params.enforce_bip94 ? in.first_bits : in.last_bits).target;
    // Wraps modulo 2^256 like the original; on the networks that retarget the target is at
    // most 2^224 and the factor below 2^23, so nothing wraps in practice.
    target *= static_cast<uint64_t>(actual);
    target /= ArithUint256(static_cast<uint64_t>(params.pow_target_timespan));
    const ArithUint256 limit = ArithUint256::FromUint256(params.pow_limit);
    if (target > limit) target = limit;
    return TargetToCompact(target);
}

}  // namespace tonari::bitcoin::consensus
