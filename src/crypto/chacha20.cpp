// ChaCha20 and ChaCha20-Poly1305 over OpenSSL's EVP interface (see chacha20.h).
#include "crypto/chacha20.h"

#include <openssl/evp.h>

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace tonari::crypto {

namespace {

// OpenSSL failing on a valid key and nonce means the library is broken or out of memory;
// there is no sensible way to carry on encrypting a connection.
void Require(bool ok) {
    if (!ok) std::abort();
}

struct CtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

CtxPtr NewCtx() {
    CtxPtr ctx(EVP_CIPHER_CTX_new());
    Require(ctx != nullptr);
    return ctx;
}

int ToInt(size_t n) {
    Require(n <= static_cast<size_t>(std::numeric_limits<int>::max()));
    return static_cast<int>(n);
}

}  // namespace

void ChaCha20Xor(const ChaChaKey& key, const ChaChaNonce& nonce, uint32_t counter, std::span<uint8_t> data) {
    if (data.empty()) return;
    // OpenSSL's ChaCha20 takes a 16-byte IV: the 32-bit block counter (little-endian), then
    // the 96-bit nonce, which is RFC 8439's layout of the state's last four words.
    std::array<uint8_t, 16> iv{};
    for (int i = 0; i < 4; ++i) iv[static_cast<size_t>(i)] = static_cast<uint8_t>(counter >> (8 * i));
    std::memcpy(iv.data() + 4, nonce.data(), nonce.size());
    const CtxPtr ctx = NewCtx();
    Require(EVP_EncryptInit_ex(ctx.get(), EVP_chacha20(), nullptr, key.data(), iv.data()) == 1);
    int written = 0;
    Require(EVP_EncryptUpdate(ctx.get(), data.data(), &written, data.data(), ToInt(data.size())) == 1);
    Require(static_cast<size_t>(written) == data.size());
}

struct ChaCha20Poly1305::Context {
    CtxPtr encrypt = NewCtx();
    CtxPtr decrypt = NewCtx();
    bool encrypt_ready = false;
    bool decrypt_ready = false;
};

ChaCha20Poly1305::ChaCha20Poly1305() : m_ctx(std::make_unique<Context>()) {}
ChaCha20Poly1305::~ChaCha20Poly1305() = default;
ChaCha20Poly1305::ChaCha20Poly1305(ChaCha20Poly1305&&) noexcept = default;
ChaCha20Poly1305& ChaCha20Poly1305::operator=(ChaCha20Poly1305&&) noexcept = default;

void ChaCha20Poly1305::Seal(const ChaChaKey& key, const ChaChaNonce& nonce, util::ByteSpan aad,
                            util::ByteSpan plain, std::span<uint8_t> out) {
    assert(out.size() == plain.size() + POLY1305_TAG_SIZE);
    EVP_CIPHER_CTX* ctx = m_ctx->encrypt.get();
    // The cipher is chosen once; later calls only set the key and nonce (the default nonce
    // length is RFC 8439's 12 bytes).
    if (!m_ctx->encrypt_ready) {
        Require(EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, nullptr, nullptr) == 1);
        m_ctx->encrypt_ready = true;
    }
    Require(EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data()) == 1);
    int n = 0;
    if (!aad.empty()) Require(EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), ToInt(aad.size())) == 1);
    int written = 0;
    if (!plain.empty()) {
        Require(EVP_EncryptUpdate(ctx, out.data(), &written, plain.data(), ToInt(plain.size())) == 1);
    }
    int final_bytes = 0;
    Require(EVP_EncryptFinal_ex(ctx, out.data() + written, &final_bytes) == 1);
    Require(static_cast<size_t>(written + final_bytes) == plain.size());
    Require(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(POLY1305_TAG_SIZE),
                                out.data() + plain.size()) == 1);
}

bool ChaCha20Poly1305::Open(const ChaChaKey& key, const ChaChaNonce& nonce, util::ByteSpan aad,
                            util::ByteSpan sealed, std::span<uint8_t> plain) {
    assert(sealed.size() >= POLY1305_TAG_SIZE && plain.size() == sealed.size() - POLY1305_TAG_SIZE);
    EVP_CIPHER_CTX* ctx = m_ctx->decrypt.get();
    if (!m_ctx->decrypt_ready) {
        Require(EVP_DecryptInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, nullptr, nullptr) == 1);
        m_ctx->decrypt_ready = true;
    }
    Require(EVP_DecryptInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data()) == 1);
    // The tag is copied out first: decrypting in place overwrites nothing past the
    // ciphertext, but OpenSSL wants the expected tag set before the final check.
    std::array<uint8_t, POLY1305_TAG_SIZE> tag{};
    std::memcpy(tag.data(), sealed.data() + plain.size(), tag.size());
    Require(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()), tag.data()) == 1);
    int n = 0;
    if (!aad.empty()) Require(EVP_DecryptUpdate(ctx, nullptr, &n, aad.data(), ToInt(aad.size())) == 1);
    int written = 0;
    if (!plain.empty()) {
        Require(EVP_DecryptUpdate(ctx, plain.data(), &written, sealed.data(), ToInt(plain.size())) == 1);
    }
    int final_bytes = 0;
    return EVP_DecryptFinal_ex(ctx, plain.data() + written, &final_bytes) == 1;
}

}  // namespace tonari::crypto
