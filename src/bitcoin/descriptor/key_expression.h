// Descriptor key expressions: an optional origin "[fingerprint/path]" followed by a hex public
// key (x-only inside tr()), a WIF private key, or an xpub/xprv with a derivation path and an
// optional range "/*" or hardened range "/*'" ("/*h"). Grammar, context rules and error texts
// follow Bitcoin Core's descriptor parser. Values; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitcoin/encoding/bip32.h"
#include "bitcoin/encoding/network.h"
#include "crypto/keys.h"
#include "util/result.h"

namespace tonari::bitcoin::descriptor {

// Where a script or key expression sits: decides which functions and key forms are allowed
// (uncompressed keys only at top level and in sh(), x-only keys only in tr()).
enum class Context { Top, P2SH, P2WPKH, P2WSH, P2TR };

enum class DeriveType { NonRanged, Unhardened, Hardened };

struct KeyOrigin {
    std::array<uint8_t, 4> fingerprint{};
    std::vector<uint32_t> path;
};

struct KeyExpression {
    std::optional<KeyOrigin> origin;
    // Hardened steps are printed with ' when the text used ' for its last hardened marker,
    // otherwise with h (Core keeps the user's choice the same way).
    bool apostrophe = false;

    // A constant key (hex or WIF). `xonly`: given as 32 bytes inside tr(), printed so.
    std::optional<crypto::PubKey> pubkey;
    bool xonly = false;
    bool has_private = false;

    // An extended key: `xpub` always, `xprv` when the text held the private form.
    std::optional<encoding::ExtPubKey> xpub;
    std::optional<encoding::ExtKey> xprv;
    std::vector<uint32_t> path;
    DeriveType derive = DeriveType::NonRanged;

    bool IsRange() const { return derive != DeriveType::NonRanged; }
    // Serialized size in a script, for the sh() 520-byte limit (32 for x-only).
    size_t ScriptSize() const;
    // The public form Core prints: hex keys, xpub in place of xprv, WIF as its public key.
    std::string ToString(encoding::Network network) const;
    // The key at range position `pos`; an error when a hardened step needs a private key
    // that the expression does not hold.
    util::Result<crypto::PubKey, std::string> GetPubKey(uint32_t pos, const crypto::KeyContext& ctx) const;
};

// Parses one key expression in context `ctx` (Core's ParsePubkey: no musig()).
util::Result<KeyExpression, std::string> ParseKeyExpression(std::string_view text, Context ctx,
                                                            encoding::Network network,
                                                            const crypto::KeyContext& key_ctx);

// "/0'/1h/2" as Core prints a key path (each hardened step marked ' or h).
std::string FormatKeyPath(const std::vector<uint32_t>& path, bool apostrophe);

}  // namespace tonari::bitcoin::descriptor
