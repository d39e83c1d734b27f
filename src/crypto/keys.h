// secp256k1 keys and signatures over libsecp256k1: ECDSA (RFC 6979 nonces, low-S, lax DER
// parsing as consensus requires), BIP340 Schnorr, x-only keys and BIP341 taproot tweaks.
//
// Verification and public-key parsing use libsecp256k1's static context and are thread-safe.
// Operations on secret keys need a KeyContext: an owned, randomized libsecp256k1 context
// (side-channel blinding). Create one per owner (wallet, miner, test) and pass it by reference;
// its const methods may be used from several threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "util/blob.h"
#include "util/bytes.h"

struct secp256k1_context_struct;

namespace tonari::crypto {

class KeyContext {
public:
    KeyContext();  // creates and randomizes a signing context
    ~KeyContext();
    KeyContext(const KeyContext&) = delete;
    KeyContext& operator=(const KeyContext&) = delete;

    const secp256k1_context_struct* get() const { return m_ctx.get(); }

private:
    struct Deleter {
        void operator()(secp256k1_context_struct* ctx) const;
    };
    std::unique_ptr<secp256k1_context_struct, Deleter> m_ctx;
};

class XOnlyPubKey;

// A serialized public key: 33 bytes (compressed) or 65 bytes (uncompressed), known valid.
class PubKey {
public:
    static constexpr size_t COMPRESSED_SIZE = 33;
    static constexpr size_t UNCOMPRESSED_SIZE = 65;

    // nullopt unless the bytes are a valid point encoding (02/03 + 32, or 04 + 64;
    // the hybrid 06/07 forms are accepted by libsecp256k1 and so by consensus).
    static std::optional<PubKey> Parse(util::ByteSpan bytes);

    util::ByteSpan bytes() const { return {m_data.data(), m_size}; }
    size_t size() const { return m_size; }
    bool IsCompressed() const { return m_size == COMPRESSED_SIZE; }
    util::Uint160 GetId() const;  // HASH160 of the serialization
    PubKey Compressed() const;
    PubKey Uncompressed() const;
    XOnlyPubKey XOnly() const;

    // ECDSA verification of a DER signature (no sighash byte) over a 32-byte hash.
    // Parses DER laxly and normalizes S, as Bitcoin consensus does for historic signatures;
    // strictness rules (BIP66, LOW_S) are the script interpreter's job.
    bool VerifyEcdsa(const util::Uint256& hash, util::ByteSpan der_sig) const;

    // BIP32 public derivation: this + tweak*G. nullopt if the tweak is out of range or the
    // result is infinity.
    std::optional<PubKey> TweakAdd(std::span<const uint8_t, 32> tweak) const;

    friend bool operator==(const PubKey& a, const PubKey& b) {
        return a.m_size == b.m_size && a.m_data == b.m_data;
    }

private:
    friend class PrivKey;
    // Wraps bytes that libsecp256k1 itself just serialized, skipping a second parse.
    static PubKey FromValidBytes(util::ByteSpan bytes);

    std::array<uint8_t, UNCOMPRESSED_SIZE> m_data{};
    size_t m_size = 0;
};

// A BIP340 x-only public key (32 bytes, the point with even Y).
class XOnlyPubKey {
public:
    // nullopt unless the 32 bytes are the x coordinate of a curve point.
    static std::optional<XOnlyPubKey> Parse(util::ByteSpan bytes);

    const std::array<uint8_t, 32>& bytes() const { return m_data; }

    // BIP340 verification; any message length (BIP340 allows variable-length messages).
    bool VerifySchnorr(util::ByteSpan msg, util::ByteSpan sig64) const;

    // BIP341: t = TaggedHash("TapTweak", P || merkle_root) (merkle_root omitted when absent).
    util::Uint256 ComputeTapTweakHash(const util::Uint256* merkle_root) const;

    // Q = P + t*G; returns Q's x-only key and whether Q has odd Y. nullopt if invalid.
    std::optional<std::pair<XOnlyPubKey, bool>> CreateTapTweak(const util::Uint256* merkle_root) const;

    // True if `output` (with parity `output_parity`) is this key tweaked by merkle_root.
    bool CheckTapTweak(const XOnlyPubKey& output, const util::Uint256& merkle_root, bool output_parity) const;

    friend bool operator==(const XOnlyPubKey&, const XOnlyPubKey&) = default;

private:
    friend class PubKey;
    friend class PrivKey;
    // Wraps an x coordinate already known to be on the curve.
    static XOnlyPubKey FromValidBytes(util::ByteSpan bytes32);

    std::array<uint8_t, 32> m_data{};
};

// A secret key. Wiped from memory when destroyed.
class PrivKey {
public:
    // nullopt unless 32 bytes in [1, n-1].
    static std::optional<PrivKey> FromBytes(util::ByteSpan bytes, bool compressed = true);
    static PrivKey Generate(bool compressed = true);

    PrivKey(const PrivKey& other) = default;
    PrivKey& operator=(const PrivKey& other) = default;
    ~PrivKey();

    const std::array<uint8_t, 32>& bytes() const { return m_key; }
    bool IsCompressed() const { return m_compressed; }

    PubKey GetPubKey(const KeyContext& ctx) const;

    // DER-encoded ECDSA signature with an RFC 6979 nonce and low S (no sighash byte).
    util::Bytes SignEcdsa(const KeyContext& ctx, const util::Uint256& hash) const;

    // BIP340 signature over a 32-byte message with the given auxiliary randomness.
    std::array<uint8_t, 64> SignSchnorr(const KeyContext& ctx, const util::Uint256& msg,
                                        const util::Uint256& aux_rand) const;

    // BIP340 signature over a message of any length (needed by the BIP340 vectors 15-18).
    std::array<uint8_t, 64> SignSchnorrMessage(const KeyContext& ctx, util::ByteSpan msg,
                                               const util::Uint256& aux_rand) const;

    // BIP32 private derivation: (this + tweak) mod n. nullopt if out of range or zero.
    std::optional<PrivKey> TweakAdd(std::span<const uint8_t, 32> tweak) const;

    // BIP341 key-path signing key: (d or n-d, whichever gives P even Y) + TapTweak(P ||
    // merkle_root), as BIP341's reference code computes it. Its point's x coordinate is the
    // output key; its Y may be odd, which BIP340 signing accounts for.
    std::optional<PrivKey> TapTweak(const KeyContext& ctx, const util::Uint256* merkle_root) const;

private:
    PrivKey() = default;
    std::array<uint8_t, 32> m_key{};
    bool m_compressed = true;
};

// Parses a DER-like ECDSA signature the way Bitcoin Core's historic lax parser does (accepts
// the malformed encodings that exist in the chain) into 64 bytes r||s, big-endian. nullopt
// when even the lax rules fail.
std::optional<std::array<uint8_t, 64>> ParseDerLax(util::ByteSpan der_sig);

// Verification straight from the bytes a script holds, decoding each key once. A key decode
// (a square root on the curve) costs about an eighth of a verification, so the interpreter
// must not validate a key and then have it decoded again. False for any malformed input.
// ECDSA: `pubkey` is a 33/65-byte serialization, `der_sig` lax DER without the hash type.
bool VerifyEcdsaSerialized(util::ByteSpan pubkey, const util::Uint256& hash, util::ByteSpan der_sig);
// BIP340: `xonly_pubkey` is 32 bytes, `sig64` 64 bytes; any message length.
bool VerifySchnorrSerialized(util::ByteSpan xonly_pubkey, util::ByteSpan msg, util::ByteSpan sig64);
// BIP341 commitment check on raw 32-byte keys: `output` is `internal` tweaked by merkle_root
// with Y parity `output_parity`. Only the internal key is decoded.
bool CheckTapTweakSerialized(util::ByteSpan internal, util::ByteSpan output, const util::Uint256& merkle_root,
                             bool output_parity);

}  // namespace tonari::crypto
