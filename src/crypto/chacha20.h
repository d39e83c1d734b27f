// ChaCha20 (RFC 8439) keystream and the ChaCha20-Poly1305 AEAD (RFC 8439 section 2.8), over
// OpenSSL's libcrypto, whose assembly makes both run at several GiB/s. BIP324's encrypted
// transport builds its rekeying ciphers (bip324_cipher.h) on these two calls.
// Thread-safety: ChaCha20Xor is a free function; a ChaCha20Poly1305 object is used by one
// thread at a time (it holds a reusable OpenSSL context).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "util/bytes.h"

namespace tonari::crypto {

inline constexpr size_t CHACHA20_KEY_SIZE = 32;
inline constexpr size_t CHACHA20_NONCE_SIZE = 12;
inline constexpr size_t CHACHA20_BLOCK_SIZE = 64;
inline constexpr size_t POLY1305_TAG_SIZE = 16;

using ChaChaKey = std::array<uint8_t, CHACHA20_KEY_SIZE>;
using ChaChaNonce = std::array<uint8_t, CHACHA20_NONCE_SIZE>;

// XORs the ChaCha20 keystream of (key, nonce), starting at 64-byte block `counter`, into
// `data` in place (encryption and decryption are the same). Writing over zeros yields the
// keystream itself.
void ChaCha20Xor(const ChaChaKey& key, const ChaChaNonce& nonce, uint32_t counter, std::span<uint8_t> data);

class ChaCha20Poly1305 {
public:
    ChaCha20Poly1305();
    ~ChaCha20Poly1305();
    ChaCha20Poly1305(const ChaCha20Poly1305&) = delete;
    ChaCha20Poly1305& operator=(const ChaCha20Poly1305&) = delete;
    ChaCha20Poly1305(ChaCha20Poly1305&&) noexcept;
    ChaCha20Poly1305& operator=(ChaCha20Poly1305&&) noexcept;

    // out = ciphertext || tag, so out.size() must be plain.size() + POLY1305_TAG_SIZE
    // (asserted). `out` may start where `plain` starts (in place), not elsewhere inside it.
    void Seal(const ChaChaKey& key, const ChaChaNonce& nonce, util::ByteSpan aad, util::ByteSpan plain,
              std::span<uint8_t> out);
    // sealed = ciphertext || tag; plain.size() must be sealed.size() - POLY1305_TAG_SIZE
    // (asserted). False when the tag does not authenticate (then `plain` holds garbage the
    // caller must not use). `plain` may start where `sealed` starts.
    [[nodiscard]] bool Open(const ChaChaKey& key, const ChaChaNonce& nonce, util::ByteSpan aad,
                            util::ByteSpan sealed, std::span<uint8_t> plain);

private:
    struct Context;
    std::unique_ptr<Context> m_ctx;
};

}  // namespace tonari::crypto
