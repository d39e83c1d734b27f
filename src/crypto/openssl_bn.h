// RAII owners for OpenSSL big numbers, shared by the files of this module that use them
// (ellswift, mod_exp, muhash). Internal to crypto/: the OpenSSL headers stay out of every
// public header.
#pragma once

#include <openssl/bn.h>

#include <memory>

namespace tonari::crypto::openssl {

// BN_clear_free: the value is wiped before the memory goes back (a DH exponent may be secret).
struct BnFree {
    void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct CtxFree {
    void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using BnCtx = std::unique_ptr<BN_CTX, CtxFree>;

}  // namespace tonari::crypto::openssl
