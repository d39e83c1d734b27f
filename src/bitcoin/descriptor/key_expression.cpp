// Key expressions of output descriptors: parsing (origin, hex, WIF, extended keys, paths and
// ranges), the canonical public text, and derivation at a range position.
#include "bitcoin/descriptor/key_expression.h"

#include "bitcoin/encoding/wif.h"
#include "util/hex.h"
#include "util/parse.h"

namespace tonari::bitcoin::descriptor {
namespace {

using util::Fail;

constexpr uint32_t MAX_UNHARDENED_INDEX = 0x7FFFFFFF;

bool IsSpace(char c) {
    return c == ' ' || c == '\f' || c == '\n' || c == '\r' || c == '\t' || c == '\v';
}

// One path element: decimal digits with an optional ' or h hardened marker.
util::Result<uint32_t, std::string> ParseKeyPathNum(std::string_view elem, bool& apostrophe) {
    bool hardened = false;
    if (!elem.empty() && (elem.back() == '\'' || elem.back() == 'h')) {
        apostrophe = elem.back() == '\'';
        elem.remove_suffix(1);
        hardened = true;
    }
    const auto parsed = util::ToIntegral<uint32_t>(elem);
    if (!parsed) return Fail("Key path value '" + std::string(elem) + "' is not a valid uint32");
    const uint32_t value = *parsed;
    if (value > MAX_UNHARDENED_INDEX) return Fail("Key path value " + std::to_string(value) + " is out of range");
    return value | (hardened ? encoding::BIP32_HARDENED : 0);
}

// Elements 1.. of `split` (element 0 is the key or fingerprint).
util::Result<std::vector<uint32_t>, std::string> ParseKeyPath(const std::vector<std::string_view>& split,
                                                             bool& apostrophe) {
    std::vector<uint32_t> path;
    for (size_t i = 1; i < split.size(); ++i) {
        const std::string_view elem = split[i];
        if (elem.size() >= 2 && elem.front() == '<' && elem.back() == '>') {
            return Fail(std::string("Multipath key path specifiers are not supported"));
        }
        auto num = ParseKeyPathNum(elem, apostrophe);
        if (!num) return Fail(num.error());
        path.push_back(*num);
    }
    return path;
}

util::Result<KeyExpression, std::string> ParseInner(std::string_view text, Context ctx, encoding::Network network,
                                                    const crypto::KeyContext& key_ctx, bool& apostrophe) {
    const bool permit_uncompressed = ctx == Context::Top || ctx == Context::P2SH;
    std::vector<std::string_view> split = util::Split(text, '/');
    const std::string str(split[0]);
    if (str.empty()) return Fail(std::string("No key provided"));
    if (IsSpace(str.front()) || IsSpace(str.back())) return Fail("Key '" + str + "' is invalid due to whitespace");
    KeyExpression key;
    if (split.size() == 1) {
        if (util::IsHex(str)) {
            const util::Bytes data = *util::HexDecode(str);
            // A hybrid key (06/07 prefix) is a valid encoding that descriptors refuse.
            if (data.size() == crypto::PubKey::UNCOMPRESSED_SIZE && (data[0] == 0x06 || data[0] == 0x07)) {
                return Fail(std::string("Hybrid public keys are not allowed"));
            }
            if (auto pubkey = crypto::PubKey::Parse(data)) {
                if (!permit_uncompressed && !pubkey->IsCompressed()) {
                    return Fail(std::string("Uncompressed keys are not allowed"));
                }
                key.pubkey = *pubkey;
                return key;
            }
            if (data.size() == 32 && ctx == Context::P2TR) {
                util::Bytes full{0x02};
                full.insert(full.end(), data.begin(), data.end());
                if (auto pubkey = crypto::PubKey::Parse(full)) {
                    key.pubkey = *pubkey;
                    key.xonly = true;
                    return key;
                }
            }
            return Fail("Pubkey '" + str + "' is invalid");
        }
        if (auto secret = encoding::DecodeWif(str, network)) {
            if (!permit_uncompressed && !secret->IsCompressed()) {
                return Fail(std::string("Uncompressed keys are not allowed"));
            }
            key.pubkey = secret->GetPubKey(key_ctx);
            key.xonly = ctx == Context::P2TR;
            key.has_private = true;
            return key;
        }
    }
    auto xprv = encoding::ExtKey::Decode(str, network);
    auto xpub = encoding::ExtPubKey::Decode(str, network);
    if (!xprv && !xpub) return Fail("key '" + str + "' is not valid");
    if (split.back() == "*") {
        split.pop_back();
        key.derive = DeriveType::Unhardened;
    } else if (split.back() == "*'" || split.back() == "*h") {
        apostrophe = split.back() == "*'";
        split.pop_back();
        key.derive = DeriveType::Hardened;
    }
    auto path = ParseKeyPath(split, apostrophe);
    if (!path) return Fail(path.error());
    key.path = std::move(*path);
    if (xprv) {
        key.xpub = xprv->Neuter(key_ctx);
        key.xprv = std::move(*xprv);
        key.has_private = true;
    } else {
        key.xpub = std::move(*xpub);
    }
    return key;
}

}  // namespace

std::string FormatKeyPath(const std::vector<uint32_t>& path, bool apostrophe) {
    std::string out;
    for (const uint32_t step : path) {
        out += '/';
        out += std::to_string(step & MAX_UNHARDENED_INDEX);
        if (step & encoding::BIP32_HARDENED) out += apostrophe ? '\'' : 'h';
    }
    return out;
}

size_t KeyExpression::ScriptSize() const {
    if (pubkey) return xonly ? 32 : pubkey->size();
    return crypto::PubKey::COMPRESSED_SIZE;
}

std::string KeyExpression::ToString(encoding::Network network) const {
    std::string out;
    if (origin) out += "[" + util::HexEncode(origin->fingerprint) + FormatKeyPath(origin->path, apostrophe) + "]";
    if (pubkey) {
        const std::string hex = util::HexEncode(pubkey->bytes());
        return out + (xonly ? hex.substr(2) : hex);
    }
    out += xpub->Encode(network) + FormatKeyPath(path, apostrophe);
    if (derive == DeriveType::Unhardened) out += "/*";
    if (derive == DeriveType::Hardened) out += apostrophe ? "/*'" : "/*h";
    return out;
}

util::Result<crypto::PubKey, std::string> KeyExpression::GetPubKey(uint32_t pos, const crypto::KeyContext& ctx) const {
    if (pubkey) return *pubkey;
    std::vector<uint32_t> full = path;
    if (derive == DeriveType::Unhardened) full.push_back(pos);
    if (derive == DeriveType::Hardened) full.push_back(pos | encoding::BIP32_HARDENED);
    if (xprv) {
        auto derived = xprv->DerivePath(ctx, full);
        if (!derived) return Fail(std::string("Key derivation failed"));
        return derived->key.GetPubKey(ctx);
    }
    for (const uint32_t step : full) {
        if (step & encoding::BIP32_HARDENED) return Fail(std::string("Cannot derive script without private keys"));
    }
    auto derived = xpub->DerivePath(full);
    if (!derived) return Fail(std::string("Key derivation failed"));
    return derived->pubkey;
}

util::Result<KeyExpression, std::string> ParseKeyExpression(std::string_view text, Context ctx,
                                                            encoding::Network network,
                                                            const crypto::KeyContext& key_ctx) {
    const std::vector<std::string_view> origin_split = util::Split(text, ']');
    if (origin_split.size() > 2) return Fail(std::string("Multiple ']' characters found for a single pubkey"));
    bool apostrophe = false;
    if (origin_split.size() == 1) {
        auto key = ParseInner(origin_split[0], ctx, network, key_ctx, apostrophe);
        if (key) key->apostrophe = apostrophe;
        return key;
    }
    if (origin_split[0].empty() || origin_split[0][0] != '[') {
        const char got = origin_split[0].empty() ? ']' : origin_split[0][0];
        return Fail(std::string("Key origin start '[ character expected but not found, got '") + got + "' instead");
    }
    const std::vector<std::string_view> slash_split = util::Split(origin_split[0].substr(1), '/');
    if (slash_split[0].size() != 8) {
        return Fail("Fingerprint is not 4 bytes (" + std::to_string(slash_split[0].size()) +
                    " characters instead of 8 characters)");
    }
    const std::string fingerprint_hex(slash_split[0]);
    if (!util::IsHex(fingerprint_hex)) return Fail("Fingerprint '" + fingerprint_hex + "' is not hex");
    KeyOrigin origin;
    const util::Bytes fingerprint = *util::HexDecode(fingerprint_hex);
    std::copy(fingerprint.begin(), fingerprint.end(), origin.fingerprint.begin());
    for (size_t i = 1; i < slash_split.size(); ++i) {
        const std::string_view elem = slash_split[i];
        if (elem.size() >= 2 && elem.front() == '<' && elem.back() == '>') {
            return Fail("Key path value '" + std::string(elem) +
                        "' specifies multipath in a section where multipath is not allowed");
        }
    }
    auto path = ParseKeyPath(slash_split, apostrophe);
    if (!path) return Fail(path.error());
    origin.path = std::move(*path);
    auto key = ParseInner(origin_split[1], ctx, network, key_ctx, apostrophe);
    if (!key) return key;
    key->origin = std::move(origin);
    key->apostrophe = apostrophe;
    return key;
}

}  // namespace tonari::bitcoin::descriptor
