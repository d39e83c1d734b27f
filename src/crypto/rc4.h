// RC4, the stream cipher BitTorrent's Message Stream Encryption (MSE/PE) is built on. Kept for
// that protocol alone: RC4 is broken as a confidentiality cipher and MSE only uses it to make
// traffic unrecognisable to shaping middleboxes. No OpenSSL here: OpenSSL 3 hides RC4 in its
// legacy provider, which a default installation does not load.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "util/bytes.h"

namespace tonari::crypto {

class Rc4 {
public:
    // key: 1..256 bytes (MSE uses 20).
    explicit Rc4(util::ByteSpan key);
    // Throws away the next n bytes of keystream (MSE discards 1,024).
    void Discard(size_t n);
    // XORs the keystream into data, in place; encryption and decryption are the same.
    void Apply(std::span<uint8_t> data);

private:
    std::array<uint8_t, 256> m_s{};
    uint8_t m_i = 0;
    uint8_t m_j = 0;
};

}  // namespace tonari::crypto
