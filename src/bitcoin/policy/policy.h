// Relay policy: which transactions a node accepts into its memory pool and passes on, beyond
// what consensus allows in a block. Bitcoin Core's policy/policy.h rules and reject reasons
// (the strings RPC callers and peers see), so a transaction Tonari refuses is one Core
// refuses, for the same stated reason.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/script_flags.h"
#include "util/result.h"

namespace tonari::bitcoin::policy {

// Largest transaction weight relayed. Bigger ones could crowd out a block's worth of
// others and make validation of a single transaction expensive (quadratic-hashing style
// denial of service on legacy inputs).
inline constexpr int64_t MAX_STANDARD_TX_WEIGHT = 400'000;
// Smallest serialized size without witness: 64-byte transactions can be confused with inner
// merkle tree nodes (the merkle-tree second-preimage weakness, CVE-2017-12842).
inline constexpr size_t MIN_STANDARD_TX_NONWITNESS_SIZE = 65;
// Largest scriptSig: enough for a 15-of-15 P2SH multisig with compressed keys; larger ones
// only serve to make nodes hash and store junk.
inline constexpr size_t MAX_STANDARD_SCRIPTSIG_SIZE = 1650;
// Most sigops a P2SH redeem script may have (each costs an expensive verification).
inline constexpr unsigned MAX_P2SH_SIGOPS = 15;
// Most sigop cost one transaction may have: a fifth of a block's, so one transaction cannot
// fill a block's sigop budget and starve the others.
inline constexpr int64_t MAX_STANDARD_TX_SIGOPS_COST = 16'000;
// Witness limits for P2WSH spends (stack items, item size, witness script size) and for
// tapscript stack items: caps on what a relayed spend makes every node hash and keep.
inline constexpr size_t MAX_STANDARD_P2WSH_STACK_ITEMS = 100;
inline constexpr size_t MAX_STANDARD_P2WSH_STACK_ITEM_SIZE = 80;
inline constexpr size_t MAX_STANDARD_P2WSH_SCRIPT_SIZE = 3600;
inline constexpr size_t MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE = 80;
// Bytes of OP_RETURN output scripts, all of a transaction's together, relayed by default
// (Core 30's -datacarriersize, MAX_OP_RETURN_RELAY): as much as a standard transaction can
// hold, since data kept out of OP_RETURN goes into outputs every node must keep forever.
inline constexpr size_t DEFAULT_MAX_DATACARRIER_BYTES = 100'000;
// Fee rate below which an output is dust: worth less than the fee to spend it.
inline constexpr primitives::Amount DUST_RELAY_TX_FEE = 3000;  // sat per 1000 vbytes
// Least fee rate relayed by default: 0.1 sat/vB (Core 30). Relaying for free lets anyone flood
// the network at no cost.
inline constexpr primitives::Amount DEFAULT_MIN_RELAY_TX_FEE = 100;  // sat per 1000 vbytes
// Least fee rate a block template takes by default (Core 30's -blockmintxfee): 0.001 sat/vB.
inline constexpr primitives::Amount DEFAULT_BLOCK_MIN_TX_FEE = 1;  // sat per 1000 vbytes
// Weight units one sigop counts as when sizing a transaction for fees (Core's
// -bytespersigop): a sigop-heavy transaction pays as if it were that big.
inline constexpr int64_t DEFAULT_BYTES_PER_SIGOP = 20;
// Transaction versions relayed. Version 3 (TRUC, BIP431) carries extra package rules this
// node does not implement, so it is refused as non-standard rather than half-handled.
inline constexpr uint32_t TX_MIN_STANDARD_VERSION = 1;
inline constexpr uint32_t TX_MAX_STANDARD_VERSION = 2;

// Script checks for relay: every consensus rule plus the policy-only ones (low S, clean
// stack, minimal pushes, no upgradable NOPs or witness versions, ...).
inline constexpr script::ScriptFlags STANDARD_SCRIPT_FLAGS = script::STANDARD_SCRIPT_VERIFY_FLAGS;

struct PolicyOptions {
    bool permit_bare_multisig = true;                        // Core's -permitbaremultisig
    bool accept_datacarrier = true;                          // Core's -datacarrier
    size_t max_datacarrier_bytes = DEFAULT_MAX_DATACARRIER_BYTES;  // Core's -datacarriersize (all outputs)
    FeeRate dust_relay_fee{DUST_RELAY_TX_FEE};               // Core's -dustrelayfee
};

// A refusal, with Core's reject reason ("version", "tx-size", "scriptpubkey", "dust", ...)
// and a detail for logs and RPC debug messages: empty for CheckStandardTx (Core gives none);
// for the input and witness checks it names the offending input, in the form of Core's newer
// debug messages ("p2sh redeemscript sigops exceed limit (input 0: 16 > 15)").
struct PolicyError {
    std::string reason;
    std::string detail;
};

// The smallest value of `out` that is not dust at `dust_relay_fee`: three times the fee (at
// that rate) of the output plus the input that would spend it (witness inputs discounted).
// Unspendable outputs (OP_RETURN, oversized scripts) have threshold 0.
primitives::Amount GetDustThreshold(const primitives::TxOut& out, FeeRate dust_relay_fee);
bool IsDust(const primitives::TxOut& out, FeeRate dust_relay_fee);

// Whether an output script is of a standard type (P2PK, P2PKH, P2SH, multisig up to 3 keys,
// null data, witness v0 keyhash/scripthash, v1 taproot, other witness versions/anchors);
// multisig needs 1 <= m <= n <= 3. Null data is standard only within max_datacarrier_bytes
// and when accepted at all.
bool IsStandardScriptPubKey(util::ByteSpan script_pubkey);

// Core's IsStandardTx: version, weight, per-input scriptSig size and push-only, per-output
// script type (reason "scriptpubkey", "bare-multisig"), dust ("dust"), at most one
// OP_RETURN output ("multi-op-return").
util::Result<void, PolicyError> CheckStandardTx(const primitives::Tx& tx, const PolicyOptions& options);

// Core's AreInputsStandard: each spent output script of a standard type (not NONSTANDARD, not
// an unknown witness version), and P2SH redeem scripts with at most MAX_P2SH_SIGOPS sigops.
// `spent[i]` is the output input i spends; a `spent` of the wrong length is refused (with this
// reason) rather than read out of bounds. A coinbase passes. Reason
// "bad-txns-nonstandard-inputs".
util::Result<void, PolicyError> CheckInputsStandard(const primitives::Tx& tx,
                                                    std::span<const primitives::TxOut> spent);

// Core's IsWitnessStandard: witness stacks within the P2WSH/tapscript limits, no witness
// on non-witness or pay-to-anchor spends, no annex. P2SH-wrapped programs are unwrapped first.
// `spent` as for CheckInputsStandard. Reason "bad-witness-nonstandard".
util::Result<void, PolicyError> CheckWitnessStandard(const primitives::Tx& tx,
                                                     std::span<const primitives::TxOut> spent);

// Size for fee purposes: max(weight, sigop_cost * bytes_per_sigop), in vbytes (rounded up).
int64_t GetVirtualTransactionSize(int64_t weight, int64_t sigop_cost,
                                  int64_t bytes_per_sigop = DEFAULT_BYTES_PER_SIGOP);

}  // namespace tonari::bitcoin::policy
