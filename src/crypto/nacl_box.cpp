// libsodium behind the box functions: initialised once, before the first call that needs it.
#include "crypto/nacl_box.h"

#include <sodium.h>

#include <cstdlib>

#include "crypto/random.h"

namespace tonari::crypto {
namespace {

static_assert(crypto_box_PUBLICKEYBYTES == BOX_KEY_SIZE && crypto_box_SECRETKEYBYTES == BOX_KEY_SIZE);
static_assert(crypto_box_BEFORENMBYTES == BOX_KEY_SIZE && crypto_box_NONCEBYTES == BOX_NONCE_SIZE);
static_assert(crypto_box_MACBYTES == BOX_MAC_SIZE);

// sodium_init picks the fastest implementations for this CPU; it is thread-safe and returns 1
// when already done. Failing means no usable random source, where no key can be made safely.
void EnsureSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) std::abort();
}

}  // namespace

BoxKeyPair BoxGenerateKeyPair() {
    EnsureSodium();
    BoxKeyPair pair;
    RandomBytes(pair.secret_key.mutable_span());
    pair.public_key = BoxPublicKeyOf(pair.secret_key);
    return pair;
}

BoxPublicKey BoxPublicKeyOf(const BoxSecretKey& secret_key) {
    EnsureSodium();
    BoxPublicKey pk;
    crypto_scalarmult_curve25519_base(pk.data(), secret_key.data());
    return pk;
}

std::optional<BoxSharedKey> BoxSharedKeyOf(const BoxSecretKey& ours, const BoxPublicKey& theirs) {
    EnsureSodium();
    BoxSharedKey shared;
    if (crypto_box_beforenm(shared.data(), theirs.data(), ours.data()) != 0) return std::nullopt;
    return shared;
}

util::Bytes BoxSeal(const BoxSharedKey& key, const BoxNonce& nonce, util::ByteSpan plain) {
    EnsureSodium();
    util::Bytes out(plain.size() + BOX_MAC_SIZE);
    crypto_box_easy_afternm(out.data(), plain.data(), plain.size(), nonce.data(), key.data());
    return out;
}

std::optional<util::Bytes> BoxOpen(const BoxSharedKey& key, const BoxNonce& nonce, util::ByteSpan sealed) {
    EnsureSodium();
    if (sealed.size() < BOX_MAC_SIZE) return std::nullopt;
    util::Bytes out(sealed.size() - BOX_MAC_SIZE);
    if (crypto_box_open_easy_afternm(out.data(), sealed.data(), sealed.size(), nonce.data(), key.data()) != 0) {
        return std::nullopt;
    }
    return out;
}

BoxNonce BoxRandomNonce() {
    BoxNonce nonce;
    RandomBytes(nonce.mutable_span());
    return nonce;
}

void BoxIncrementNonce(BoxNonce& nonce, uint32_t n) {
    uint32_t carry = n;
    for (size_t i = BOX_NONCE_SIZE; i-- > 0 && carry != 0;) {
        const uint32_t sum = nonce.data()[i] + (carry & 0xff);
        nonce.data()[i] = static_cast<uint8_t>(sum);
        carry = (carry >> 8) + (sum >> 8);
    }
}

}  // namespace tonari::crypto
