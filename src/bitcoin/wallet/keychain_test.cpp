// Keychain: the BIP84 and BIP86 published vectors (mnemonic "abandon ... about"), coin types
// per network, the script window and reverse lookup, and the rejected origins.
#include <gtest/gtest.h>

#include <iostream>

#include "bitcoin/encoding/address.h"
#include "bitcoin/encoding/wif.h"
#include "bitcoin/wallet/bip39.h"
#include "bitcoin/wallet/keychain.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wallet {
namespace {

using encoding::Network;

Keychain FromMnemonic(std::string_view mnemonic, Network network) {
    const auto seed = MnemonicToSeed(mnemonic, "");
    EXPECT_TRUE(seed.has_value());
    auto kc = Keychain::FromSeed(*seed, network);
    EXPECT_TRUE(kc.has_value());
    return std::move(*kc);
}

KeyOrigin OriginFromPath(OutputType type, const std::string& path) {
    const auto parsed = encoding::ParseDerivationPath(path);
    EXPECT_TRUE(parsed.has_value() && parsed->size() == 5) << path;
    return {type, (*parsed)[3], (*parsed)[4]};
}

TEST(Keychain, Bip84Vectors) {
    const auto json = test::ReadTestJson("bips/bip84_bip86_vectors.json").as_object().at("bip84").as_object();
    const Keychain kc = FromMnemonic(json.at("mnemonic").as_string(), Network::Main);
    EXPECT_EQ(encoding::FormatDerivationPath(kc.AccountPath(OutputType::Bech32)),
              json.at("account_path").as_string());
    size_t cases = 0;
    for (const auto& row : json.at("addresses").as_array()) {
        const auto& v = row.as_object();
        const KeyOrigin origin = OriginFromPath(OutputType::Bech32, std::string(v.at("path").as_string()));
        const auto key = kc.DerivePrivKey(origin);
        ASSERT_TRUE(key.has_value());
        EXPECT_EQ(encoding::EncodeWif(*key, Network::Main), v.at("privkey").as_string());
        const auto pub = kc.DerivePubKey(origin);
        ASSERT_TRUE(pub.has_value());
        EXPECT_EQ(util::HexEncode(pub->bytes()), v.at("pubkey").as_string());
        EXPECT_EQ(key->GetPubKey(kc.context()), *pub);
        EXPECT_EQ(kc.DeriveAddress(origin).value_or(""), v.at("address").as_string());
        ++cases;
    }
    std::cout << "[vectors] bip84_bip86_vectors.json bip84: " << cases << " addresses passed\n";
    EXPECT_EQ(cases, 3u);
    EXPECT_EQ(kc.DeriveAddress({OutputType::Bech32, 0, 0}).value_or(""),
              "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
}

TEST(Keychain, Bip86Vectors) {
    const auto json = test::ReadTestJson("bips/bip84_bip86_vectors.json").as_object().at("bip86").as_object();
    const std::string mnemonic(json.at("mnemonic").as_string());
    const Keychain kc = FromMnemonic(mnemonic, Network::Main);
    const crypto::KeyContext ctx;
    const auto master = encoding::ExtKey::FromSeed(*MnemonicToSeed(mnemonic, ""));
    ASSERT_TRUE(master.has_value());
    EXPECT_EQ(master->Encode(Network::Main), json.at("rootpriv").as_string());
    EXPECT_EQ(master->Neuter(ctx).Encode(Network::Main), json.at("rootpub").as_string());
    EXPECT_EQ(kc.MasterFingerprint(), master->Neuter(ctx).GetFingerprint());

    EXPECT_EQ(encoding::FormatDerivationPath(kc.AccountPath(OutputType::Bech32m)),
              json.at("account_path").as_string());
    EXPECT_EQ(kc.AccountXpub(OutputType::Bech32m).Encode(Network::Main), json.at("account_xpub").as_string());
    const auto account = master->DerivePath(ctx, kc.AccountPath(OutputType::Bech32m));
    ASSERT_TRUE(account.has_value());
    EXPECT_EQ(account->Encode(Network::Main), json.at("account_xprv").as_string());

    size_t cases = 0;
    for (const auto& row : json.at("addresses").as_array()) {
        const auto& v = row.as_object();
        const std::string path(v.at("path").as_string());
        const KeyOrigin origin = OriginFromPath(OutputType::Bech32m, path);
        const auto ext = master->DerivePath(ctx, *encoding::ParseDerivationPath(path));
        ASSERT_TRUE(ext.has_value());
        EXPECT_EQ(ext->Encode(Network::Main), v.at("xprv").as_string());
        EXPECT_EQ(ext->Neuter(ctx).Encode(Network::Main), v.at("xpub").as_string());

        const auto pub = kc.DerivePubKey(origin);
        ASSERT_TRUE(pub.has_value());
        EXPECT_EQ(util::HexEncode(pub->XOnly().bytes()), v.at("internal_key").as_string());
        const auto script = kc.DeriveScript(origin);
        ASSERT_TRUE(script.has_value());
        EXPECT_EQ(util::HexEncode(*script), v.at("scriptPubKey").as_string());
        EXPECT_EQ(util::HexEncode(util::ByteSpan(*script).subspan(2)), v.at("output_key").as_string());
        EXPECT_EQ(kc.DeriveAddress(origin).value_or(""), v.at("address").as_string());
        // The signing key is the untweaked derived key; its BIP86 tweak gives the output key.
        const auto key = kc.DerivePrivKey(origin);
        ASSERT_TRUE(key.has_value());
        EXPECT_EQ(key->bytes(), ext->key.bytes());
        const auto tweaked = key->TapTweak(kc.context(), nullptr);
        ASSERT_TRUE(tweaked.has_value());
        EXPECT_EQ(util::HexEncode(tweaked->GetPubKey(kc.context()).XOnly().bytes()),
                  v.at("output_key").as_string());
        ++cases;
    }
    std::cout << "[vectors] bip84_bip86_vectors.json bip86: " << cases << " addresses passed\n";
    EXPECT_EQ(cases, 3u);
    EXPECT_EQ(kc.DeriveAddress({OutputType::Bech32m, 0, 0}).value_or(""),
              "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr");
}

TEST(Keychain, CoinTypeOneOnTestNetworks) {
    const std::string m =
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    const Keychain main = FromMnemonic(m, Network::Main);
    EXPECT_EQ(main.CoinType(), 0u);
    const auto master = encoding::ExtKey::FromSeed(*MnemonicToSeed(m, ""));
    const crypto::KeyContext ctx;
    for (Network n : {Network::Testnet3, Network::Testnet4, Network::Signet, Network::Regtest}) {
        const Keychain kc = FromMnemonic(m, n);
        EXPECT_EQ(kc.CoinType(), 1u);
        EXPECT_EQ(encoding::FormatDerivationPath(kc.AccountPath(OutputType::Bech32)), "m/84'/1'/0'");
        EXPECT_EQ(encoding::FormatDerivationPath(kc.AccountPath(OutputType::Bech32m)), "m/86'/1'/0'");
        // m/84'/1'/0'/1/7 derived the long way gives the same key and script.
        const auto ext = master->DerivePath(ctx, *encoding::ParseDerivationPath("m/84'/1'/0'/1/7"));
        ASSERT_TRUE(ext.has_value());
        EXPECT_EQ(kc.DerivePubKey({OutputType::Bech32, 1, 7}), ext->Neuter(ctx).pubkey);
        EXPECT_EQ(*kc.DeriveScript({OutputType::Bech32, 1, 7}),
                  Keychain::ScriptForKey(OutputType::Bech32, ext->Neuter(ctx).pubkey));
    }
    const Keychain regtest = FromMnemonic(m, Network::Regtest);
    EXPECT_EQ(regtest.DeriveAddress({OutputType::Bech32, 0, 0}).value_or("").substr(0, 6), "bcrt1q");
    EXPECT_EQ(regtest.DeriveAddress({OutputType::Bech32m, 0, 0}).value_or("").substr(0, 6), "bcrt1p");
    // Same words, different coin type: different keys.
    EXPECT_NE(regtest.DerivePubKey({OutputType::Bech32, 0, 0}),
              main.DerivePubKey({OutputType::Bech32, 0, 0}));
}

TEST(Keychain, WindowMapsScriptsBackToOrigins) {
    Keychain kc = FromMnemonic("legal winner thank year wave sausage worth useful legal winner thank yellow",
                               Network::Regtest);
    const KeyOrigin far{OutputType::Bech32m, INTERNAL_CHAIN, 12};
    const util::Bytes far_script = *kc.DeriveScript(far);
    EXPECT_FALSE(kc.Lookup(far_script).has_value());  // not derived into the window yet
    for (OutputType type : ALL_OUTPUT_TYPES) {
        for (uint32_t chain : {EXTERNAL_CHAIN, INTERNAL_CHAIN}) {
            kc.ExtendTo(type, chain, 10);
            EXPECT_EQ(kc.WindowSize(type, chain), 10u);
        }
    }
    for (OutputType type : ALL_OUTPUT_TYPES) {
        for (uint32_t chain : {EXTERNAL_CHAIN, INTERNAL_CHAIN}) {
            for (uint32_t i = 0; i < 10; ++i) {
                const KeyOrigin origin{type, chain, i};
                const auto found = kc.Lookup(*kc.DeriveScript(origin));
                ASSERT_TRUE(found.has_value());
                EXPECT_EQ(*found, origin);
            }
        }
    }
    EXPECT_FALSE(kc.Lookup(far_script).has_value());
    kc.ExtendTo(far.type, far.chain, 13);
    EXPECT_EQ(kc.Lookup(far_script), far);
    kc.ExtendTo(far.type, far.chain, 5);  // never shrinks
    EXPECT_EQ(kc.WindowSize(far.type, far.chain), 13u);
    // A script of the same shape from another wallet is not ours.
    EXPECT_FALSE(kc.Lookup(util::Bytes(22, 0)).has_value());
    EXPECT_FALSE(kc.Lookup(util::Bytes{}).has_value());
}

TEST(Keychain, RejectsBadOriginsAndSeeds) {
    const Keychain kc = FromMnemonic("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong", Network::Regtest);
    EXPECT_FALSE(kc.DeriveScript({OutputType::Bech32, 2, 0}).has_value());
    EXPECT_FALSE(kc.DerivePrivKey({OutputType::Bech32, 2, 0}).has_value());
    EXPECT_FALSE(kc.DeriveAddress({OutputType::Bech32m, 0, MAX_KEY_INDEX + 1}).has_value());
    EXPECT_TRUE(kc.DeriveAddress({OutputType::Bech32m, 0, MAX_KEY_INDEX}).has_value());
    EXPECT_FALSE(Keychain::FromSeed(util::Bytes(15, 1), Network::Regtest).has_value());
    EXPECT_FALSE(Keychain::FromSeed(util::Bytes(65, 1), Network::Regtest).has_value());
    EXPECT_TRUE(Keychain::FromSeed(util::Bytes(16, 1), Network::Regtest).has_value());
}

TEST(OutputTypeNames, MatchCore) {
    EXPECT_EQ(OutputTypeName(OutputType::Bech32), "bech32");
    EXPECT_EQ(OutputTypeName(OutputType::Bech32m), "bech32m");
    EXPECT_EQ(ParseOutputType("bech32m"), OutputType::Bech32m);
    EXPECT_EQ(ParseOutputType("bech32"), OutputType::Bech32);
    EXPECT_FALSE(ParseOutputType("legacy").has_value());
    EXPECT_FALSE(ParseOutputType("p2sh-segwit").has_value());
    EXPECT_FALSE(ParseOutputType("BECH32").has_value());
}

}  // namespace
}  // namespace tonari::bitcoin::wallet
