// P2WPKH and P2TR key-path signing (see tx_signer.h).
#include "bitcoin/wallet/tx_signer.h"

#include <vector>

#include "bitcoin/script/sighash.h"
#include "crypto/random.h"

namespace tonari::bitcoin::wallet {
namespace {

WalletError SignError(std::string message) {
    return WalletError::Make(WalletErrorCode::SigningFailed, std::move(message));
}

// BIP143's scriptCode for P2WPKH: the P2PKH script of the key hash.
util::Bytes P2wpkhScriptCode(const util::Uint160& key_hash) {
    util::Bytes code = {0x76, 0xa9, 0x14};
    util::Append(code, key_hash.span());
    code.push_back(0x88);
    code.push_back(0xac);
    return code;
}

}  // namespace

util::Result<void, WalletError> SignTransaction(primitives::Tx& tx, std::span<const primitives::TxOut> spent,
                                                const Keychain& keychain) {
    if (spent.size() != tx.inputs.size())
        return util::Fail(SignError("Spent outputs do not match the inputs"));
    script::PrecomputedTxData txdata;
    txdata.Init(tx, std::vector<primitives::TxOut>(spent.begin(), spent.end()), /*force=*/true);
    const crypto::KeyContext& ctx = keychain.context();

    for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const auto origin = keychain.Lookup(spent[i].script_pubkey);
        if (!origin)
            return util::Fail(
                SignError("Input " + std::to_string(i) + " spends a script this wallet has no key for"));
        const auto key = keychain.DerivePrivKey(*origin);
        if (!key) return util::Fail(SignError("Cannot derive the key of input " + std::to_string(i)));
        auto& witness = tx.inputs[i].witness;
        if (origin->type == OutputType::Bech32) {
            const crypto::PubKey pubkey = key->GetPubKey(ctx);
            const util::Bytes script_code = P2wpkhScriptCode(pubkey.GetId());
            const util::Uint256 sighash = script::SegwitV0SignatureHash(
                script_code, tx, i, script::SIGHASH_ALL, spent[i].value, txdata);
            util::Bytes sig = key->SignEcdsa(ctx, sighash);
            sig.push_back(script::SIGHASH_ALL);
            witness = {std::move(sig), util::Bytes(pubkey.bytes().begin(), pubkey.bytes().end())};
        } else {
            const auto sighash = script::TaprootSignatureHash(tx, i, script::SIGHASH_DEFAULT, txdata);
            if (!sighash)
                return util::Fail(
                    SignError("Cannot compute the taproot sighash of input " + std::to_string(i)));
            const auto tweaked = key->TapTweak(ctx, nullptr);
            if (!tweaked) return util::Fail(SignError("Cannot tweak the key of input " + std::to_string(i)));
            const auto sig = tweaked->SignSchnorr(ctx, *sighash, crypto::RandomUint256());
            witness = {util::Bytes(sig.begin(), sig.end())};
        }
        tx.inputs[i].script_sig.clear();
    }
    return {};
}

}  // namespace tonari::bitcoin::wallet
