// ElligatorSwift on secp256k1 (see ellswift.h), following BIP324's definitions of XSwiftEC,
// XSwiftECInv and XElligatorSwift step by step over OpenSSL BIGNUMs modulo p.
#include "crypto/ellswift.h"

#include <secp256k1.h>
#include <secp256k1_ecdh.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "crypto/openssl_bn.h"
#include "crypto/random.h"

namespace tonari::crypto {

namespace {

void Require(bool ok) {
    if (!ok) std::abort();  // OpenSSL out of memory: nothing sensible is left to do
}

using openssl::Bn;
using openssl::BnCtx;

// The field of secp256k1 coordinates, p = 2^256 - 2^32 - 977. One per call: it owns the
// OpenSSL scratch context, so there is no shared state between threads.
class Field {
public:
    Field() : m_ctx(BN_CTX_new()) {
        Require(m_ctx != nullptr);
        static constexpr char P_HEX[] = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F";
        // c = sqrt(-3), the square one of its two roots (BIP324's constant).
        static constexpr char C_HEX[] = "0A2D2BA93507F1DF233770C2A797962CC61F6D15DA14ECD47D8D27AE1CD5F852";
        m_p = Hex(P_HEX);
        m_c = Hex(C_HEX);
        m_sqrt_exp = New();
        Require(BN_copy(m_sqrt_exp.get(), m_p.get()) != nullptr);
        Require(BN_add_word(m_sqrt_exp.get(), 1) == 1);
        Require(BN_rshift(m_sqrt_exp.get(), m_sqrt_exp.get(), 2) == 1);  // (p + 1) / 4
    }

    Bn New() const {
        Bn b(BN_new());
        Require(b != nullptr);
        return b;
    }
    Bn Word(unsigned long w) const {
        Bn b = New();
        Require(BN_set_word(b.get(), w) == 1);
        return b;
    }
    // 32 big-endian bytes, reduced modulo p.
    Bn FromBytes(util::ByteSpan bytes32) const {
        Bn b(BN_bin2bn(bytes32.data(), static_cast<int>(bytes32.size()), nullptr));
        Require(b != nullptr);
        Require(BN_nnmod(b.get(), b.get(), m_p.get(), m_ctx.get()) == 1);
        return b;
    }
    FieldBytes ToBytes(const BIGNUM* a) const {
        FieldBytes out{};
        Require(BN_bn2binpad(a, out.data(), static_cast<int>(out.size())) == static_cast<int>(out.size()));
        return out;
    }
    bool IsZero(const BIGNUM* a) const { return BN_is_zero(a) == 1; }
    bool Equal(const BIGNUM* a, const BIGNUM* b) const { return BN_cmp(a, b) == 0; }

    Bn Add(const BIGNUM* a, const BIGNUM* b) const {
        Bn r = New();
        Require(BN_mod_add(r.get(), a, b, m_p.get(), m_ctx.get()) == 1);
        return r;
    }
    Bn Sub(const BIGNUM* a, const BIGNUM* b) const {
        Bn r = New();
        Require(BN_mod_sub(r.get(), a, b, m_p.get(), m_ctx.get()) == 1);
        return r;
    }
    Bn Neg(const BIGNUM* a) const { return Sub(Word(0).get(), a); }
    Bn Mul(const BIGNUM* a, const BIGNUM* b) const {
        Bn r = New();
        Require(BN_mod_mul(r.get(), a, b, m_p.get(), m_ctx.get()) == 1);
        return r;
    }
    // a / b; none when b is zero.
    std::optional<Bn> Div(const BIGNUM* a, const BIGNUM* b) const {
        if (IsZero(b)) return std::nullopt;
        Bn inv = New();
        Require(BN_mod_inverse(inv.get(), b, m_p.get(), m_ctx.get()) != nullptr);
        return Mul(a, inv.get());
    }
    Bn Half(const BIGNUM* a) const { return *Div(a, Word(2).get()); }
    // "The" square root as BIP324 defines it, a^((p+1)/4), when a is a square.
    std::optional<Bn> Sqrt(const BIGNUM* a) const {
        Bn r = New();
        Require(BN_mod_exp(r.get(), a, m_sqrt_exp.get(), m_p.get(), m_ctx.get()) == 1);
        if (!Equal(Mul(r.get(), r.get()).get(), a)) return std::nullopt;
        return r;
    }
    Bn Cube(const BIGNUM* a) const { return Mul(Mul(a, a).get(), a); }
    // x^3 + 7 has a square root: x is the x coordinate of a curve point (lift_x succeeds).
    bool IsValidX(const BIGNUM* x) const { return Sqrt(Add(Cube(x).get(), Word(7).get()).get()).has_value(); }

    const BIGNUM* p() const { return m_p.get(); }
    const BIGNUM* c() const { return m_c.get(); }

private:
    Bn Hex(const char* hex) const {
        BIGNUM* raw = nullptr;
        Require(BN_hex2bn(&raw, hex) > 0);
        return Bn(raw);
    }

    BnCtx m_ctx;
    Bn m_p;
    Bn m_c;
    Bn m_sqrt_exp;
};

Bn XSwiftEc(const Field& f, Bn u, Bn t) {
    if (f.IsZero(u.get())) u = f.Word(1);
    if (f.IsZero(t.get())) t = f.Word(1);
    const Bn seven = f.Word(7);
    const Bn u3_plus_7 = f.Add(f.Cube(u.get()).get(), seven.get());
    if (f.IsZero(f.Add(u3_plus_7.get(), f.Mul(t.get(), t.get()).get()).get())) t = f.Add(t.get(), t.get());
    const Bn t2 = f.Mul(t.get(), t.get());
    // Neither division below can be by zero after the remapping above (BIP324 footnote):
    // 2t != 0, c·u != 0, and X + t = 0 would need u^3 + t^2 + 7 = 0.
    const Bn big_x = *f.Div(f.Sub(u3_plus_7.get(), t2.get()).get(), f.Add(t.get(), t.get()).get());
    const Bn big_y = *f.Div(f.Add(big_x.get(), t.get()).get(), f.Mul(f.c(), u.get()).get());
    Bn x1 = f.Add(u.get(), f.Mul(f.Word(4).get(), f.Mul(big_y.get(), big_y.get()).get()).get());
    if (f.IsValidX(x1.get())) return x1;
    const Bn x_over_y = *f.Div(big_x.get(), big_y.get());
    Bn x2 = f.Half(f.Sub(f.Neg(x_over_y.get()).get(), u.get()).get());
    if (f.IsValidX(x2.get())) return x2;
    // One of the three is always on the curve (SwiftEC's theorem), so this is x3.
    return f.Half(f.Sub(x_over_y.get(), u.get()).get());
}

std::optional<Bn> XSwiftEcInvBn(const Field& f, const BIGNUM* x, const BIGNUM* u, int which) {
    const Bn u3_plus_7 = f.Add(f.Cube(u).get(), f.Word(7).get());
    Bn s;
    Bn v;
    if ((which & 2) == 0) {
        if (f.IsValidX(f.Sub(f.Neg(x).get(), u).get())) return std::nullopt;
        v = f.New();
        Require(BN_copy(v.get(), x) != nullptr);
        const Bn denominator = f.Add(f.Add(f.Mul(u, u).get(), f.Mul(u, v.get()).get()).get(), f.Mul(v.get(), v.get()).get());
        auto quotient = f.Div(u3_plus_7.get(), denominator.get());
        if (!quotient) return std::nullopt;
        s = f.Neg(quotient->get());
    } else {
        s = f.Sub(x, u);
        if (f.IsZero(s.get())) return std::nullopt;
        // r = sqrt(-s(4(u^3 + 7) + 3u^2 s))
        const Bn inner = f.Add(f.Mul(f.Word(4).get(), u3_plus_7.get()).get(),
                               f.Mul(f.Mul(f.Word(3).get(), f.Mul(u, u).get()).get(), s.get()).get());
        auto r = f.Sqrt(f.Neg(f.Mul(s.get(), inner.get()).get()).get());
        if (!r) return std::nullopt;
        if ((which & 1) == 1 && f.IsZero(r->get())) return std::nullopt;
        v = f.Half(f.Sub(f.Div(r->get(), s.get())->get(), u).get());
    }
    auto w = f.Sqrt(s.get());
    if (!w) return std::nullopt;
    const Bn one = f.Word(1);
    const Bn one_minus_c = f.Sub(one.get(), f.c());
    const Bn one_plus_c = f.Add(one.get(), f.c());
    const BIGNUM* factor = (which & 1) == 0 ? one_minus_c.get() : one_plus_c.get();
    const Bn inner = f.Add(f.Half(f.Mul(u, factor).get()).get(), v.get());
    Bn t = f.Mul(w->get(), inner.get());
    // Cases 0 and 5 take the negated root.
    const int sign_case = which & 5;
    if (sign_case == 0 || sign_case == 5) t = f.Neg(t.get());
    return t;
}

int CopyX(unsigned char* output, const unsigned char* x32, const unsigned char* y32, void* data) {
    (void)y32;
    (void)data;
    std::memcpy(output, x32, 32);
    return 1;
}

}  // namespace

FieldBytes EllSwiftDecode(std::span<const uint8_t, ELLSWIFT_SIZE> encoding) {
    const Field f;
    const util::ByteSpan bytes(encoding.data(), encoding.size());
    return f.ToBytes(XSwiftEc(f, f.FromBytes(bytes.first(32)), f.FromBytes(bytes.subspan(32))).get());
}

std::optional<FieldBytes> XSwiftEcInv(const FieldBytes& x, const FieldBytes& u, int which) {
    const Field f;
    const Bn xb = f.FromBytes(x);
    const Bn ub = f.FromBytes(u);
    auto t = XSwiftEcInvBn(f, xb.get(), ub.get(), which & 7);
    if (!t) return std::nullopt;
    return f.ToBytes(t->get());
}

EllSwiftPubKey EllSwiftEncode(const FieldBytes& x) {
    const Field f;
    const Bn xb = f.FromBytes(x);
    while (true) {
        FieldBytes u_bytes{};
        RandomBytes(u_bytes);
        Bn u(BN_bin2bn(u_bytes.data(), static_cast<int>(u_bytes.size()), nullptr));
        Require(u != nullptr);
        // u uniform in [1, p-1]: out-of-range draws are redrawn, not reduced (no bias).
        if (f.IsZero(u.get()) || BN_cmp(u.get(), f.p()) >= 0) continue;
        const int which = static_cast<int>(RandomU64() & 7);
        auto t = XSwiftEcInvBn(f, xb.get(), u.get(), which);
        if (!t) continue;
        EllSwiftPubKey out{};
        const FieldBytes t_bytes = f.ToBytes(t->get());
        std::memcpy(out.data(), u_bytes.data(), 32);
        std::memcpy(out.data() + 32, t_bytes.data(), 32);
        return out;
    }
}

EllSwiftKey EllSwiftGenerate(const KeyContext& ctx) {
    EllSwiftKey key{PrivKey::Generate(), {}};
    const PubKey pub = key.secret.GetPubKey(ctx).Compressed();
    FieldBytes x{};
    std::memcpy(x.data(), pub.bytes().data() + 1, x.size());
    key.encoding = EllSwiftEncode(x);
    return key;
}

std::optional<FieldBytes> EllSwiftXOnlyEcdh(const KeyContext& ctx, const PrivKey& secret,
                                            std::span<const uint8_t, ELLSWIFT_SIZE> theirs) {
    const FieldBytes x = EllSwiftDecode(theirs);
    // Either point with this x serves: x-only ECDH gives the same x for P and -P.
    std::array<uint8_t, 33> compressed{};
    compressed[0] = 0x02;
    std::memcpy(compressed.data() + 1, x.data(), x.size());
    secp256k1_pubkey point;
    if (secp256k1_ec_pubkey_parse(secp256k1_context_static, &point, compressed.data(), compressed.size()) != 1) {
        return std::nullopt;  // unreachable: a decoded x is always on the curve
    }
    FieldBytes shared{};
    if (secp256k1_ecdh(ctx.get(), shared.data(), &point, secret.bytes().data(), CopyX, nullptr) != 1) {
        return std::nullopt;
    }
    return shared;
}

}  // namespace tonari::crypto
