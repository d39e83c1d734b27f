// ModExp through OpenSSL's BIGNUM. OpenSSL headers stay in crypto/.
#include "crypto/mod_exp.h"

#include <memory>

#include "crypto/openssl_bn.h"

namespace tonari::crypto {
namespace {

using openssl::Bn;
using openssl::BnCtx;

Bn FromBytes(util::ByteSpan bytes) {
    return Bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
}

}  // namespace

util::Result<util::Bytes, std::string> ModExp(util::ByteSpan base, util::ByteSpan exponent, util::ByteSpan modulus) {
    const Bn b = FromBytes(base);
    const Bn e = FromBytes(exponent);
    const Bn m = FromBytes(modulus);
    const Bn r(BN_new());
    const BnCtx ctx(BN_CTX_new());
    if (!b || !e || !m || !r || !ctx) return util::Fail(std::string("out of memory"));
    if (BN_is_zero(m.get()) || !BN_is_odd(m.get())) return util::Fail(std::string("modulus must be odd"));
    BN_set_flags(e.get(), BN_FLG_CONSTTIME);
    if (BN_mod_exp_mont_consttime(r.get(), b.get(), e.get(), m.get(), ctx.get(), nullptr) != 1) {
        return util::Fail(std::string("modular exponentiation failed"));
    }
    const int width = BN_num_bytes(m.get());
    util::Bytes out(static_cast<size_t>(width));
    if (BN_bn2binpad(r.get(), out.data(), width) != width) return util::Fail(std::string("result too wide"));
    return out;
}

}  // namespace tonari::crypto
