// BIP32 hierarchical deterministic keys: extended private keys (ExtKey) and extended public
// keys (ExtPubKey), child derivation, the 78-byte Base58Check serialization (xprv/xpub on
// mainnet, tprv/tpub on the test networks), and derivation-path text ("m/84'/0'/0'/0/5").
//
// Secret material: ExtKey keeps its key in crypto::PrivKey (wiped on destruction) and wipes
// its chain code when destroyed; derivation and serialization wipe their scratch buffers.
// Operations that need the public key of a private key take a crypto::KeyContext.
// Values are plain data; all functions are thread-safe (a KeyContext may be shared).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bitcoin/encoding/network.h"
#include "crypto/keys.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::encoding {

// Child indices at or above this are hardened (derived from the private key only).
inline constexpr uint32_t BIP32_HARDENED = 0x80000000;
// Serialized extended key: version(4) depth(1) parent fingerprint(4) child number(4)
// chain code(32) key data(33).
inline constexpr size_t BIP32_SERIALIZED_SIZE = 78;
// BIP32's seed length range (128 to 512 bits).
inline constexpr size_t BIP32_MIN_SEED_SIZE = 16;
inline constexpr size_t BIP32_MAX_SEED_SIZE = 64;
// The depth field is one byte: a key at depth 255 has no children, and no path may be longer.
inline constexpr size_t BIP32_MAX_DEPTH = 255;

enum class Bip32Error {
    InvalidEncoding,      // a character outside the Base58 alphabet
    BadChecksum,          // Base58Check checksum mismatch
    WrongLength,          // payload is not 78 bytes
    WrongKeyType,         // a public version for a private key or the reverse
    UnknownVersion,       // version bytes of another network or another format
    ZeroDepthWithParent,  // depth 0 (master) but a non-zero parent fingerprint
    ZeroDepthWithIndex,   // depth 0 (master) but a non-zero child number
    InvalidKeyPrefix,     // private key data not 0x00-prefixed / public not 0x02 or 0x03
    InvalidKey,           // private key 0 or >= n, or public key not on the curve
};

std::string_view Bip32ErrorName(Bip32Error e);

using Fingerprint = std::array<uint8_t, 4>;
using ChainCode = std::array<uint8_t, 32>;

struct ExtPubKey {
    uint8_t depth = 0;
    Fingerprint parent_fingerprint{};
    uint32_t child_number = 0;
    ChainCode chain_code{};
    crypto::PubKey pubkey;  // always compressed

    // First 4 bytes of HASH160(pubkey): the parent fingerprint of this key's children.
    Fingerprint GetFingerprint() const;

    // Public child derivation. nullopt for a hardened index, at depth 255, or in the
    // negligible case BIP32 calls invalid (I_L >= n or the point at infinity).
    std::optional<ExtPubKey> Derive(uint32_t index) const;
    std::optional<ExtPubKey> DerivePath(std::span<const uint32_t> path) const;

    std::string Encode(Network network) const;
    static util::Result<ExtPubKey, Bip32Error> Decode(std::string_view str, Network network);

    friend bool operator==(const ExtPubKey&, const ExtPubKey&) = default;
};

struct ExtKey {
    uint8_t depth = 0;
    Fingerprint parent_fingerprint{};
    uint32_t child_number = 0;
    ChainCode chain_code{};
    crypto::PrivKey key;  // compressed

    ~ExtKey();

    // Master key from a seed of 16..64 bytes: HMAC-SHA512("Bitcoin seed", seed). nullopt for a
    // seed outside that range or the negligible invalid case.
    static std::optional<ExtKey> FromSeed(util::ByteSpan seed);

    // Private child derivation (hardened when index >= BIP32_HARDENED). nullopt at depth 255
    // or in the negligible invalid case (I_L >= n or a zero key).
    std::optional<ExtKey> Derive(const crypto::KeyContext& ctx, uint32_t index) const;
    std::optional<ExtKey> DerivePath(const crypto::KeyContext& ctx, std::span<const uint32_t> path) const;

    // The matching extended public key.
    ExtPubKey Neuter(const crypto::KeyContext& ctx) const;

    std::string Encode(Network network) const;
    static util::Result<ExtKey, Bip32Error> Decode(std::string_view str, Network network);
};

enum class PathError {
    Empty,          // "" (the root is "m")
    MisplacedRoot,  // "m" anywhere but the first element
    EmptyElement,   // "m//1", "m/1/", "/1"
    InvalidNumber,  // not decimal digits with an optional ' or h suffix
    IndexTooLarge,  // 2^31 or more before the hardened marker
    TooDeep,        // more than BIP32_MAX_DEPTH elements
};

std::string_view PathErrorName(PathError e);

// Parses "m/0'/1/2h" (or "0'/1", without the "m"): ' or h marks a hardened index.
util::Result<std::vector<uint32_t>, PathError> ParseDerivationPath(std::string_view path);

// "m/0'/1/2'": hardened indices are written with '.
std::string FormatDerivationPath(std::span<const uint32_t> path);

}  // namespace tonari::bitcoin::encoding
