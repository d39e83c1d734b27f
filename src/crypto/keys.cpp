// secp256k1 keys over libsecp256k1 (ECDSA, BIP340 Schnorr, BIP341 taproot tweaks), plus the
// historic lax DER signature parser that Bitcoin consensus depends on.
#include "crypto/keys.h"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <cstdlib>
#include <cstring>

#include "crypto/random.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"

namespace tonari::crypto {
namespace {

// Verification, parsing and public tweaks need no secret-dependent precomputation, so they
// use the library's read-only static context and are safe from any thread.
const secp256k1_context* Static() {
    return secp256k1_context_static;
}

// Overwrites secrets in a way the optimiser may not drop as a dead store.
void Cleanse(void* p, size_t n) {
    std::memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

// A failed libsecp256k1 call on inputs we already validated means a bug or a hardware fault.
void Require(int ok) {
    if (ok != 1) std::abort();
}

bool ParsePubKey(util::ByteSpan bytes, secp256k1_pubkey& out) {
    if (bytes.empty()) return false;
    return secp256k1_ec_pubkey_parse(Static(), &out, bytes.data(), bytes.size()) == 1;
}

// Serializes compressed (33 bytes) or uncompressed (65 bytes) into `buf`, returning the size.
size_t SerializePubKey(const secp256k1_pubkey& key, bool compressed, uint8_t* buf) {
    size_t len = compressed ? PubKey::COMPRESSED_SIZE : PubKey::UNCOMPRESSED_SIZE;
    Require(secp256k1_ec_pubkey_serialize(Static(), buf, &len, &key,
                                          compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED));
    return len;
}

util::Uint256 TapTweakHash(const std::array<uint8_t, 32>& internal_key, const util::Uint256* merkle_root) {
    Sha256 hasher = TaggedHasher("TapTweak");
    hasher.Write(internal_key);
    if (merkle_root != nullptr) hasher.Write(merkle_root->span());
    return util::Uint256(hasher.Finalize());
}

// Lax DER: an encoded length may use at most this many non-zero length octets. Longer ones
// would let a signature claim a multi-gigabyte integer (and overflow a 32-bit size_t); the
// historic parser stopped at three so that every platform agrees on which signatures parse.
constexpr size_t LAX_DER_MAX_LENGTH_OCTETS = 3;

// Reads one INTEGER's tag and length at `pos`; on success sets its content range and moves
// `pos` past it.
bool ReadLaxInteger(util::ByteSpan sig, size_t& pos, size_t& start, size_t& size) {
    const size_t len = sig.size();
    if (pos == len || sig[pos] != 0x02) return false;
    ++pos;
    if (pos == len) return false;
    size_t n = sig[pos++];
    if (n & 0x80) {
        size_t octets = n - 0x80;
        if (octets > len - pos) return false;
        while (octets > 0 && sig[pos] == 0) {  // zero length octets are skipped, not counted
            ++pos;
            --octets;
        }
        if (octets > LAX_DER_MAX_LENGTH_OCTETS) return false;
        n = 0;
        for (; octets > 0; --octets) n = (n << 8) | sig[pos++];
    }
    if (n > len - pos) return false;
    start = pos;
    size = n;
    pos += n;
    return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Lax DER

std::optional<std::array<uint8_t, 64>> ParseDerLax(util::ByteSpan sig) {
    const size_t len = sig.size();
    size_t pos = 0;

    // SEQUENCE tag, then its length, which is skipped over but never compared with anything:
    // early signatures in the chain carry wrong sequence lengths.
    if (pos == len || sig[pos] != 0x30) return std::nullopt;
    ++pos;
    if (pos == len) return std::nullopt;
    const size_t seq_len = sig[pos++];
    if (seq_len & 0x80) {
        const size_t octets = seq_len - 0x80;
        if (octets > len - pos) return std::nullopt;
        pos += octets;
    }

    size_t r_start = 0, r_size = 0, s_start = 0, s_size = 0;
    if (!ReadLaxInteger(sig, pos, r_start, r_size)) return std::nullopt;
    if (!ReadLaxInteger(sig, pos, s_start, s_size)) return std::nullopt;
    // Bytes after S are ignored.

    // Leading zero bytes carry no value (and negative numbers are read as unsigned).
    while (r_size > 0 && sig[r_start] == 0) {
        ++r_start;
        --r_size;
    }
    while (s_size > 0 && sig[s_start] == 0) {
        ++s_start;
        --s_size;
    }

    std::array<uint8_t, 64> out{};
    // A value wider than 32 bytes still "parses", but as r = s = 0, which never verifies.
    if (r_size > 32 || s_size > 32) return out;
    if (r_size > 0) std::memcpy(out.data() + 32 - r_size, sig.data() + r_start, r_size);
    if (s_size > 0) std::memcpy(out.data() + 64 - s_size, sig.data() + s_start, s_size);
    return out;
}

// ---------------------------------------------------------------------------------------------
// KeyContext

KeyContext::KeyContext() {
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (ctx == nullptr) std::abort();
    m_ctx.reset(ctx);
    // Blinding: signing's scalar multiplication then works on randomized values, which
    // hides the secret from timing and power side channels.
    std::array<uint8_t, 32> seed;
    RandomBytes(seed);
    Require(secp256k1_context_randomize(ctx, seed.data()));
    Cleanse(seed.data(), seed.size());
}

KeyContext::~KeyContext() = default;

void KeyContext::Deleter::operator()(secp256k1_context_struct* ctx) const {
    secp256k1_context_destroy(ctx);
}

// ---------------------------------------------------------------------------------------------
// PubKey

std::optional<PubKey> PubKey::Parse(util::ByteSpan bytes) {
    if (bytes.size() != COMPRESSED_SIZE && bytes.size() != UNCOMPRESSED_SIZE) return std::nullopt;
    secp256k1_pubkey key;
    if (!ParsePubKey(bytes, key)) return std::nullopt;
    return FromValidBytes(bytes);
}

PubKey PubKey::FromValidBytes(util::ByteSpan bytes) {
    PubKey out;
    std::memcpy(out.m_data.data(), bytes.data(), bytes.size());
    out.m_size = bytes.size();
    return out;
}

util::Uint160 PubKey::GetId() const {
    return Hash160(bytes());
}

PubKey PubKey::Compressed() const {
    secp256k1_pubkey key;
    Require(ParsePubKey(bytes(), key));
    uint8_t buf[UNCOMPRESSED_SIZE];
    const size_t len = SerializePubKey(key, true, buf);
    return FromValidBytes({buf, len});
}

PubKey PubKey::Uncompressed() const {
    secp256k1_pubkey key;
    Require(ParsePubKey(bytes(), key));
    uint8_t buf[UNCOMPRESSED_SIZE];
    const size_t len = SerializePubKey(key, false, buf);
    return FromValidBytes({buf, len});
}

XOnlyPubKey PubKey::XOnly() const {
    // Every encoding stores X right after its prefix byte.
    return XOnlyPubKey::FromValidBytes(bytes().subspan(1, 32));
}

bool PubKey::VerifyEcdsa(const util::Uint256& hash, util::ByteSpan der_sig) const {
    return VerifyEcdsaSerialized(bytes(), hash, der_sig);
}

bool VerifyEcdsaSerialized(util::ByteSpan pubkey, const util::Uint256& hash, util::ByteSpan der_sig) {
    secp256k1_pubkey key;
    if (!ParsePubKey(pubkey, key)) return false;
    const auto rs = ParseDerLax(der_sig);
    if (!rs) return false;
    secp256k1_ecdsa_signature sig;
    // r or s >= n: the historic parser substitutes r = s = 0, which cannot verify either.
    if (!secp256k1_ecdsa_signature_parse_compact(Static(), &sig, rs->data())) return false;
    // libsecp256k1 only accepts low S; consensus accepts both, so normalize first.
    secp256k1_ecdsa_signature_normalize(Static(), &sig, &sig);
    return secp256k1_ecdsa_verify(Static(), &sig, hash.data(), &key) == 1;
}

std::optional<PubKey> PubKey::TweakAdd(std::span<const uint8_t, 32> tweak) const {
    secp256k1_pubkey key;
    if (!ParsePubKey(bytes(), key)) return std::nullopt;
    if (!secp256k1_ec_pubkey_tweak_add(Static(), &key, tweak.data())) return std::nullopt;
    uint8_t buf[UNCOMPRESSED_SIZE];
    const size_t len = SerializePubKey(key, IsCompressed(), buf);
    return FromValidBytes({buf, len});
}

// ---------------------------------------------------------------------------------------------
// XOnlyPubKey

std::optional<XOnlyPubKey> XOnlyPubKey::Parse(util::ByteSpan bytes) {
    if (bytes.size() != 32) return std::nullopt;
    secp256k1_xonly_pubkey key;
    if (!secp256k1_xonly_pubkey_parse(Static(), &key, bytes.data())) return std::nullopt;
    return FromValidBytes(bytes);
}

XOnlyPubKey XOnlyPubKey::FromValidBytes(util::ByteSpan bytes32) {
    XOnlyPubKey out;
    std::memcpy(out.m_data.data(), bytes32.data(), 32);
    return out;
}

bool XOnlyPubKey::VerifySchnorr(util::ByteSpan msg, util::ByteSpan sig64) const {
    return VerifySchnorrSerialized(m_data, msg, sig64);
}

bool VerifySchnorrSerialized(util::ByteSpan xonly_pubkey, util::ByteSpan msg, util::ByteSpan sig64) {
    if (sig64.size() != 64 || xonly_pubkey.size() != 32) return false;
    secp256k1_xonly_pubkey key;
    if (!secp256k1_xonly_pubkey_parse(Static(), &key, xonly_pubkey.data())) return false;
    static const uint8_t EMPTY = 0;  // libsecp256k1 wants a non-null pointer
    const uint8_t* msg_ptr = msg.empty() ? &EMPTY : msg.data();
    return secp256k1_schnorrsig_verify(Static(), sig64.data(), msg_ptr, msg.size(), &key) == 1;
}

util::Uint256 XOnlyPubKey::ComputeTapTweakHash(const util::Uint256* merkle_root) const {
    return TapTweakHash(m_data, merkle_root);
}

std::optional<std::pair<XOnlyPubKey, bool>> XOnlyPubKey::CreateTapTweak(
    const util::Uint256* merkle_root) const {
    secp256k1_xonly_pubkey internal;
    if (!secp256k1_xonly_pubkey_parse(Static(), &internal, m_data.data())) return std::nullopt;
    const util::Uint256 tweak = TapTweakHash(m_data, merkle_root);
    secp256k1_pubkey output;
    // Fails if the tweak is >= n or Q is infinity (negligible chance for a hash).
    if (!secp256k1_xonly_pubkey_tweak_add(Static(), &output, &internal, tweak.data())) return std::nullopt;
    secp256k1_xonly_pubkey output_x;
    int parity = 0;
    Require(secp256k1_xonly_pubkey_from_pubkey(Static(), &output_x, &parity, &output));
    XOnlyPubKey out;
    Require(secp256k1_xonly_pubkey_serialize(Static(), out.m_data.data(), &output_x));
    return std::make_pair(out, parity != 0);
}

bool XOnlyPubKey::CheckTapTweak(const XOnlyPubKey& output, const util::Uint256& merkle_root,
                                bool output_parity) const {
    return CheckTapTweakSerialized(m_data, output.m_data, merkle_root, output_parity);
}

bool CheckTapTweakSerialized(util::ByteSpan internal, util::ByteSpan output, const util::Uint256& merkle_root,
                             bool output_parity) {
    if (internal.size() != 32 || output.size() != 32) return false;
    secp256k1_xonly_pubkey internal_key;
    if (!secp256k1_xonly_pubkey_parse(Static(), &internal_key, internal.data())) return false;
    std::array<uint8_t, 32> internal_bytes;
    std::copy(internal.begin(), internal.end(), internal_bytes.begin());
    const util::Uint256 tweak = TapTweakHash(internal_bytes, &merkle_root);
    return secp256k1_xonly_pubkey_tweak_add_check(Static(), output.data(), output_parity ? 1 : 0, &internal_key,
                                                  tweak.data()) == 1;
}

// ---------------------------------------------------------------------------------------------
// PrivKey

std::optional<PrivKey> PrivKey::FromBytes(util::ByteSpan bytes, bool compressed) {
    if (bytes.size() != 32) return std::nullopt;
    if (!secp256k1_ec_seckey_verify(Static(), bytes.data())) return std::nullopt;  // 0 or >= n
    PrivKey key;
    std::memcpy(key.m_key.data(), bytes.data(), 32);
    key.m_compressed = compressed;
    return key;
}

PrivKey PrivKey::Generate(bool compressed) {
    PrivKey key;
    key.m_compressed = compressed;
    // Out of range with probability about 2^-128; draw again in that case.
    do {
        RandomBytes(key.m_key);
    } while (!secp256k1_ec_seckey_verify(Static(), key.m_key.data()));
    return key;
}

PrivKey::~PrivKey() {
    Cleanse(m_key.data(), m_key.size());
}

PubKey PrivKey::GetPubKey(const KeyContext& ctx) const {
    secp256k1_pubkey key;
    Require(secp256k1_ec_pubkey_create(ctx.get(), &key, m_key.data()));
    uint8_t buf[PubKey::UNCOMPRESSED_SIZE];
    const size_t len = SerializePubKey(key, m_compressed, buf);
    return PubKey::FromValidBytes({buf, len});
}

util::Bytes PrivKey::SignEcdsa(const KeyContext& ctx, const util::Uint256& hash) const {
    secp256k1_ecdsa_signature sig;
    // libsecp256k1 always produces low-S signatures.
    Require(secp256k1_ecdsa_sign(ctx.get(), &sig, hash.data(), m_key.data(), secp256k1_nonce_function_rfc6979,
                                 nullptr));
    // Check the signature before it leaves: a fault during signing could leak the key.
    secp256k1_pubkey pub;
    Require(secp256k1_ec_pubkey_create(ctx.get(), &pub, m_key.data()));
    Require(secp256k1_ecdsa_verify(Static(), &sig, hash.data(), &pub));
    uint8_t der[72];
    size_t len = sizeof(der);
    Require(secp256k1_ecdsa_signature_serialize_der(Static(), der, &len, &sig));
    return util::Bytes(der, der + len);
}

std::array<uint8_t, 64> PrivKey::SignSchnorr(const KeyContext& ctx, const util::Uint256& msg,
                                             const util::Uint256& aux_rand) const {
    return SignSchnorrMessage(ctx, msg.span(), aux_rand);
}

std::array<uint8_t, 64> PrivKey::SignSchnorrMessage(const KeyContext& ctx, util::ByteSpan msg,
                                                    const util::Uint256& aux_rand) const {
    secp256k1_keypair keypair;
    Require(secp256k1_keypair_create(ctx.get(), &keypair, m_key.data()));
    secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
    params.ndata = const_cast<uint8_t*>(aux_rand.data());  // read only, despite the void*
    static const uint8_t EMPTY = 0;
    const uint8_t* msg_ptr = msg.empty() ? &EMPTY : msg.data();
    std::array<uint8_t, 64> sig;
    Require(secp256k1_schnorrsig_sign_custom(ctx.get(), sig.data(), msg_ptr, msg.size(), &keypair, &params));
    // BIP340 recommends verifying before release, against faults that could leak the key.
    secp256k1_xonly_pubkey pub;
    Require(secp256k1_keypair_xonly_pub(Static(), &pub, nullptr, &keypair));
    Cleanse(&keypair, sizeof(keypair));
    Require(secp256k1_schnorrsig_verify(Static(), sig.data(), msg_ptr, msg.size(), &pub));
    return sig;
}

std::optional<PrivKey> PrivKey::TweakAdd(std::span<const uint8_t, 32> tweak) const {
    PrivKey out(*this);
    if (!secp256k1_ec_seckey_tweak_add(Static(), out.m_key.data(), tweak.data())) return std::nullopt;
    return out;
}

std::optional<PrivKey> PrivKey::TapTweak(const KeyContext& ctx, const util::Uint256* merkle_root) const {
    secp256k1_keypair keypair;
    Require(secp256k1_keypair_create(ctx.get(), &keypair, m_key.data()));
    secp256k1_xonly_pubkey internal;
    Require(secp256k1_keypair_xonly_pub(Static(), &internal, nullptr, &keypair));
    std::array<uint8_t, 32> internal_bytes;
    Require(secp256k1_xonly_pubkey_serialize(Static(), internal_bytes.data(), &internal));
    const util::Uint256 tweak = TapTweakHash(internal_bytes, merkle_root);

    std::optional<PrivKey> out;
    // Negates the secret when P has odd Y, then adds the tweak (BIP341 taproot_tweak_seckey).
    if (secp256k1_keypair_xonly_tweak_add(ctx.get(), &keypair, tweak.data())) {
        PrivKey key;
        key.m_compressed = m_compressed;
        Require(secp256k1_keypair_sec(Static(), key.m_key.data(), &keypair));
        out = key;
    }
    Cleanse(&keypair, sizeof(keypair));
    return out;
}

}  // namespace tonari::crypto
