// SHA-1, SHA-512, HMAC and PBKDF2 through OpenSSL's libcrypto. OpenSSL headers stay in this
// file so the rest of the tree never sees them. OpenSSL failures here can only be allocation
// or library-initialisation failures (every input is acceptable), so they abort: there is no
// way to continue without a hash.
#include "crypto/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <cstdlib>

namespace tonari::crypto {
namespace {

// OpenSSL wants a non-null pointer even for zero-length input.
const uint8_t* DataOrEmpty(util::ByteSpan s) {
    static const uint8_t EMPTY = 0;
    return s.empty() ? &EMPTY : s.data();
}

void Check(int ok) {
    if (ok != 1) std::abort();
}

// OpenSSL 3 looks the algorithm up on every EVP_sha*() use; fetching once saves that on
// hot paths such as OP_SHA1. The handles live for the whole process on purpose.
const EVP_MD* Sha1Md() {
    static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    if (md == nullptr) std::abort();
    return md;
}

const EVP_MD* Sha256Md() {
    static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) std::abort();
    return md;
}

const EVP_MD* Sha512Md() {
    static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA512", nullptr);
    if (md == nullptr) std::abort();
    return md;
}

template <size_t N>
std::array<uint8_t, N> Digest(const EVP_MD* md, util::ByteSpan data) {
    std::array<uint8_t, N> out;
    unsigned int len = 0;
    Check(EVP_Digest(DataOrEmpty(data), data.size(), out.data(), &len, md, nullptr));
    if (len != N) std::abort();
    return out;
}

template <size_t N>
std::array<uint8_t, N> Hmac(const EVP_MD* md, util::ByteSpan key, util::ByteSpan data) {
    if (key.size() > static_cast<size_t>(INT_MAX)) std::abort();  // OpenSSL takes an int
    std::array<uint8_t, N> out;
    unsigned int len = 0;
    if (HMAC(md, DataOrEmpty(key), static_cast<int>(key.size()), DataOrEmpty(data), data.size(), out.data(),
             &len) == nullptr ||
        len != N) {
        std::abort();
    }
    return out;
}

}  // namespace

std::array<uint8_t, 20> Sha1(util::ByteSpan data) {
    return Digest<20>(Sha1Md(), data);
}

std::array<uint8_t, 64> Sha512(util::ByteSpan data) {
    return Digest<64>(Sha512Md(), data);
}

std::array<uint8_t, 32> HmacSha256(util::ByteSpan key, util::ByteSpan data) {
    return Hmac<32>(Sha256Md(), key, data);
}

std::array<uint8_t, 64> HmacSha512(util::ByteSpan key, util::ByteSpan data) {
    return Hmac<64>(Sha512Md(), key, data);
}

std::array<uint8_t, 64> Pbkdf2HmacSha512(util::ByteSpan password, util::ByteSpan salt, uint32_t iterations) {
    if (iterations == 0 || iterations > static_cast<uint32_t>(INT_MAX)) std::abort();  // caller bug
    if (password.size() > static_cast<size_t>(INT_MAX) || salt.size() > static_cast<size_t>(INT_MAX)) {
        std::abort();
    }
    std::array<uint8_t, 64> out;
    Check(PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(DataOrEmpty(password)),
                            static_cast<int>(password.size()), DataOrEmpty(salt),
                            static_cast<int>(salt.size()), static_cast<int>(iterations), Sha512Md(),
                            static_cast<int>(out.size()), out.data()));
    return out;
}

std::array<uint8_t, 32> HkdfSha256Extract(util::ByteSpan salt, util::ByteSpan ikm) { return HmacSha256(salt, ikm); }

std::array<uint8_t, 32> HkdfSha256Expand32(const std::array<uint8_t, 32>& prk, util::ByteSpan info) {
    // T(1) = HMAC(PRK, info || 0x01); one block is all 32 bytes need.
    util::Bytes message(info.begin(), info.end());
    message.push_back(0x01);
    return HmacSha256(prk, message);
}

}  // namespace tonari::crypto
