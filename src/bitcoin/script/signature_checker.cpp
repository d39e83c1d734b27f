// Signature, lock-time and sequence checks of one transaction input, for the interpreter;
// the signature cache short-cuts the curve arithmetic for signatures seen before.
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/sig_cache.h"
#include "crypto/keys.h"

namespace tonari::bitcoin::script {
namespace {

// BIP65: lock times below this are block heights, at or above it UNIX times.
constexpr int64_t LOCKTIME_THRESHOLD = 500'000'000;
// BIP68/BIP112 sequence fields.
constexpr int64_t SEQUENCE_LOCKTIME_DISABLE_FLAG = int64_t{1} << 31;
constexpr int64_t SEQUENCE_LOCKTIME_TYPE_FLAG = int64_t{1} << 22;
constexpr int64_t SEQUENCE_LOCKTIME_MASK = 0x0000ffff;

constexpr char CACHE_KIND_ECDSA = 'E';
constexpr char CACHE_KIND_SCHNORR = 'S';

}  // namespace

bool SignatureChecker::CheckEcdsaSignature(util::ByteSpan, util::ByteSpan, util::ByteSpan, SigVersion) const {
    return false;
}

ScriptError SignatureChecker::CheckSchnorrSignature(util::ByteSpan, util::ByteSpan, SigVersion,
                                                    const ScriptExecutionData&) const {
    return ScriptError::SCHNORR_SIG;
}

bool SignatureChecker::CheckLockTime(int64_t) const { return false; }
bool SignatureChecker::CheckSequence(int64_t) const { return false; }

TransactionSignatureChecker::TransactionSignatureChecker(const primitives::Tx& tx, size_t input_index,
                                                         primitives::Amount amount, const PrecomputedTxData& txdata,
                                                         SignatureCache* cache, bool store_in_cache)
    : m_tx(tx),
      m_input_index(input_index),
      m_amount(amount),
      m_txdata(txdata),
      m_cache(cache),
      m_store(store_in_cache) {}

bool TransactionSignatureChecker::VerifyEcdsaCached(const util::Uint256& sighash, util::ByteSpan der,
                                                    util::ByteSpan pubkey) const {
    if (m_cache && m_cache->Contains(CACHE_KIND_ECDSA, sighash, pubkey, der)) return true;
    if (!crypto::VerifyEcdsaSerialized(pubkey, sighash, der)) return false;
    if (m_cache && m_store) m_cache->Insert(CACHE_KIND_ECDSA, sighash, pubkey, der);
    return true;
}

bool TransactionSignatureChecker::VerifySchnorrCached(const util::Uint256& sighash, util::ByteSpan sig64,
                                                      util::ByteSpan pubkey) const {
    if (m_cache && m_cache->Contains(CACHE_KIND_SCHNORR, sighash, pubkey, sig64)) return true;
    if (!crypto::VerifySchnorrSerialized(pubkey, sighash.span(), sig64)) return false;
    if (m_cache && m_store) m_cache->Insert(CACHE_KIND_SCHNORR, sighash, pubkey, sig64);
    return true;
}

bool TransactionSignatureChecker::CheckEcdsaSignature(util::ByteSpan sig, util::ByteSpan pubkey,
                                                      util::ByteSpan script_code, SigVersion sigversion) const {
    if (sig.empty() || m_input_index >= m_tx.inputs.size()) return false;
    // The hash type is the last byte, committed to as an unsigned value.
    const int32_t hash_type = sig.back();
    const util::ByteSpan der = sig.first(sig.size() - 1);
    const util::Uint256 sighash =
        sigversion == SigVersion::WITNESS_V0
            ? SegwitV0SignatureHash(script_code, m_tx, m_input_index, hash_type, m_amount, m_txdata)
            : LegacySignatureHash(script_code, m_tx, m_input_index, hash_type);
    return VerifyEcdsaCached(sighash, der, pubkey);
}

ScriptError TransactionSignatureChecker::CheckSchnorrSignature(util::ByteSpan sig, util::ByteSpan pubkey,
                                                               SigVersion sigversion,
                                                               const ScriptExecutionData& execdata) const {
    if (sig.size() != 64 && sig.size() != 65) return ScriptError::SCHNORR_SIG_SIZE;
    uint8_t hash_type = SIGHASH_DEFAULT;
    if (sig.size() == 65) {
        hash_type = sig[64];
        // An explicit 0x00 would be a second encoding of the default: malleability.
        if (hash_type == SIGHASH_DEFAULT) return ScriptError::SCHNORR_SIG_HASHTYPE;
        sig = sig.first(64);
    }
    if (m_input_index >= m_tx.inputs.size()) return ScriptError::SCHNORR_SIG;
    TaprootSighashExtra extra = execdata.sighash;
    if (sigversion == SigVersion::TAPROOT) {
        // Key path: the message has no script-path extension.
        extra.tapleaf_hash.reset();
        extra.codeseparator_pos = 0xffffffff;
    }
    const auto sighash = TaprootSignatureHash(m_tx, m_input_index, hash_type, m_txdata, extra);
    if (!sighash) return ScriptError::SCHNORR_SIG_HASHTYPE;
    if (!VerifySchnorrCached(*sighash, sig, pubkey)) return ScriptError::SCHNORR_SIG;
    return ScriptError::OK;
}

bool TransactionSignatureChecker::CheckLockTime(int64_t locktime) const {
    const auto tx_locktime = static_cast<int64_t>(m_tx.locktime);
    // Heights compare with heights and times with times, never across.
    if ((tx_locktime < LOCKTIME_THRESHOLD) != (locktime < LOCKTIME_THRESHOLD)) return false;
    if (locktime > tx_locktime) return false;
    // A final input disables the transaction's lock time, which would bypass the check.
    if (m_tx.inputs[m_input_index].sequence == primitives::TxIn::SEQUENCE_FINAL) return false;
    return true;
}

bool TransactionSignatureChecker::CheckSequence(int64_t sequence) const {
    const auto tx_sequence = static_cast<int64_t>(m_tx.inputs[m_input_index].sequence);
    // Relative lock times (BIP68) exist only from version 2 on.
    if (m_tx.version < 2) return false;
    if ((tx_sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) != 0) return false;
    const int64_t mask = SEQUENCE_LOCKTIME_TYPE_FLAG | SEQUENCE_LOCKTIME_MASK;
    const int64_t tx_masked = tx_sequence & mask;
    const int64_t wanted = sequence & mask;
    if ((tx_masked < SEQUENCE_LOCKTIME_TYPE_FLAG) != (wanted < SEQUENCE_LOCKTIME_TYPE_FLAG)) return false;
    return wanted <= tx_masked;
}

}  // namespace tonari::bitcoin::script
