// Tests for BIP324's packet cipher: every row of packet_encoding_test_vectors.csv (keys,
// ECDH, key derivation, and the packet after in_idx earlier ones, which runs the rekeying),
// decrypted back by the other role; and refusal of a flipped bit anywhere in a packet.
#include "crypto/bip324_cipher.h"

#include <gtest/gtest.h>

#include <iostream>

#include "crypto/hmac.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::crypto {
namespace {

using test::ParseHexOrFail;
using util::Bytes;
using util::HexEncode;

constexpr std::array<uint8_t, 4> MAINNET_MAGIC{0xf9, 0xbe, 0xb4, 0xd9};

template <size_t N>
std::array<uint8_t, N> Arr(const std::string& hex) {
    const Bytes b = ParseHexOrFail(hex);
    std::array<uint8_t, N> out{};
    EXPECT_EQ(b.size(), N);
    std::copy_n(b.begin(), std::min(N, b.size()), out.begin());
    return out;
}

util::ByteSpan Text(const char* s) { return {reinterpret_cast<const uint8_t*>(s), std::strlen(s)}; }

// Opens one packet with `cipher`; the contents and ignore bit, or nullopt on a bad tag.
std::optional<std::pair<Bytes, bool>> Open(Bip324Cipher& cipher, const Bytes& packet, util::ByteSpan aad) {
    if (packet.size() < BIP324_EXPANSION) return std::nullopt;
    const uint32_t length = cipher.DecryptLength(std::span<const uint8_t, 3>(packet.data(), 3));
    if (packet.size() != BIP324_EXPANSION + length) return std::nullopt;
    Bytes sealed(packet.begin() + BIP324_LENGTH_SIZE, packet.end());
    if (!cipher.Decrypt(sealed, aad)) return std::nullopt;
    return std::pair{Bytes(sealed.begin() + 1, sealed.end() - POLY1305_TAG_SIZE), (sealed[0] & BIP324_IGNORE_BIT) != 0};
}

TEST(Bip324Cipher, PacketEncodingVectors) {
    const auto rows = test::ReadTestCsv("bips/bip324_packet_encoding_test_vectors.csv");
    ASSERT_GT(rows.size(), 1u);
    const auto& head = rows[0];
    auto col = [&](const char* name) {
        const auto it = std::find(head.begin(), head.end(), name);
        EXPECT_NE(it, head.end()) << name;
        return static_cast<size_t>(it - head.begin());
    };
    const KeyContext ctx;
    size_t passed = 0;
    for (size_t i = 1; i < rows.size(); ++i) {
        const auto& row = rows[i];
        SCOPED_TRACE("row " + std::to_string(i));
        const auto priv = PrivKey::FromBytes(ParseHexOrFail(row[col("in_priv_ours")]));
        ASSERT_TRUE(priv);
        const auto ours = Arr<64>(row[col("in_ellswift_ours")]);
        const auto theirs = Arr<64>(row[col("in_ellswift_theirs")]);
        const bool initiating = row[col("in_initiating")] == "1";
        const PubKey pub = priv->GetPubKey(ctx).Compressed();
        EXPECT_EQ(HexEncode(pub.bytes().subspan(1)), row[col("mid_x_ours")]);
        EXPECT_EQ(HexEncode(EllSwiftDecode(ours)), row[col("mid_x_ours")]);
        EXPECT_EQ(HexEncode(EllSwiftDecode(theirs)), row[col("mid_x_theirs")]);
        const auto shared_x = EllSwiftXOnlyEcdh(ctx, *priv, theirs);
        ASSERT_TRUE(shared_x);
        EXPECT_EQ(HexEncode(*shared_x), row[col("mid_x_shared")]);
        const auto secret = Bip324EcdhSecret(ctx, *priv, ours, theirs, initiating);
        ASSERT_TRUE(secret);
        EXPECT_EQ(HexEncode(*secret), row[col("mid_shared_secret")]);

        // The derived keys themselves, straight from HKDF as the BIP writes it.
        Bytes salt(Text("bitcoin_v2_shared_secret").begin(), Text("bitcoin_v2_shared_secret").end());
        salt.insert(salt.end(), MAINNET_MAGIC.begin(), MAINNET_MAGIC.end());
        const auto prk = HkdfSha256Extract(salt, *secret);
        EXPECT_EQ(HexEncode(HkdfSha256Expand32(prk, Text("initiator_L"))), row[col("mid_initiator_l")]);
        EXPECT_EQ(HexEncode(HkdfSha256Expand32(prk, Text("initiator_P"))), row[col("mid_initiator_p")]);
        EXPECT_EQ(HexEncode(HkdfSha256Expand32(prk, Text("responder_L"))), row[col("mid_responder_l")]);
        EXPECT_EQ(HexEncode(HkdfSha256Expand32(prk, Text("responder_P"))), row[col("mid_responder_p")]);

        Bip324Cipher cipher(*secret, initiating, MAINNET_MAGIC);
        EXPECT_EQ(HexEncode(cipher.SendTerminator()), row[col("mid_send_garbage_terminator")]);
        EXPECT_EQ(HexEncode(cipher.RecvTerminator()), row[col("mid_recv_garbage_terminator")]);
        EXPECT_EQ(HexEncode(cipher.Id()), row[col("out_session_id")]);

        // The other end: same secret, the other role. It reads what we send.
        Bip324Cipher peer(*secret, !initiating, MAINNET_MAGIC);
        EXPECT_EQ(peer.Id(), cipher.Id());
        EXPECT_EQ(peer.RecvTerminator(), cipher.SendTerminator());

        const int index = std::stoi(row[col("in_idx")]);
        for (int k = 0; k < index; ++k) {
            Bytes dummy;
            cipher.Encrypt({}, {}, false, dummy);
            const auto opened = Open(peer, dummy, {});
            ASSERT_TRUE(opened) << "dummy packet " << k;
            EXPECT_TRUE(opened->first.empty());
        }
        const Bytes piece = ParseHexOrFail(row[col("in_contents")]);
        Bytes contents;
        for (int k = 0; k < std::stoi(row[col("in_multiply")]); ++k) contents.insert(contents.end(), piece.begin(), piece.end());
        const Bytes aad = ParseHexOrFail(row[col("in_aad")]);
        const bool ignore = row[col("in_ignore")] == "1";
        Bytes packet;
        cipher.Encrypt(contents, aad, ignore, packet);
        const std::string got = HexEncode(packet);
        const std::string& whole = row[col("out_ciphertext")];
        const std::string& ending = row[col("out_ciphertext_endswith")];
        bool ok = true;
        if (!whole.empty()) {
            EXPECT_EQ(got, whole);
            ok = got == whole;
        } else {
            ASSERT_FALSE(ending.empty());
            ASSERT_GE(got.size(), ending.size());
            EXPECT_EQ(got.substr(got.size() - ending.size()), ending);
            ok = got.substr(got.size() - ending.size()) == ending;
        }
        const auto opened = Open(peer, packet, aad);
        ASSERT_TRUE(opened);
        EXPECT_EQ(opened->first, contents);
        EXPECT_EQ(opened->second, ignore);
        if (ok) ++passed;
    }
    std::cout << "[vectors] bip324_packet_encoding_test_vectors.csv: " << passed << " rows passed\n";
    EXPECT_EQ(passed, 7u);
}

TEST(Bip324Cipher, AnyFlippedBitFailsAndNetworksDiffer) {
    std::array<uint8_t, 32> secret{};
    secret[0] = 7;
    const std::array<uint8_t, 4> regtest{0xfa, 0xbf, 0xb5, 0xda};
    const Bytes contents = ParseHexOrFail("0102030405060708090a");
    Bytes clean;
    Bip324Cipher(secret, true, regtest).Encrypt(contents, {}, false, clean);
    // Every bit after the length field is authenticated (a flipped length bit makes the
    // packet's size disagree, which the reader catches by framing the wrong number of bytes).
    for (size_t byte = BIP324_LENGTH_SIZE; byte < clean.size(); ++byte) {
        Bytes bad = clean;
        bad[byte] ^= 0x10;
        Bip324Cipher reader(secret, false, regtest);
        EXPECT_FALSE(Open(reader, bad, {})) << "byte " << byte;
    }
    Bip324Cipher reader(secret, false, regtest);
    EXPECT_TRUE(Open(reader, clean, {}));
    // Another network's magic gives other keys.
    Bip324Cipher mainnet_reader(secret, false, MAINNET_MAGIC);
    EXPECT_FALSE(Open(mainnet_reader, clean, {}));
    EXPECT_NE(Bip324Cipher(secret, true, MAINNET_MAGIC).Id(), Bip324Cipher(secret, true, regtest).Id());
}

}  // namespace
}  // namespace tonari::crypto
