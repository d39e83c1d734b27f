// MuHash3072 over OpenSSL BIGNUM; OpenSSL headers stay in crypto/.
#include "crypto/muhash.h"

#include <cstdlib>

#include "crypto/chacha20.h"
#include "crypto/openssl_bn.h"
#include "crypto/sha256.h"

namespace tonari::crypto {
namespace {

using openssl::Bn;
using openssl::BnCtx;

// 2^3072 - MAX_PRIME_DIFF is the largest prime below 2^3072.
constexpr unsigned long MAX_PRIME_DIFF = 1103717;

Bn NewBn() {
    Bn b(BN_new());
    if (!b) std::abort();  // allocation failure: nothing sensible to return
    return b;
}

Bn Prime() {
    Bn p = NewBn();
    BN_set_bit(p.get(), 3072);
    BN_sub_word(p.get(), MAX_PRIME_DIFF);
    return p;
}

Bn FromLittleEndian(util::ByteSpan bytes) {
    Bn b(BN_lebin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!b) std::abort();
    return b;
}

util::Bytes ToLittleEndian(const BIGNUM* b) {
    util::Bytes out(MuHash3072::BYTE_SIZE);
    BN_bn2lebinpad(b, out.data(), static_cast<int>(out.size()));
    return out;
}

// The element's number: ChaCha20 keystream (nonce 0, blocks 0..5) keyed by SHA-256(element).
Bn ElementNumber(util::ByteSpan element) {
    const Sha256::Digest digest = Sha256Hash(element);
    ChaChaKey key;
    std::copy(digest.begin(), digest.end(), key.begin());
    util::Bytes stream(MuHash3072::BYTE_SIZE, 0);
    ChaCha20Xor(key, ChaChaNonce{}, 0, stream);
    return FromLittleEndian(stream);
}

}  // namespace

struct MuHash3072::State {
    Bn prime = Prime();
    Bn numerator = NewBn();
    Bn denominator = NewBn();
    BnCtx ctx{BN_CTX_new()};

    State() {
        if (!ctx) std::abort();
        BN_one(numerator.get());
        BN_one(denominator.get());
    }
    void MulInto(BIGNUM* target, const BIGNUM* factor) {
        BN_mod_mul(target, target, factor, prime.get(), ctx.get());
    }
};

MuHash3072::MuHash3072() : m_state(std::make_unique<State>()) {}
MuHash3072::~MuHash3072() = default;
MuHash3072::MuHash3072(MuHash3072&&) noexcept = default;
MuHash3072& MuHash3072::operator=(MuHash3072&&) noexcept = default;

void MuHash3072::Insert(util::ByteSpan element) { m_state->MulInto(m_state->numerator.get(), ElementNumber(element).get()); }

void MuHash3072::Remove(util::ByteSpan element) { m_state->MulInto(m_state->denominator.get(), ElementNumber(element).get()); }

MuHash3072& MuHash3072::operator*=(const MuHash3072& other) {
    m_state->MulInto(m_state->numerator.get(), other.m_state->numerator.get());
    m_state->MulInto(m_state->denominator.get(), other.m_state->denominator.get());
    return *this;
}

MuHash3072& MuHash3072::operator/=(const MuHash3072& other) {
    m_state->MulInto(m_state->numerator.get(), other.m_state->denominator.get());
    m_state->MulInto(m_state->denominator.get(), other.m_state->numerator.get());
    return *this;
}

util::Uint256 MuHash3072::Finalize() const {
    State& s = *m_state;
    Bn inverse = NewBn();
    Bn value = NewBn();
    // The denominator is a product of numbers below 2^3072, none a multiple of the prime in
    // practice; a zero (or multiple of p) element would make the set hash meaningless anyway.
    if (!BN_mod_inverse(inverse.get(), s.denominator.get(), s.prime.get(), s.ctx.get())) BN_zero(inverse.get());
    BN_mod_mul(value.get(), s.numerator.get(), inverse.get(), s.prime.get(), s.ctx.get());
    const util::Bytes bytes = ToLittleEndian(value.get());
    return util::Uint256(Sha256Hash(bytes));
}

util::Bytes MuHash3072::Serialize() const {
    util::Bytes out = ToLittleEndian(m_state->numerator.get());
    const util::Bytes den = ToLittleEndian(m_state->denominator.get());
    out.insert(out.end(), den.begin(), den.end());
    return out;
}

MuHash3072 MuHash3072::Deserialize(std::span<const uint8_t, 2 * BYTE_SIZE> bytes) {
    MuHash3072 h;
    h.m_state->numerator = FromLittleEndian(util::ByteSpan(bytes).first(BYTE_SIZE));
    h.m_state->denominator = FromLittleEndian(util::ByteSpan(bytes).subspan(BYTE_SIZE));
    return h;
}

}  // namespace tonari::crypto
