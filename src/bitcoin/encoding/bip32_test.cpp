// BIP32: the BIP's derivation vectors 1-4 (private and public derivation, serialization both
// ways), vector 5's invalid keys, and derivation-path parsing.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "bitcoin/encoding/base58.h"
#include "bitcoin/encoding/bip32.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::encoding {
namespace {

using util::Bytes;

TEST(Bip32, BipDerivationVectors) {
    const crypto::KeyContext ctx;
    const auto json = test::ReadTestJson("bips/bip32_test_vectors.json").as_object();
    size_t derivations = 0;
    size_t public_checks = 0;
    for (const auto& vec : json.at("vectors").as_array()) {
        const auto& v = vec.as_object();
        if (!v.contains("chains")) continue;
        const Bytes seed = test::ParseHexOrFail(v.at("seed").as_string());
        const auto master = ExtKey::FromSeed(seed);
        ASSERT_TRUE(master.has_value());
        for (const auto& chain : v.at("chains").as_array()) {
            const auto& c = chain.as_object();
            const std::string path_text(c.at("path").as_string());
            const std::string want_prv(c.at("ext_prv").as_string());
            const std::string want_pub(c.at("ext_pub").as_string());
            const auto path = ParseDerivationPath(path_text);
            ASSERT_TRUE(path.has_value()) << path_text;
            EXPECT_EQ(FormatDerivationPath(*path), path_text);

            const auto key = master->DerivePath(ctx, *path);
            ASSERT_TRUE(key.has_value()) << path_text;
            EXPECT_EQ(key->Encode(Network::Main), want_prv) << path_text;
            const ExtPubKey pub = key->Neuter(ctx);
            EXPECT_EQ(pub.Encode(Network::Main), want_pub) << path_text;
            EXPECT_EQ(key->depth, path->size());

            // Both strings decode back to the same key.
            const auto prv_back = ExtKey::Decode(want_prv, Network::Main);
            ASSERT_TRUE(prv_back.has_value()) << Bip32ErrorName(prv_back.error());
            EXPECT_EQ(prv_back->key.bytes(), key->key.bytes());
            EXPECT_EQ(prv_back->chain_code, key->chain_code);
            EXPECT_EQ(prv_back->Encode(Network::Main), want_prv);
            const auto pub_back = ExtPubKey::Decode(want_pub, Network::Main);
            ASSERT_TRUE(pub_back.has_value()) << Bip32ErrorName(pub_back.error());
            EXPECT_EQ(*pub_back, pub);
            // Mainnet strings are not keys on the test networks, and the kinds don't mix.
            EXPECT_EQ(ExtKey::Decode(want_prv, Network::Testnet4).error(), Bip32Error::UnknownVersion);
            EXPECT_EQ(ExtPubKey::Decode(want_prv, Network::Main).error(), Bip32Error::WrongKeyType);
            EXPECT_EQ(ExtKey::Decode(want_pub, Network::Main).error(), Bip32Error::WrongKeyType);

            // Test-network serialization round-trips (tprv/tpub).
            const std::string tprv = key->Encode(Network::Signet);
            EXPECT_EQ(tprv.substr(0, 4), "tprv");
            EXPECT_EQ(pub.Encode(Network::Regtest).substr(0, 4), "tpub");
            const auto t = ExtKey::Decode(tprv, Network::Testnet3);
            ASSERT_TRUE(t.has_value());
            EXPECT_EQ(t->Encode(Network::Main), want_prv);

            // Public derivation agrees wherever the path allows it: from the parent's xpub
            // when the last step is not hardened.
            if (!path->empty() && path->back() < BIP32_HARDENED) {
                const std::vector<uint32_t> parent_path(path->begin(), path->end() - 1);
                const auto parent = master->DerivePath(ctx, parent_path);
                ASSERT_TRUE(parent.has_value());
                const auto child_pub = parent->Neuter(ctx).Derive(path->back());
                ASSERT_TRUE(child_pub.has_value());
                EXPECT_EQ(child_pub->Encode(Network::Main), want_pub) << path_text;
                ++public_checks;
            }
            ++derivations;
        }
    }
    std::cout << "[vectors] bip32_test_vectors.json: " << derivations << " derivations passed ("
              << public_checks << " also by public derivation)\n";
    EXPECT_EQ(derivations, 17u);
    EXPECT_EQ(public_checks, 6u);
}

TEST(Bip32, BipInvalidKeys) {
    const auto json = test::ReadTestJson("bips/bip32_test_vectors.json").as_object();
    // The BIP's reason -> what the decoder for the key's own kind must report.
    const std::map<std::string, Bip32Error> expected = {
        {"pubkey version / prvkey mismatch", Bip32Error::InvalidKeyPrefix},
        {"prvkey version / pubkey mismatch", Bip32Error::InvalidKeyPrefix},
        {"invalid pubkey prefix 04", Bip32Error::InvalidKeyPrefix},
        {"invalid prvkey prefix 04", Bip32Error::InvalidKeyPrefix},
        {"invalid pubkey prefix 01", Bip32Error::InvalidKeyPrefix},
        {"invalid prvkey prefix 01", Bip32Error::InvalidKeyPrefix},
        {"zero depth with non-zero parent fingerprint", Bip32Error::ZeroDepthWithParent},
        {"zero depth with non-zero index", Bip32Error::ZeroDepthWithIndex},
        {"unknown extended key version", Bip32Error::UnknownVersion},
        {"private key 0 not in 1..n-1", Bip32Error::InvalidKey},
        {"private key n not in 1..n-1", Bip32Error::InvalidKey},
        {"invalid pubkey 020000000000000000000000000000000000000000000000000000000000000007",
         Bip32Error::InvalidKey},
        {"invalid checksum", Bip32Error::BadChecksum},
    };
    size_t cases = 0;
    for (const auto& vec : json.at("vectors").as_array()) {
        const auto& v = vec.as_object();
        if (!v.contains("invalid_keys")) continue;
        for (const auto& item : v.at("invalid_keys").as_array()) {
            const std::string key(item.as_object().at("key").as_string());
            const std::string reason(item.as_object().at("reason").as_string());
            // Rejected by both decoders on every network.
            for (Network n : ALL_NETWORKS) {
                EXPECT_FALSE(ExtKey::Decode(key, n).has_value()) << key;
                EXPECT_FALSE(ExtPubKey::Decode(key, n).has_value()) << key;
            }
            const auto it = expected.find(reason);
            ASSERT_NE(it, expected.end()) << "unmapped reason: " << reason;
            const bool is_prv = key.substr(0, 4) == "xprv";
            const bool is_pub = key.substr(0, 4) == "xpub";
            if (is_prv) {
                EXPECT_EQ(ExtKey::Decode(key, Network::Main).error(), it->second) << reason;
            }
            if (is_pub) {
                EXPECT_EQ(ExtPubKey::Decode(key, Network::Main).error(), it->second) << reason;
            }
            if (!is_prv && !is_pub) {
                EXPECT_EQ(ExtKey::Decode(key, Network::Main).error(), it->second) << reason;
                EXPECT_EQ(ExtPubKey::Decode(key, Network::Main).error(), it->second) << reason;
            }
            ++cases;
        }
    }
    std::cout << "[vectors] bip32_test_vectors.json invalid keys: " << cases << " cases passed\n";
    EXPECT_EQ(cases, 16u);
}

TEST(Bip32, DecodeRejectsMalformedPayloads) {
    // Take a valid xprv payload and break it one way at a time.
    const auto master = ExtKey::FromSeed(*util::HexDecode("000102030405060708090a0b0c0d0e0f"));
    ASSERT_TRUE(master.has_value());
    const std::string xprv = master->Encode(Network::Main);
    const Bytes good = DecodeBase58Check(xprv, 78).value();
    ASSERT_EQ(good.size(), 78u);

    Bytes shorter(good.begin(), good.end() - 1);
    EXPECT_EQ(ExtKey::Decode(EncodeBase58Check(shorter), Network::Main).error(), Bip32Error::WrongLength);
    Bytes longer = good;
    longer.push_back(0);
    EXPECT_EQ(ExtKey::Decode(EncodeBase58Check(longer), Network::Main).error(), Bip32Error::WrongLength);
    EXPECT_EQ(ExtKey::Decode("", Network::Main).error(), Bip32Error::WrongLength);
    EXPECT_EQ(ExtKey::Decode(xprv + "0", Network::Main).error(), Bip32Error::InvalidEncoding);
    EXPECT_EQ(ExtKey::Decode(std::string(1 << 20, 'z'), Network::Main).error(), Bip32Error::WrongLength);
    EXPECT_EQ(ExtPubKey::Decode(std::string(1 << 20, '1'), Network::Main).error(), Bip32Error::WrongLength);

    // A child at depth 1 may have any fingerprint and index; depth 0 may not.
    Bytes child = good;
    child[4] = 1;
    child[8] = 7;
    child[12] = 3;
    EXPECT_TRUE(ExtKey::Decode(EncodeBase58Check(child), Network::Main).has_value());
}

TEST(Bip32, SeedAndDepthLimits) {
    const crypto::KeyContext ctx;
    EXPECT_FALSE(ExtKey::FromSeed(Bytes(15, 1)).has_value());
    EXPECT_TRUE(ExtKey::FromSeed(Bytes(16, 1)).has_value());
    EXPECT_TRUE(ExtKey::FromSeed(Bytes(64, 1)).has_value());
    EXPECT_FALSE(ExtKey::FromSeed(Bytes(65, 1)).has_value());

    auto key = ExtKey::FromSeed(Bytes(32, 9));
    ASSERT_TRUE(key.has_value());
    key->depth = 254;
    auto deep = key->Derive(ctx, 0);
    ASSERT_TRUE(deep.has_value());
    EXPECT_EQ(deep->depth, 255);
    EXPECT_FALSE(deep->Derive(ctx, 0).has_value());
    EXPECT_FALSE(deep->Neuter(ctx).Derive(0).has_value());
    // Public derivation cannot do hardened steps.
    EXPECT_FALSE(key->Neuter(ctx).Derive(BIP32_HARDENED).has_value());
    EXPECT_TRUE(key->Neuter(ctx).Derive(BIP32_HARDENED - 1).has_value());
}

TEST(Bip32, ParseDerivationPath) {
    struct Good {
        const char* text;
        std::vector<uint32_t> path;
    };
    const Good good[] = {
        {"m", {}},
        {"m/0", {0}},
        {"m/0'/1/2h", {BIP32_HARDENED, 1, BIP32_HARDENED | 2}},
        {"0'/1", {BIP32_HARDENED, 1}},
        {"m/2147483647'", {0xffffffff}},
        {"m/2147483647", {0x7fffffff}},
        {"m/84'/0'/0'/0/5", {BIP32_HARDENED | 84, BIP32_HARDENED, BIP32_HARDENED, 0, 5}},
        {"m/007", {7}},
    };
    for (const Good& g : good) {
        const auto p = ParseDerivationPath(g.text);
        ASSERT_TRUE(p.has_value()) << g.text << ": " << PathErrorName(p.error());
        EXPECT_EQ(*p, g.path) << g.text;
    }
    struct Bad {
        std::string text;
        PathError error;
    };
    const std::vector<Bad> bad = {
        {"", PathError::Empty},
        {"m/", PathError::EmptyElement},
        {"/1", PathError::EmptyElement},
        {"m//1", PathError::EmptyElement},
        {"m/1/", PathError::EmptyElement},
        {"m/m", PathError::MisplacedRoot},
        {"1/m", PathError::MisplacedRoot},
        {"M/1", PathError::InvalidNumber},
        {"m/'", PathError::InvalidNumber},
        {"m/h", PathError::InvalidNumber},
        {"m/1''", PathError::InvalidNumber},
        {"m/1H", PathError::InvalidNumber},
        {"m/-1", PathError::InvalidNumber},
        {"m/+1", PathError::InvalidNumber},
        {"m/ 1", PathError::InvalidNumber},
        {"m/1 ", PathError::InvalidNumber},
        {"m/0x10", PathError::InvalidNumber},
        {"m/2147483648", PathError::IndexTooLarge},
        {"m/2147483648'", PathError::IndexTooLarge},
        {"m/99999999999999999999999999", PathError::IndexTooLarge},
    };
    for (const Bad& b : bad) {
        const auto p = ParseDerivationPath(b.text);
        ASSERT_FALSE(p.has_value()) << b.text;
        EXPECT_EQ(p.error(), b.error) << b.text << ": " << PathErrorName(p.error());
    }
    // Depth: 255 elements are fine, 256 are not.
    std::string deep = "m";
    for (int i = 0; i < 255; ++i) deep += "/1";
    const auto ok = ParseDerivationPath(deep);
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok->size(), 255u);
    const auto too_deep = ParseDerivationPath(deep + "/1");
    ASSERT_FALSE(too_deep.has_value());
    EXPECT_EQ(too_deep.error(), PathError::TooDeep);
    EXPECT_EQ(FormatDerivationPath(std::vector<uint32_t>{}), "m");
}

}  // namespace
}  // namespace tonari::bitcoin::encoding
