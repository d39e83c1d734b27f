// Signature-operation counting for the block sigop-cost limit (BIP141: 80,000 per block, with
// legacy sigops weighted x4 and witness sigops x1). The counts are static: they read scripts
// without executing them, so a block's cost is known before any signature is checked and a
// block stuffed with CHECKSIGs is rejected cheaply.
//
// Parsing stops at the first truncated push; what was counted before it stands (as in Core).
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include "util/bytes.h"

namespace tonari::bitcoin::script {

// Legacy count of one script: OP_CHECKSIG / OP_CHECKSIGVERIFY count 1; OP_CHECKMULTISIG /
// OP_CHECKMULTISIGVERIFY count 20 (MAX_PUBKEYS_PER_MULTISIG), or, when `accurate`, the value n
// of an immediately preceding OP_1..OP_16. Consensus uses accurate=false for scriptSigs and
// scriptPubKeys, and accurate=true for P2SH redeem scripts and witness scripts.
unsigned CountSigOps(util::ByteSpan script, bool accurate);

// BIP16 sigops: the accurate count of the redeem script (the last push of script_sig). Zero
// unless script_pubkey is P2SH and script_sig is push-only (otherwise the spend fails anyway).
unsigned CountP2SHSigOps(util::ByteSpan script_sig, util::ByteSpan script_pubkey);

// BIP141 witness sigops of one input: P2WPKH counts 1; P2WSH counts the accurate count of the
// witness script (the last witness item; 0 if the witness is empty); the same through P2SH
// wrapping (script_pubkey P2SH, script_sig a push-only script whose last push is the witness
// program). Witness versions other than 0 count 0 (tapscript has its own per-input budget).
// The caller applies this only when segwit is active.
unsigned CountWitnessSigOps(util::ByteSpan script_sig, util::ByteSpan script_pubkey,
                            const std::vector<util::Bytes>& witness);

}  // namespace tonari::bitcoin::script
