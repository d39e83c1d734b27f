// Proof of work: the compact "nBits" target encoding, the hash-meets-target check, the work a
// block proves, and the difficulty retarget formula. Pure functions over values.
//
// The compact format is a base-256 floating point number: exponent in the top byte, a 23-bit
// mantissa and a sign bit (a legacy of OpenSSL's bignum format). Some encodings are negative
// or overflow 256 bits; they are reported, not rejected, here, because the callers decide:
// CheckProofOfWork treats them as invalid, GetBlockProof as zero work.
#pragma once

#include <cstdint>
#include <optional>

#include "bitcoin/consensus/arith_uint256.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/primitives/ids.h"

namespace tonari::bitcoin::consensus {

struct CompactTarget {
    ArithUint256 target;
    bool negative = false;  // sign bit set on a non-zero mantissa
    bool overflow = false;  // the value does not fit in 256 bits (target is then meaningless)
};

// Decodes nBits exactly as Bitcoin Core's arith_uint256::SetCompact.
CompactTarget CompactToTarget(uint32_t bits);

// Encodes a target in the shortest compact form (Core's GetCompact); `negative` sets the sign
// bit when the mantissa is non-zero. Precision beyond 23 bits is truncated.
uint32_t TargetToCompact(const ArithUint256& target, bool negative = false);

// The target nBits stands for, or nullopt when it is negative, zero, overflows, or is easier
// than the network's pow_limit.
std::optional<ArithUint256> DeriveTarget(uint32_t bits, const util::Uint256& pow_limit);

// True when nBits is a valid target for the network and the hash, read as a number, is at or
// below it. Does not check that nBits is the *required* difficulty (contextual, in chain/).
bool CheckProofOfWork(const primitives::BlockHash& hash, uint32_t bits, const ConsensusParams& params);

// Expected number of hashes to find a block at this target: 2^256 / (target + 1). Zero for
// invalid encodings. Chain work is the sum of this over a chain.
ArithUint256 GetBlockProof(uint32_t bits);

// Inputs of a difficulty retarget at the end of a period.
struct RetargetInput {
    uint32_t last_bits = 0;   // nBits of the period's last block
    int64_t last_time = 0;    // timestamp of the period's last block
    int64_t first_time = 0;   // timestamp of the period's first block
    uint32_t first_bits = 0;  // nBits of the period's first block (used under BIP94)
};

// Core's CalculateNextWorkRequired: scales the target by the period's actual duration clamped
// to [timespan/4, timespan*4], capped at pow_limit. Under BIP94 the base is the first block's
// target, so testnet4's min-difficulty exception blocks cannot drag the difficulty down.
// Returns last_bits unchanged when the network does not retarget (regtest).
uint32_t CalculateNextWorkRequired(const RetargetInput& in, const ConsensusParams& params);

}  // namespace tonari::bitcoin::consensus
