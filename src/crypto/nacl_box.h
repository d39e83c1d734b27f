// NaCl's public-key box (Curve25519 key agreement, XSalsa20 encryption, Poly1305
// authentication) and its precomputed-key form, through libsodium: the cipher every Tox packet
// uses. The shared key is computed once per peer and reused, because the key agreement is
// the expensive part.
#pragma once

#include <cstdint>
#include <optional>

#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::crypto {

inline constexpr size_t BOX_KEY_SIZE = 32;
inline constexpr size_t BOX_NONCE_SIZE = 24;
inline constexpr size_t BOX_MAC_SIZE = 16;

using BoxPublicKey = util::Blob<BOX_KEY_SIZE>;
using BoxSecretKey = util::Blob<BOX_KEY_SIZE>;
using BoxSharedKey = util::Blob<BOX_KEY_SIZE>;
using BoxNonce = util::Blob<BOX_NONCE_SIZE>;

struct BoxKeyPair {
    BoxPublicKey public_key;
    BoxSecretKey secret_key;
};

// A fresh key pair from the operating system's random source.
BoxKeyPair BoxGenerateKeyPair();
// The public key that belongs to a secret key (scalar multiplication of the base point).
BoxPublicKey BoxPublicKeyOf(const BoxSecretKey& secret_key);
// The key two parties share (crypto_box_beforenm): ours secret with their public equals theirs
// with ours. None for a public key of small order, which would give a key anyone can compute.
std::optional<BoxSharedKey> BoxSharedKeyOf(const BoxSecretKey& ours, const BoxPublicKey& theirs);

// Encrypts and authenticates: the result is BOX_MAC_SIZE bytes longer than `plain`.
util::Bytes BoxSeal(const BoxSharedKey& key, const BoxNonce& nonce, util::ByteSpan plain);
// Checks and decrypts; none when `sealed` is shorter than a MAC or was not made with this key
// and nonce (tampered, replayed under another key, or garbage).
std::optional<util::Bytes> BoxOpen(const BoxSharedKey& key, const BoxNonce& nonce, util::ByteSpan sealed);

BoxNonce BoxRandomNonce();
// Adds `n` to the nonce read as a big-endian number, wrapping to zero past the top.
void BoxIncrementNonce(BoxNonce& nonce, uint32_t n = 1);

}  // namespace tonari::crypto
