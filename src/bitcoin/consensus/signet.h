// Signet block solutions (BIP325). On a signet every block must also carry a solution to the
// network's challenge script, placed in the coinbase's witness commitment output as a push of
// SIGNET_HEADER || compact_size(scriptSig) scriptSig || witness stack. The solution is checked
// as the spend of a virtual "to_spend" transaction (whose output is the challenge) by a virtual
// "to_sign" transaction; to_spend commits to the block's version, parent, time and a merkle
// root computed with the solution removed (and not to the nonce, so mining can roll it).
//
// Core's CheckBlock runs CheckSignetBlockSolution right after the proof-of-work check, on
// signet only. Pure functions; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/script_flags.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::consensus {

// Marks the push in the witness commitment output that carries the block solution.
inline constexpr std::array<uint8_t, 4> SIGNET_HEADER = {0xec, 0xc7, 0xda, 0xa2};

// Rules the solution is verified under (Core's choice: the soft forks of 2017, without the
// lock-time opcodes, which a virtual transaction cannot meaningfully use).
inline constexpr script::ScriptFlags SIGNET_SCRIPT_VERIFY_FLAGS =
    script::SCRIPT_VERIFY_P2SH | script::SCRIPT_VERIFY_WITNESS | script::SCRIPT_VERIFY_DERSIG |
    script::SCRIPT_VERIFY_NULLDUMMY;

struct SignetTxs {
    primitives::Tx to_spend;  // one input (null prevout), one output paying the challenge
    primitives::Tx to_sign;   // spends to_spend:0 with the block's solution; output OP_RETURN
};

// Builds the two virtual transactions for `block` under `challenge`. nullopt when the block
// has no transactions, no witness commitment output, or a solution that does not parse
// exactly (truncated or trailing bytes). A commitment without a solution push is allowed and
// gives an empty scriptSig and witness (a challenge such as OP_TRUE needs nothing).
// Only the first push that starts with SIGNET_HEADER and has data after it counts.
std::optional<SignetTxs> CreateSignetTxs(const primitives::Block& block, util::ByteSpan challenge);

// The merkle root to_spend commits to: the block's, with the coinbase's solution replaced by
// an empty one. nullopt under the same conditions as CreateSignetTxs.
std::optional<util::Uint256> SignetMerkleRoot(const primitives::Block& block);

// BadSignetSignature ("bad-signet-blksig") unless to_sign validly spends to_spend under
// SIGNET_SCRIPT_VERIFY_FLAGS; script_error says why when the script ran. Always succeeds on
// networks without signet_blocks, and for the genesis block (it has no solution).
util::Result<void, BlockValidationError> CheckSignetBlockSolution(const primitives::Block& block,
                                                                  const ConsensusParams& params);

}  // namespace tonari::bitcoin::consensus
