// Tests for the secp256k1 wrapper: the BIP340 vector file, the BIP341 wallet vectors' tweaks,
// ECDSA signing and (lax) verification, public-key parsing and the tweak operations.
#include "crypto/keys.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <iostream>
#include <string>

#include "crypto/random.h"
#include "crypto/sha256.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::crypto {
namespace {

using test::ParseHexOrFail;
using util::Bytes;
using util::ByteSpan;
using util::HexEncode;
using util::Uint256;

const char* const G_COMPRESSED = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const char* const G_UNCOMPRESSED =
    "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
// The group order n and n/2, big-endian.
const char* const ORDER_HEX = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
const char* const HALF_ORDER_HEX = "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0";

Uint256 HashOf(std::string_view s) {
    return Uint256(Sha256Hash(util::AsBytes(s)));
}

std::array<uint8_t, 32> Arr32(std::string_view hex) {
    std::array<uint8_t, 32> out{};
    const Bytes b = ParseHexOrFail(hex);
    EXPECT_EQ(b.size(), 32u);
    if (b.size() == 32) std::copy(b.begin(), b.end(), out.begin());
    return out;
}

Uint256 U256(std::string_view hex) {
    return Uint256(Arr32(hex));
}

// n - x for 32-byte big-endian x (0 < x < n).
std::array<uint8_t, 32> OrderMinus(ByteSpan x) {
    const auto n = Arr32(ORDER_HEX);
    std::array<uint8_t, 32> out{};
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        int d = int{n[i]} - int{x[i]} - borrow;
        borrow = d < 0;
        out[i] = static_cast<uint8_t>(d + (borrow ? 256 : 0));
    }
    return out;
}

// DER for r and s given as 32-byte big-endian values: minimal, with a 0x00 pad when the
// top bit is set.
Bytes DerEncode(ByteSpan r32, ByteSpan s32) {
    auto integer = [](ByteSpan v) {
        size_t i = 0;
        while (i < 31 && v[i] == 0) ++i;
        Bytes out;
        if (v[i] & 0x80) out.push_back(0);
        out.insert(out.end(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
        return out;
    };
    const Bytes r = integer(r32), s = integer(s32);
    Bytes der = {0x30, static_cast<uint8_t>(4 + r.size() + s.size()), 0x02, static_cast<uint8_t>(r.size())};
    util::Append(der, r);
    der.push_back(0x02);
    der.push_back(static_cast<uint8_t>(s.size()));
    util::Append(der, s);
    return der;
}

class KeysTest : public ::testing::Test {
protected:
    KeyContext m_ctx;
};

// ---------------------------------------------------------------------------------------------
// BIP340

TEST_F(KeysTest, Bip340Vectors) {
    const auto rows = test::ReadTestCsv("bips/bip340_test-vectors.csv");
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0][0], "index");
    size_t cases = 0, signing = 0;
    for (size_t i = 1; i < rows.size(); ++i) {
        const auto& row = rows[i];
        ASSERT_GE(row.size(), 7u) << "row " << i;
        SCOPED_TRACE("BIP340 vector " + row[0]);
        const Bytes pubkey = ParseHexOrFail(row[2]);
        const Bytes msg = ParseHexOrFail(row[4]);
        const Bytes sig = ParseHexOrFail(row[5]);
        const bool expected = row[6] == "TRUE";
        ASSERT_TRUE(expected || row[6] == "FALSE");

        if (!row[1].empty()) {
            const auto key = PrivKey::FromBytes(ParseHexOrFail(row[1]));
            ASSERT_TRUE(key);
            EXPECT_EQ(key->GetPubKey(m_ctx).XOnly().bytes(), Arr32(row[2]));
            const Uint256 aux = U256(row[3]);
            std::array<uint8_t, 64> made;
            if (msg.size() == 32) {
                made = key->SignSchnorr(m_ctx, *Uint256::FromBytes(msg), aux);
                EXPECT_EQ(key->SignSchnorrMessage(m_ctx, msg, aux), made);
            } else {
                made = key->SignSchnorrMessage(m_ctx, msg, aux);
            }
            EXPECT_EQ(HexEncode(made), HexEncode(sig));
            if (HexEncode(made) != HexEncode(sig)) continue;
            ++signing;
        }

        // Public keys that are not valid x coordinates fail to parse: verification fails.
        const auto xonly = XOnlyPubKey::Parse(pubkey);
        const bool verified = xonly && xonly->VerifySchnorr(msg, sig);
        EXPECT_EQ(verified, expected);
        if (verified == expected) ++cases;
    }
    std::cout << "[vectors] bip340_test-vectors.csv: " << cases << " cases passed (" << signing
              << " signatures reproduced)\n";
    EXPECT_EQ(cases, 19u);
    EXPECT_EQ(signing, 8u);  // rows 0-3 and the variable-length messages 15-18
}

TEST_F(KeysTest, SchnorrRejectsBadInput) {
    const PrivKey key = PrivKey::Generate();
    const XOnlyPubKey pub = key.GetPubKey(m_ctx).XOnly();
    const Uint256 msg = HashOf("schnorr"), aux = RandomUint256();
    const auto sig = key.SignSchnorr(m_ctx, msg, aux);
    EXPECT_TRUE(pub.VerifySchnorr(msg.span(), sig));
    EXPECT_FALSE(pub.VerifySchnorr(HashOf("other").span(), sig));
    EXPECT_FALSE(pub.VerifySchnorr(msg.span(), ByteSpan(sig).first(63)));  // wrong length
    auto flipped = sig;
    flipped[10] ^= 1;
    EXPECT_FALSE(pub.VerifySchnorr(msg.span(), flipped));
    EXPECT_FALSE(PrivKey::Generate().GetPubKey(m_ctx).XOnly().VerifySchnorr(msg.span(), sig));
    // Different aux randomness gives a different, equally valid signature.
    const auto sig2 = key.SignSchnorr(m_ctx, msg, RandomUint256());
    EXPECT_NE(sig2, sig);
    EXPECT_TRUE(pub.VerifySchnorr(msg.span(), sig2));

    EXPECT_FALSE(XOnlyPubKey::Parse(Bytes(31, 1)));
    EXPECT_FALSE(XOnlyPubKey::Parse(Bytes(33, 1)));
    // x = p is not a field element.
    EXPECT_FALSE(XOnlyPubKey::Parse(
        ParseHexOrFail("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")));
}

// ---------------------------------------------------------------------------------------------
// ECDSA

TEST_F(KeysTest, EcdsaRoundTripLowSAndRejections) {
    const auto half_order = Arr32(HALF_ORDER_HEX);
    for (int i = 0; i < 20; ++i) {
        const PrivKey key = PrivKey::Generate(i % 2 == 0);
        const PubKey pub = key.GetPubKey(m_ctx);
        EXPECT_EQ(pub.IsCompressed(), i % 2 == 0);
        const Uint256 hash = RandomUint256();
        const Bytes sig = key.SignEcdsa(m_ctx, hash);
        ASSERT_LE(sig.size(), 72u);
        EXPECT_EQ(sig, key.SignEcdsa(m_ctx, hash));  // RFC 6979: deterministic
        EXPECT_TRUE(pub.VerifyEcdsa(hash, sig));

        const auto rs = ParseDerLax(sig);
        ASSERT_TRUE(rs);
        const ByteSpan s(rs->data() + 32, 32);
        EXPECT_LE(HexEncode(s), HexEncode(half_order)) << "high S";  // equal-width hex compares as numbers

        // Wrong hash, wrong key, damaged signature.
        Uint256 other = hash;
        other.data()[0] ^= 1;
        EXPECT_FALSE(pub.VerifyEcdsa(other, sig));
        EXPECT_FALSE(PrivKey::Generate().GetPubKey(m_ctx).VerifyEcdsa(hash, sig));
        Bytes bad = sig;
        bad[bad.size() - 1] ^= 1;
        EXPECT_FALSE(pub.VerifyEcdsa(hash, bad));

        // The high-S twin is valid under consensus (normalized before verifying).
        const Bytes high = DerEncode({rs->data(), 32}, OrderMinus(s));
        EXPECT_TRUE(pub.VerifyEcdsa(hash, high));
    }
}

TEST_F(KeysTest, LaxDerAcceptsHistoricQuirks) {
    const PrivKey key = PrivKey::Generate();
    const PubKey pub = key.GetPubKey(m_ctx);
    const Uint256 hash = HashOf("lax der");
    const Bytes sig = key.SignEcdsa(m_ctx, hash);
    const auto rs = ParseDerLax(sig);
    ASSERT_TRUE(rs);
    const ByteSpan r(rs->data(), 32), s(rs->data() + 32, 32);

    auto build = [&](Bytes seq_len, Bytes r_len, Bytes r_pad, Bytes s_len, Bytes trailer) {
        Bytes der = {0x30};
        util::Append(der, seq_len);
        der.push_back(0x02);
        util::Append(der, r_len);
        util::Append(der, r_pad);
        util::Append(der, r);
        der.push_back(0x02);
        util::Append(der, s_len);
        util::Append(der, s);
        util::Append(der, trailer);
        return der;
    };
    const std::vector<std::pair<const char*, Bytes>> quirky = {
        {"plain 32-byte values, no sign padding", build({0x44}, {0x20}, {}, {0x20}, {})},
        {"wrong sequence length", build({0x07}, {0x20}, {}, {0x20}, {})},
        {"long-form sequence length", build({0x81, 0x44}, {0x20}, {}, {0x20}, {})},
        {"long-form R length", build({0x45}, {0x81, 0x20}, {}, {0x20}, {})},
        {"R length with zero length octets", build({0x48}, {0x84, 0x00, 0x00, 0x00, 0x20}, {}, {0x20}, {})},
        {"extra leading zeros in R", build({0x47}, {0x23}, {0x00, 0x00, 0x00}, {0x20}, {})},
        {"trailing garbage after S", build({0x44}, {0x20}, {}, {0x20}, {0xde, 0xad, 0xbe, 0xef})},
    };
    for (const auto& [name, der] : quirky) {
        const auto parsed = ParseDerLax(der);
        ASSERT_TRUE(parsed) << name;
        EXPECT_EQ(*parsed, *rs) << name;
        EXPECT_TRUE(pub.VerifyEcdsa(hash, der)) << name;
    }
    std::cout << "[info] lax DER: " << quirky.size() << " quirky encodings accepted\n";

    // An R wider than 32 bytes after stripping zeros parses as r = s = 0: never valid.
    Bytes wide = build({0x45}, {0x21}, {0x01}, {0x20}, {});
    const auto zero = ParseDerLax(wide);
    ASSERT_TRUE(zero);
    EXPECT_EQ(*zero, (std::array<uint8_t, 64>{}));
    EXPECT_FALSE(pub.VerifyEcdsa(hash, wide));
}

TEST(LaxDer, RejectsGarbage) {
    const std::vector<std::pair<const char*, const char*>> bad = {
        {"empty", ""},
        {"wrong sequence tag", "31060201010201 01"},
        {"sequence tag only", "30"},
        {"sequence length octets past the end", "3084000000"},
        {"missing R tag", "30060301010201 01"},
        {"R length past the end", "3006020501020101"},
        {"R length, 4 non-zero octets", "300a02840100000001020101"},
        {"R length octets past the end", "30040283"},
        {"missing S", "3003020101"},
        {"S tag wrong", "3006020101030101"},
        {"S length past the end", "3006020101020201"},
        {"no S length", "300502010102"},
    };
    for (const auto& [name, hex] : bad) {
        std::string h(hex);
        std::erase(h, ' ');
        const Bytes der = ParseHexOrFail(h);
        EXPECT_FALSE(ParseDerLax(der)) << name;
    }
    // The minimal accepted shape: zero-length integers are r = s = 0.
    const auto empty_ints = ParseDerLax(ParseHexOrFail("300402000200"));
    ASSERT_TRUE(empty_ints);
    EXPECT_EQ(*empty_ints, (std::array<uint8_t, 64>{}));
}

TEST_F(KeysTest, EcdsaRejectsOutOfRangeScalars) {
    const PrivKey key = PrivKey::Generate();
    const PubKey pub = key.GetPubKey(m_ctx);
    const Uint256 hash = HashOf("range");
    const auto rs = *ParseDerLax(key.SignEcdsa(m_ctx, hash));
    const auto n = Arr32(ORDER_HEX);
    EXPECT_FALSE(pub.VerifyEcdsa(hash, DerEncode(n, ByteSpan(rs.data() + 32, 32))));  // r = n
    EXPECT_FALSE(pub.VerifyEcdsa(hash, DerEncode(ByteSpan(rs.data(), 32), n)));       // s = n
}

// ---------------------------------------------------------------------------------------------
// Public keys

TEST(PubKeyParse, AcceptsValidRejectsInvalid) {
    const auto g = PubKey::Parse(ParseHexOrFail(G_COMPRESSED));
    ASSERT_TRUE(g);
    EXPECT_TRUE(g->IsCompressed());
    const auto gu = PubKey::Parse(ParseHexOrFail(G_UNCOMPRESSED));
    ASSERT_TRUE(gu);
    EXPECT_FALSE(gu->IsCompressed());
    EXPECT_EQ(HexEncode(g->Uncompressed().bytes()), G_UNCOMPRESSED);
    EXPECT_EQ(HexEncode(gu->Compressed().bytes()), G_COMPRESSED);
    EXPECT_EQ(g->Compressed(), *g);
    EXPECT_EQ(g->XOnly(), gu->XOnly());
    EXPECT_EQ(g->GetId().ToHexInternal(), "751e76e8199196d454941c45d1b3a323f1433bd6");

    // Hybrid encoding (06/07 + X + Y, prefix parity must match Y): G's Y is even.
    Bytes hybrid = ParseHexOrFail(G_UNCOMPRESSED);
    hybrid[0] = 0x06;
    EXPECT_TRUE(PubKey::Parse(hybrid));
    hybrid[0] = 0x07;
    EXPECT_FALSE(PubKey::Parse(hybrid));

    const Bytes comp = ParseHexOrFail(G_COMPRESSED);
    EXPECT_FALSE(PubKey::Parse({}));
    EXPECT_FALSE(PubKey::Parse(ByteSpan(comp).first(32)));
    Bytes longer = comp;
    longer.push_back(0);
    EXPECT_FALSE(PubKey::Parse(longer));  // 34 bytes
    EXPECT_FALSE(PubKey::Parse(ByteSpan(ParseHexOrFail(G_UNCOMPRESSED)).first(64)));
    Bytes prefix = comp;
    prefix[0] = 0x04;  // uncompressed prefix on 33 bytes
    EXPECT_FALSE(PubKey::Parse(prefix));
    prefix[0] = 0x05;
    EXPECT_FALSE(PubKey::Parse(prefix));
    // Off the curve: G's X with Y + 1.
    Bytes off = ParseHexOrFail(G_UNCOMPRESSED);
    off[64] ^= 1;
    EXPECT_FALSE(PubKey::Parse(off));
    // X that is no curve point's coordinate (BIP340 vector 5's public key).
    EXPECT_FALSE(
        PubKey::Parse(ParseHexOrFail("02eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34")));
    // X >= p.
    EXPECT_FALSE(
        PubKey::Parse(ParseHexOrFail("02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")));
}

TEST_F(KeysTest, PrivKeyRangeAndPubKeyFromSecret) {
    EXPECT_FALSE(PrivKey::FromBytes(Bytes(32, 0)));
    EXPECT_FALSE(PrivKey::FromBytes(ParseHexOrFail(ORDER_HEX)));
    EXPECT_FALSE(PrivKey::FromBytes(Bytes(31, 1)));
    Bytes one(32, 0);
    one[31] = 1;
    const auto k1 = PrivKey::FromBytes(one);
    ASSERT_TRUE(k1);
    EXPECT_EQ(HexEncode(k1->GetPubKey(m_ctx).bytes()), G_COMPRESSED);
    const auto k1u = PrivKey::FromBytes(one, false);
    ASSERT_TRUE(k1u);
    EXPECT_EQ(HexEncode(k1u->GetPubKey(m_ctx).bytes()), G_UNCOMPRESSED);
    Bytes n_minus_1 = ParseHexOrFail(ORDER_HEX);
    n_minus_1[31] -= 1;
    EXPECT_TRUE(PrivKey::FromBytes(n_minus_1));
    EXPECT_NE(PrivKey::Generate().bytes(), PrivKey::Generate().bytes());
}

TEST_F(KeysTest, TweakAddMatchesBetweenPrivateAndPublic) {
    for (bool compressed : {true, false}) {
        const PrivKey key = PrivKey::Generate(compressed);
        const auto tweak = RandomUint256();
        const auto priv = key.TweakAdd(tweak.bytes());
        const auto pub = key.GetPubKey(m_ctx).TweakAdd(tweak.bytes());
        ASSERT_TRUE(priv && pub);
        EXPECT_EQ(priv->GetPubKey(m_ctx), *pub);
        EXPECT_EQ(pub->IsCompressed(), compressed);
        EXPECT_NE(*pub, key.GetPubKey(m_ctx));
    }
    const PrivKey key = PrivKey::Generate();
    // Tweak >= n is out of range.
    EXPECT_FALSE(key.TweakAdd(Arr32(ORDER_HEX)));
    EXPECT_FALSE(key.GetPubKey(m_ctx).TweakAdd(Arr32(ORDER_HEX)));
    // d + (n - d) = 0: no key; P + (n - d)G = infinity: no point.
    const auto cancel = OrderMinus(key.bytes());
    EXPECT_FALSE(key.TweakAdd(cancel));
    EXPECT_FALSE(key.GetPubKey(m_ctx).TweakAdd(cancel));
}

// ---------------------------------------------------------------------------------------------
// Taproot

TEST_F(KeysTest, TapTweakConsistency) {
    for (int i = 0; i < 8; ++i) {
        const PrivKey key = PrivKey::Generate();
        const XOnlyPubKey internal = key.GetPubKey(m_ctx).XOnly();
        const Uint256 root = RandomUint256();
        const Uint256* root_ptr = i % 2 == 0 ? &root : nullptr;

        const auto created = internal.CreateTapTweak(root_ptr);
        ASSERT_TRUE(created);
        const auto& [output, parity] = *created;
        const auto tweaked = key.TapTweak(m_ctx, root_ptr);
        ASSERT_TRUE(tweaked);
        const PubKey tweaked_pub = tweaked->GetPubKey(m_ctx);
        EXPECT_EQ(tweaked_pub.XOnly(), output);
        EXPECT_EQ(tweaked_pub.bytes()[0] == 0x03, parity);

        const Uint256 msg = RandomUint256();
        EXPECT_TRUE(output.VerifySchnorr(msg.span(), tweaked->SignSchnorr(m_ctx, msg, RandomUint256())));
        EXPECT_FALSE(internal.VerifySchnorr(msg.span(), tweaked->SignSchnorr(m_ctx, msg, RandomUint256())));

        if (root_ptr != nullptr) {
            EXPECT_TRUE(internal.CheckTapTweak(output, root, parity));
            EXPECT_FALSE(internal.CheckTapTweak(output, root, !parity));
            EXPECT_FALSE(internal.CheckTapTweak(output, RandomUint256(), parity));
            EXPECT_FALSE(output.CheckTapTweak(output, root, parity));
        }
    }
}

TEST_F(KeysTest, Bip341WalletVectors) {
    const auto json = test::ReadTestJson("bitcoin-core/bip341_wallet_vectors.json");
    auto optional_root = [](const boost::json::value& v) -> std::optional<Uint256> {
        if (v.is_null()) return std::nullopt;
        return U256(v.as_string());
    };

    size_t spk_cases = 0;
    for (const auto& entry : json.at("scriptPubKey").as_array()) {
        const auto& given = entry.at("given");
        const auto& inter = entry.at("intermediary");
        const auto internal = XOnlyPubKey::Parse(ParseHexOrFail(given.at("internalPubkey").as_string()));
        ASSERT_TRUE(internal);
        const auto root = optional_root(inter.at("merkleRoot"));
        const Uint256* root_ptr = root ? &*root : nullptr;
        const auto created = internal->CreateTapTweak(root_ptr);
        ASSERT_TRUE(created);
        const bool tweak_ok =
            internal->ComputeTapTweakHash(root_ptr).ToHexInternal() == inter.at("tweak").as_string();
        const bool output_ok = HexEncode(created->first.bytes()) == inter.at("tweakedPubkey").as_string();
        const bool check_ok = !root || internal->CheckTapTweak(created->first, *root, created->second);
        EXPECT_TRUE(tweak_ok);
        EXPECT_TRUE(output_ok);
        EXPECT_TRUE(check_ok);
        if (tweak_ok && output_ok && check_ok) ++spk_cases;
    }

    size_t key_cases = 0, exact_sigs = 0;
    for (const auto& input : json.at("keyPathSpending").at(0).at("inputSpending").as_array()) {
        const auto& given = input.at("given");
        const auto& inter = input.at("intermediary");
        const auto key = PrivKey::FromBytes(ParseHexOrFail(given.at("internalPrivkey").as_string()));
        ASSERT_TRUE(key);
        EXPECT_EQ(HexEncode(key->GetPubKey(m_ctx).XOnly().bytes()), inter.at("internalPubkey").as_string());
        const auto root = optional_root(given.at("merkleRoot"));
        const auto tweaked = key->TapTweak(m_ctx, root ? &*root : nullptr);
        ASSERT_TRUE(tweaked);
        const bool tweaked_ok = HexEncode(tweaked->bytes()) == inter.at("tweakedPrivkey").as_string();
        EXPECT_TRUE(tweaked_ok) << HexEncode(tweaked->bytes());

        // The witness signature (64 bytes, plus a sighash byte unless DEFAULT) verifies
        // against the tweaked key, and re-signing with all-zero aux randomness reproduces it.
        const Bytes witness_sig = ParseHexOrFail(input.at("expected").at("witness").at(0).as_string());
        ASSERT_GE(witness_sig.size(), 64u);
        const ByteSpan sig64 = ByteSpan(witness_sig).first(64);
        const Uint256 sighash = U256(inter.at("sigHash").as_string());
        const XOnlyPubKey output = tweaked->GetPubKey(m_ctx).XOnly();
        const bool verify_ok = output.VerifySchnorr(sighash.span(), sig64);
        EXPECT_TRUE(verify_ok);
        const auto resigned = tweaked->SignSchnorr(m_ctx, sighash, Uint256());
        if (std::equal(resigned.begin(), resigned.end(), sig64.begin())) ++exact_sigs;
        if (tweaked_ok && verify_ok) ++key_cases;
    }
    std::cout << "[vectors] bip341_wallet_vectors.json: " << spk_cases << " scriptPubKey tweaks, "
              << key_cases << " key-path inputs (" << exact_sigs
              << " signatures reproduced exactly) passed\n";
    EXPECT_EQ(spk_cases, 7u);
    EXPECT_EQ(key_cases, 7u);
    EXPECT_EQ(exact_sigs, 7u);
}

}  // namespace
}  // namespace tonari::crypto
