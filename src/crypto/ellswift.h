// ElligatorSwift (BIP324): 64-byte encodings of secp256k1 public keys that look like uniform
// random bytes, so an encrypted connection's first bytes carry no recognisable key. Decoding
// maps any 64 bytes to a curve x coordinate (XSwiftEC); encoding picks a random preimage
// (XElligatorSwift over XSwiftECInv). Also the x-only ECDH that BIP324 runs on such keys.
//
// The field arithmetic is OpenSSL's big-number code, which is not constant time: it only ever
// sees public values (a peer's encoding, our own public key and the random encoding we publish
// for it). Secret-key work (generating the key, the ECDH multiplication) is libsecp256k1's.
// Thread-safe: free functions on their arguments.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/keys.h"
#include "util/bytes.h"

namespace tonari::crypto {

inline constexpr size_t ELLSWIFT_SIZE = 64;
using EllSwiftPubKey = std::array<uint8_t, ELLSWIFT_SIZE>;
using FieldBytes = std::array<uint8_t, 32>;  // a field element, big-endian

// XSwiftEC(u, t): the x coordinate (on the curve) that the encoding u || t stands for. Every
// 64-byte string decodes; u and t are read modulo p.
FieldBytes EllSwiftDecode(std::span<const uint8_t, ELLSWIFT_SIZE> encoding);

// XSwiftECInv(x, u, which): a t with XSwiftEC(u, t) = x, or none; `which` (0..7) picks one of
// the up to eight solutions. Exposed for BIP324's test vectors.
std::optional<FieldBytes> XSwiftEcInv(const FieldBytes& x, const FieldBytes& u, int which);

// A uniformly chosen encoding of the curve x coordinate `x` (which must be on the curve).
EllSwiftPubKey EllSwiftEncode(const FieldBytes& x);

// A fresh ephemeral key and the ElligatorSwift encoding of its public key.
struct EllSwiftKey {
    PrivKey secret;
    EllSwiftPubKey encoding{};
};
EllSwiftKey EllSwiftGenerate(const KeyContext& ctx);

// x(secret · P) where P is the point `theirs` encodes. nullopt only for a secret outside
// [1, n-1] (never for a PrivKey).
std::optional<FieldBytes> EllSwiftXOnlyEcdh(const KeyContext& ctx, const PrivKey& secret,
                                            std::span<const uint8_t, ELLSWIFT_SIZE> theirs);

}  // namespace tonari::crypto
