// Consensus limits shared by the context-free checks here and the contextual checks in
// chain/. Each bounds work or memory an attacker could otherwise force on every node.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bitcoin/primitives/transaction.h"

namespace tonari::bitcoin::consensus {

// BIP141 block weight limit (base size * 3 + total size). Bounds the bandwidth, storage and
// validation time one block can demand of every node; without it a miner could stall the
// network with a single huge block.
inline constexpr int64_t MAX_BLOCK_WEIGHT = 4'000'000;

// Largest serialized block (with witness) that can fit in MAX_BLOCK_WEIGHT; decoders of
// network messages use it to refuse oversized block payloads before parsing them.
inline constexpr size_t MAX_BLOCK_SERIALIZED_SIZE = 4'000'000;

// Total signature-operation cost per block (legacy sigops count 4 each). Bounds the ECDSA
// verifications one block can force: a block of nothing but OP_CHECKMULTISIG would otherwise
// take minutes to validate (the "quadratic sigops" DoS).
inline constexpr int64_t MAX_BLOCK_SIGOPS_COST = 80'000;

// Blocks before a coinbase output may be spent: a reorganisation can erase a coinbase, and
// every transaction that had spent it would vanish with it.
inline constexpr int COINBASE_MATURITY = 100;

// A coinbase scriptSig must be 2..100 bytes: at least room for the BIP34 height, and small
// enough that miners cannot use the coinbase to bloat every block with arbitrary data.
inline constexpr size_t MIN_COINBASE_SCRIPT_SIZE = 2;
inline constexpr size_t MAX_COINBASE_SCRIPT_SIZE = 100;

// Weight units per non-witness byte (BIP141), re-exported for consensus code.
inline constexpr int64_t WITNESS_SCALE_FACTOR = primitives::WITNESS_SCALE_FACTOR;

}  // namespace tonari::bitcoin::consensus
