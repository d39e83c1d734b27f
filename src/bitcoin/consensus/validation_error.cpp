// Reject reason strings, identical to Bitcoin Core's.
#include "bitcoin/consensus/validation_error.h"

namespace tonari::bitcoin::consensus {

std::string_view ReasonString(TxError e) {
    switch (e) {
        case TxError::VinEmpty:
            return "bad-txns-vin-empty";
        case TxError::VoutEmpty:
            return "bad-txns-vout-empty";
        case TxError::Oversize:
            return "bad-txns-oversize";
        case TxError::VoutNegative:
            return "bad-txns-vout-negative";
        case TxError::VoutTooLarge:
            return "bad-txns-vout-toolarge";
        case TxError::TxoutTotalTooLarge:
            return "bad-txns-txouttotal-toolarge";
        case TxError::InputsDuplicate:
            return "bad-txns-inputs-duplicate";
        case TxError::CoinbaseLength:
            return "bad-cb-length";
        case TxError::PrevoutNull:
            return "bad-txns-prevout-null";
        case TxError::InputsMissingOrSpent:
            return "bad-txns-inputs-missingorspent";
        case TxError::PrematureCoinbaseSpend:
            return "bad-txns-premature-spend-of-coinbase";
        case TxError::InputValuesOutOfRange:
            return "bad-txns-inputvalues-outofrange";
        case TxError::InBelowOut:
            return "bad-txns-in-belowout";
        case TxError::FeeOutOfRange:
            return "bad-txns-fee-outofrange";
        case TxError::NonFinal:
            return "bad-txns-nonfinal";
    }
    return "unknown-tx-error";
}

std::string_view ReasonString(BlockError e) {
    switch (e) {
        case BlockError::HighHash:
            return "high-hash";
        case BlockError::BadMerkleRoot:
            return "bad-txnmrklroot";
        case BlockError::DuplicateTx:
            return "bad-txns-duplicate";
        case BlockError::BadLength:
            return "bad-blk-length";
        case BlockError::CoinbaseMissing:
            return "bad-cb-missing";
        case BlockError::CoinbaseMultiple:
            return "bad-cb-multiple";
        case BlockError::BadTransaction:
            return "bad-txns";
        case BlockError::TooManySigops:
            return "bad-blk-sigops";
        case BlockError::BadDiffBits:
            return "bad-diffbits";
        case BlockError::TimeTooOld:
            return "time-too-old";
        case BlockError::TimeTooNew:
            return "time-too-new";
        case BlockError::TimewarpAttack:
            return "time-timewarp-attack";
        case BlockError::BadVersion:
            return "bad-version";
        case BlockError::BadCoinbaseHeight:
            return "bad-cb-height";
        case BlockError::NonFinalTx:
            return "bad-txns-nonfinal";
        case BlockError::BadWitnessNonceSize:
            return "bad-witness-nonce-size";
        case BlockError::BadWitnessMerkleMatch:
            return "bad-witness-merkle-match";
        case BlockError::UnexpectedWitness:
            return "unexpected-witness";
        case BlockError::BadWeight:
            return "bad-blk-weight";
        case BlockError::BadSignetSignature:
            return "bad-signet-blksig";
        case BlockError::Bip30:
            return "bad-txns-BIP30";
        case BlockError::BadCoinbaseAmount:
            return "bad-cb-amount";
        case BlockError::AccumulatedFeeOutOfRange:
            return "bad-txns-accumulated-fee-outofrange";
        case BlockError::PrevBlockNotFound:
            return "prev-blk-not-found";
        case BlockError::BadPrevBlock:
            return "bad-prevblk";
        case BlockError::ScriptVerifyFailed:
            return "mandatory-script-verify-flag-failed";
        case BlockError::NonBip68FinalTx:
            return "bad-txns-nonfinal";
    }
    return "unknown-block-error";
}

std::string_view ReasonString(const BlockValidationError& e) {
    if (e.reason == BlockError::BadTransaction) return ReasonString(e.tx_error);
    return ReasonString(e.reason);
}

bool IsMutation(BlockError e) {
    switch (e) {
        case BlockError::BadMerkleRoot:
        case BlockError::DuplicateTx:
        case BlockError::BadWitnessNonceSize:
        case BlockError::BadWitnessMerkleMatch:
        case BlockError::UnexpectedWitness:
            return true;
        default:
            return false;
    }
}

}  // namespace tonari::bitcoin::consensus
