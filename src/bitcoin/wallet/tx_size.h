// Sizes and fees the wallet plans with before a transaction is signed: the weight of each
// input type it spends (with signatures of their largest size), the fee for a size at a
// FeeRate, and the dust threshold of an output.
//
// FeeFor and DustThreshold follow FeeRate::GetFee and policy::GetDustThreshold's documented
// contracts (fee rounded up; dust = the fee, at the dust relay rate of 3 sat/vB, of the output
// plus the input that would later spend it: 546 sat for P2PKH, 294 for P2WPKH, 330 for P2TR).
// They are computed here so the wallet does not depend on the policy library's behaviour.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wallet/output_type.h"
#include "util/bytes.h"

namespace tonari::bitcoin::wallet {

// Bytes of an input without its witness: prevout (36) + empty scriptSig length (1) + nSequence.
inline constexpr int64_t INPUT_BASE_SIZE = 32 + 4 + 1 + 4;
// P2WPKH witness: item count, <72-byte signature incl. hash type> (the largest a DER ECDSA
// signature with the sighash byte can be), <33-byte key>, each with a length byte.
inline constexpr int64_t P2WPKH_WITNESS_SIZE = 1 + 1 + 72 + 1 + 33;
// P2TR key path witness: item count and one 64-byte BIP340 signature (SIGHASH_DEFAULT).
inline constexpr int64_t P2TR_KEYPATH_WITNESS_SIZE = 1 + 1 + 64;
// Largest ECDSA signature pushed (DER up to 71 bytes + the hash type), and Schnorr's size.
inline constexpr size_t DUMMY_ECDSA_SIG_SIZE = 72;
inline constexpr size_t SCHNORR_SIG_SIZE = 64;

// Weight units an input of this type adds (272 for P2WPKH, 230 for P2TR key path).
constexpr int64_t InputWeight(OutputType type) {
    return INPUT_BASE_SIZE * primitives::WITNESS_SCALE_FACTOR +
           (type == OutputType::Bech32 ? P2WPKH_WITNESS_SIZE : P2TR_KEYPATH_WITNESS_SIZE);
}
// Virtual bytes of an input, rounded up: 68 for P2WPKH, 58 for P2TR (57.5).
constexpr int64_t InputVsize(OutputType type) {
    return (InputWeight(type) + primitives::WITNESS_SCALE_FACTOR - 1) / primitives::WITNESS_SCALE_FACTOR;
}

// Serialized size of an output: value (8) + CompactSize script length + script.
int64_t OutputSize(util::ByteSpan script_pubkey);

// Fee for `vsize` vbytes at `rate`, rounded up (never 0 for a positive rate and size).
primitives::Amount FeeFor(policy::FeeRate rate, int64_t vsize);

// Core's default -dustrelayfee: 3 sat/vB.
inline constexpr primitives::Amount DUST_RELAY_FEE_SAT_PER_KVB = 3000;

// Smallest non-dust value for this output at the default dust relay fee; 0 for provably
// unspendable outputs.
primitives::Amount DustThreshold(const primitives::TxOut& out);
inline bool IsDust(const primitives::TxOut& out) {
    return out.value < DustThreshold(out);
}

}  // namespace tonari::bitcoin::wallet
