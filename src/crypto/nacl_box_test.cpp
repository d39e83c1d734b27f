// The box wrapper against RFC 7748's Curve25519 keys and NaCl's published shared key, plus the
// properties the Tox packets rely on.
#include "crypto/nacl_box.h"

#include <gtest/gtest.h>

#include "util/hex.h"

namespace tonari::crypto {
namespace {

util::Blob<32> Key(std::string_view hex) {
    auto bytes = util::HexDecode(hex);
    return *util::Blob<32>::FromBytes(*bytes);
}

// RFC 7748 section 6.1; the shared key is NaCl's tests/box.c "firstkey".
constexpr std::string_view ALICE_SK = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
constexpr std::string_view ALICE_PK = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
constexpr std::string_view BOB_SK = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
constexpr std::string_view BOB_PK = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
constexpr std::string_view FIRSTKEY = "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";

TEST(NaclBox, PublicKeysAndSharedKeyMatchPublishedVectors) {
    EXPECT_EQ(BoxPublicKeyOf(Key(ALICE_SK)), Key(ALICE_PK));
    EXPECT_EQ(BoxPublicKeyOf(Key(BOB_SK)), Key(BOB_PK));
    auto ab = BoxSharedKeyOf(Key(ALICE_SK), Key(BOB_PK));
    auto ba = BoxSharedKeyOf(Key(BOB_SK), Key(ALICE_PK));
    ASSERT_TRUE(ab && ba);
    EXPECT_EQ(*ab, Key(FIRSTKEY));
    EXPECT_EQ(*ba, Key(FIRSTKEY));
}

TEST(NaclBox, SmallOrderPublicKeyIsRefused) {
    // The identity point: every secret key would share the same all-zero key with it.
    EXPECT_FALSE(BoxSharedKeyOf(Key(ALICE_SK), BoxPublicKey{}));
}

TEST(NaclBox, SealOpensOnlyWithTheSameKeyAndNonce) {
    const BoxKeyPair a = BoxGenerateKeyPair(), b = BoxGenerateKeyPair();
    ASSERT_NE(a.public_key, b.public_key);
    const auto k_ab = *BoxSharedKeyOf(a.secret_key, b.public_key);
    const auto k_ba = *BoxSharedKeyOf(b.secret_key, a.public_key);
    const BoxNonce nonce = BoxRandomNonce();
    const util::Bytes plain = {1, 2, 3, 4, 5};
    const util::Bytes sealed = BoxSeal(k_ab, nonce, plain);
    ASSERT_EQ(sealed.size(), plain.size() + BOX_MAC_SIZE);
    EXPECT_EQ(BoxOpen(k_ba, nonce, sealed), plain);

    BoxNonce other = nonce;
    BoxIncrementNonce(other);
    EXPECT_FALSE(BoxOpen(k_ba, other, sealed));
    util::Bytes flipped = sealed;
    flipped.back() ^= 1;
    EXPECT_FALSE(BoxOpen(k_ba, nonce, flipped));
    EXPECT_FALSE(BoxOpen(k_ba, nonce, util::ByteSpan(sealed).first(BOX_MAC_SIZE - 1)));
    const auto stranger = *BoxSharedKeyOf(BoxGenerateKeyPair().secret_key, a.public_key);
    EXPECT_FALSE(BoxOpen(stranger, nonce, sealed));
    // The empty message is a bare MAC.
    EXPECT_EQ(BoxOpen(k_ba, nonce, BoxSeal(k_ab, nonce, {})), util::Bytes{});
}

TEST(NaclBox, NonceIncrementsAsABigEndianNumberAndWraps) {
    BoxNonce n{};
    BoxIncrementNonce(n);
    EXPECT_EQ(n.data()[23], 1);
    n.data()[23] = 0xff;
    n.data()[22] = 0xff;
    BoxIncrementNonce(n);
    EXPECT_EQ(n.data()[21], 1);
    EXPECT_EQ(n.data()[22], 0);
    EXPECT_EQ(n.data()[23], 0);
    BoxIncrementNonce(n, 0x1ff);
    EXPECT_EQ(n.data()[22], 1);
    EXPECT_EQ(n.data()[23], 0xff);
    BoxNonce top;
    std::fill(top.data(), top.data() + BOX_NONCE_SIZE, 0xff);
    BoxIncrementNonce(top);
    EXPECT_TRUE(top.IsNull());
}

}  // namespace
}  // namespace tonari::crypto
