// BIP32 derivation and serialization (see bip32.h).
#include "bitcoin/encoding/bip32.h"

#include <algorithm>
#include <cstring>

#include "bitcoin/encoding/address_params.h"
#include "bitcoin/encoding/base58.h"
#include "bitcoin/encoding/wipe.h"
#include "crypto/hmac.h"

namespace tonari::bitcoin::encoding {
namespace {

constexpr size_t KEY_DATA_OFFSET = 45;  // version 4 + depth 1 + fingerprint 4 + child 4 + chain 32
constexpr std::string_view SEED_KEY = "Bitcoin seed";

// The fields shared by both key types, read from or written to the 78-byte form.
struct Header {
    std::array<uint8_t, 4> version{};
    uint8_t depth = 0;
    Fingerprint parent_fingerprint{};
    uint32_t child_number = 0;
    ChainCode chain_code{};  // half of what an attacker needs to walk an xprv's children

    ~Header() { detail::Wipe(chain_code); }
};

void PutU32BE(uint8_t* out, uint32_t v) {
    out[0] = static_cast<uint8_t>(v >> 24);
    out[1] = static_cast<uint8_t>(v >> 16);
    out[2] = static_cast<uint8_t>(v >> 8);
    out[3] = static_cast<uint8_t>(v);
}

uint32_t GetU32BE(const uint8_t* in) {
    return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) | in[3];
}

std::string Serialize(const Header& h, util::ByteSpan key_data33) {
    std::array<uint8_t, BIP32_SERIALIZED_SIZE> buf{};
    std::copy(h.version.begin(), h.version.end(), buf.begin());
    buf[4] = h.depth;
    std::copy(h.parent_fingerprint.begin(), h.parent_fingerprint.end(), buf.begin() + 5);
    PutU32BE(buf.data() + 9, h.child_number);
    std::copy(h.chain_code.begin(), h.chain_code.end(), buf.begin() + 13);
    std::copy(key_data33.begin(), key_data33.end(), buf.begin() + KEY_DATA_OFFSET);
    std::string out = EncodeBase58Check(buf);
    detail::Wipe(buf);
    return out;
}

// Decodes the 78 bytes and checks everything but the key data. On success `payload` holds
// the bytes (the caller wipes them) and the header is filled in.
util::Result<Header, Bip32Error> ParseHeader(std::string_view str, Network network, bool want_private,
                                             util::Bytes& payload) {
    auto decoded = DecodeBase58Check(str, BIP32_SERIALIZED_SIZE);
    if (!decoded) {
        switch (decoded.error()) {
            case Base58Error::InvalidCharacter:
                return util::Fail(Bip32Error::InvalidEncoding);
            case Base58Error::BadChecksum:
                return util::Fail(Bip32Error::BadChecksum);
            case Base58Error::TooLong:
            case Base58Error::TooShort:
                return util::Fail(Bip32Error::WrongLength);
        }
        return util::Fail(Bip32Error::InvalidEncoding);
    }
    payload = std::move(*decoded);
    if (payload.size() != BIP32_SERIALIZED_SIZE) return util::Fail(Bip32Error::WrongLength);

    Header h;
    std::copy(payload.begin(), payload.begin() + 4, h.version.begin());
    const AddressParams& params = GetAddressParams(network);
    const auto& own = want_private ? params.ext_secret : params.ext_public;
    const auto& other = want_private ? params.ext_public : params.ext_secret;
    if (h.version != own) {
        return util::Fail(h.version == other ? Bip32Error::WrongKeyType : Bip32Error::UnknownVersion);
    }
    h.depth = payload[4];
    std::copy(payload.begin() + 5, payload.begin() + 9, h.parent_fingerprint.begin());
    h.child_number = GetU32BE(payload.data() + 9);
    std::copy(payload.begin() + 13, payload.begin() + KEY_DATA_OFFSET, h.chain_code.begin());
    if (h.depth == 0) {
        // A master key has no parent; anything else would be a forged "master".
        if (h.parent_fingerprint != Fingerprint{}) return util::Fail(Bip32Error::ZeroDepthWithParent);
        if (h.child_number != 0) return util::Fail(Bip32Error::ZeroDepthWithIndex);
    }
    return h;
}

// HMAC-SHA512(chain_code, data): I_L is the tweak, I_R the child chain code.
std::array<uint8_t, 64> ChildHmac(const ChainCode& chain_code, std::span<const uint8_t> data) {
    return crypto::HmacSha512(chain_code, data);
}

}  // namespace

std::string_view Bip32ErrorName(Bip32Error e) {
    switch (e) {
        case Bip32Error::InvalidEncoding:
            return "invalid base58 character";
        case Bip32Error::BadChecksum:
            return "invalid checksum";
        case Bip32Error::WrongLength:
            return "wrong length";
        case Bip32Error::WrongKeyType:
            return "public/private version mismatch";
        case Bip32Error::UnknownVersion:
            return "unknown extended key version";
        case Bip32Error::ZeroDepthWithParent:
            return "zero depth with non-zero parent fingerprint";
        case Bip32Error::ZeroDepthWithIndex:
            return "zero depth with non-zero index";
        case Bip32Error::InvalidKeyPrefix:
            return "invalid key data prefix";
        case Bip32Error::InvalidKey:
            return "invalid key";
    }
    return "unknown";
}

// ---------------------------------------------------------------------------------------------
// ExtPubKey

Fingerprint ExtPubKey::GetFingerprint() const {
    const util::Uint160 id = pubkey.GetId();
    Fingerprint fp;
    std::copy(id.begin(), id.begin() + 4, fp.begin());
    return fp;
}

std::optional<ExtPubKey> ExtPubKey::Derive(uint32_t index) const {
    if (index >= BIP32_HARDENED || depth >= BIP32_MAX_DEPTH) return std::nullopt;
    std::array<uint8_t, 37> data{};
    const util::ByteSpan ser = pubkey.bytes();
    std::copy(ser.begin(), ser.end(), data.begin());
    PutU32BE(data.data() + 33, index);
    const auto i = ChildHmac(chain_code, data);
    auto child_key = pubkey.TweakAdd(std::span<const uint8_t, 32>(i.data(), 32));
    if (!child_key) return std::nullopt;
    ExtPubKey child;
    child.depth = static_cast<uint8_t>(depth + 1);
    child.parent_fingerprint = GetFingerprint();
    child.child_number = index;
    std::copy(i.begin() + 32, i.end(), child.chain_code.begin());
    child.pubkey = child_key->Compressed();
    return child;
}

std::optional<ExtPubKey> ExtPubKey::DerivePath(std::span<const uint32_t> path) const {
    std::optional<ExtPubKey> cur = *this;
    for (uint32_t index : path) {
        cur = cur->Derive(index);
        if (!cur) return std::nullopt;
    }
    return cur;
}

std::string ExtPubKey::Encode(Network network) const {
    Header h{GetAddressParams(network).ext_public, depth, parent_fingerprint, child_number, chain_code};
    return Serialize(h, pubkey.bytes());
}

util::Result<ExtPubKey, Bip32Error> ExtPubKey::Decode(std::string_view str, Network network) {
    util::Bytes payload;
    auto h = ParseHeader(str, network, /*want_private=*/false, payload);
    if (!h) return util::Fail(h.error());
    const util::ByteSpan key_data = util::ByteSpan(payload).subspan(KEY_DATA_OFFSET);
    if (key_data[0] != 0x02 && key_data[0] != 0x03) return util::Fail(Bip32Error::InvalidKeyPrefix);
    auto pubkey = crypto::PubKey::Parse(key_data);
    if (!pubkey) return util::Fail(Bip32Error::InvalidKey);
    ExtPubKey out;
    out.depth = h->depth;
    out.parent_fingerprint = h->parent_fingerprint;
    out.child_number = h->child_number;
    out.chain_code = h->chain_code;
    out.pubkey = *pubkey;
    return out;
}

// ---------------------------------------------------------------------------------------------
// ExtKey

ExtKey::~ExtKey() {
    detail::Wipe(chain_code);
}

std::optional<ExtKey> ExtKey::FromSeed(util::ByteSpan seed) {
    if (seed.size() < BIP32_MIN_SEED_SIZE || seed.size() > BIP32_MAX_SEED_SIZE) return std::nullopt;
    auto i = crypto::HmacSha512(util::AsBytes(SEED_KEY), seed);
    auto key = crypto::PrivKey::FromBytes(util::ByteSpan(i.data(), 32), /*compressed=*/true);
    std::optional<ExtKey> out;
    if (key) {
        out.emplace(ExtKey{.key = *key});
        std::copy(i.begin() + 32, i.end(), out->chain_code.begin());
    }
    detail::Wipe(i);
    return out;
}

std::optional<ExtKey> ExtKey::Derive(const crypto::KeyContext& ctx, uint32_t index) const {
    if (depth >= BIP32_MAX_DEPTH) return std::nullopt;
    const crypto::PubKey parent_pub = key.GetPubKey(ctx).Compressed();
    std::array<uint8_t, 37> data{};
    if (index >= BIP32_HARDENED) {
        data[0] = 0x00;  // hardened: commit to the private key, so the xpub cannot follow
        std::copy(key.bytes().begin(), key.bytes().end(), data.begin() + 1);
    } else {
        const util::ByteSpan ser = parent_pub.bytes();
        std::copy(ser.begin(), ser.end(), data.begin());
    }
    PutU32BE(data.data() + 33, index);
    auto i = ChildHmac(chain_code, data);
    detail::Wipe(data);
    auto child_key = key.TweakAdd(std::span<const uint8_t, 32>(i.data(), 32));
    std::optional<ExtKey> child;
    if (child_key) {
        const util::Uint160 id = parent_pub.GetId();
        child.emplace(
            ExtKey{.depth = static_cast<uint8_t>(depth + 1), .child_number = index, .key = *child_key});
        std::copy(id.begin(), id.begin() + 4, child->parent_fingerprint.begin());
        std::copy(i.begin() + 32, i.end(), child->chain_code.begin());
    }
    detail::Wipe(i);
    return child;
}

std::optional<ExtKey> ExtKey::DerivePath(const crypto::KeyContext& ctx,
                                         std::span<const uint32_t> path) const {
    std::optional<ExtKey> cur = *this;
    for (uint32_t index : path) {
        cur = cur->Derive(ctx, index);
        if (!cur) return std::nullopt;
    }
    return cur;
}

ExtPubKey ExtKey::Neuter(const crypto::KeyContext& ctx) const {
    ExtPubKey out;
    out.depth = depth;
    out.parent_fingerprint = parent_fingerprint;
    out.child_number = child_number;
    out.chain_code = chain_code;
    out.pubkey = key.GetPubKey(ctx).Compressed();
    return out;
}

std::string ExtKey::Encode(Network network) const {
    Header h{GetAddressParams(network).ext_secret, depth, parent_fingerprint, child_number, chain_code};
    std::array<uint8_t, 33> key_data{};
    std::copy(key.bytes().begin(), key.bytes().end(), key_data.begin() + 1);
    std::string out = Serialize(h, key_data);
    detail::Wipe(key_data);
    return out;
}

util::Result<ExtKey, Bip32Error> ExtKey::Decode(std::string_view str, Network network) {
    util::Bytes payload;
    auto h = ParseHeader(str, network, /*want_private=*/true, payload);
    struct WipeOnExit {
        util::Bytes& bytes;
        ~WipeOnExit() { detail::Wipe(bytes); }
    } wipe{payload};
    if (!h) return util::Fail(h.error());
    const util::ByteSpan key_data = util::ByteSpan(payload).subspan(KEY_DATA_OFFSET);
    if (key_data[0] != 0x00) return util::Fail(Bip32Error::InvalidKeyPrefix);
    auto key = crypto::PrivKey::FromBytes(key_data.subspan(1), /*compressed=*/true);
    if (!key) return util::Fail(Bip32Error::InvalidKey);
    return ExtKey{h->depth, h->parent_fingerprint, h->child_number, h->chain_code, *key};
}

// ---------------------------------------------------------------------------------------------
// Derivation paths

std::string_view PathErrorName(PathError e) {
    switch (e) {
        case PathError::Empty:
            return "empty path";
        case PathError::MisplacedRoot:
            return "'m' is only allowed first";
        case PathError::EmptyElement:
            return "empty path element";
        case PathError::InvalidNumber:
            return "invalid path element";
        case PathError::IndexTooLarge:
            return "index out of range";
        case PathError::TooDeep:
            return "path too deep";
    }
    return "unknown";
}

util::Result<std::vector<uint32_t>, PathError> ParseDerivationPath(std::string_view path) {
    if (path.empty()) return util::Fail(PathError::Empty);
    std::vector<uint32_t> out;
    size_t start = 0;
    bool first = true;
    while (true) {
        const size_t slash = path.find('/', start);
        std::string_view item =
            path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (item == "m") {
            if (!first) return util::Fail(PathError::MisplacedRoot);
        } else {
            if (item.empty()) return util::Fail(PathError::EmptyElement);
            bool hardened = false;
            if (item.back() == '\'' || item.back() == 'h') {
                hardened = true;
                item.remove_suffix(1);
            }
            if (item.empty()) return util::Fail(PathError::InvalidNumber);
            uint64_t value = 0;
            for (char c : item) {
                if (c < '0' || c > '9') return util::Fail(PathError::InvalidNumber);
                value = value * 10 + static_cast<uint64_t>(c - '0');
                // Stop before a long digit string could overflow the accumulator.
                if (value >= BIP32_HARDENED) return util::Fail(PathError::IndexTooLarge);
            }
            if (out.size() >= BIP32_MAX_DEPTH) return util::Fail(PathError::TooDeep);
            out.push_back(static_cast<uint32_t>(value) | (hardened ? BIP32_HARDENED : 0));
        }
        first = false;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return out;
}

std::string FormatDerivationPath(std::span<const uint32_t> path) {
    std::string out = "m";
    for (uint32_t index : path) {
        out += '/';
        out += std::to_string(index & ~BIP32_HARDENED);
        if (index & BIP32_HARDENED) out += '\'';
    }
    return out;
}

}  // namespace tonari::bitcoin::encoding
