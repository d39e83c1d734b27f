// Portable SHA-256 compression (FIPS 180-4, section 6.2), the fallback for CPUs without the
// SHA extensions, and the batched 64-byte double hash built on it.
#include <array>
#include <cstring>

#include "crypto/sha256_internal.h"

namespace tonari::crypto::detail {
namespace {

inline uint32_t Rotr(uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}
inline uint32_t Choose(uint32_t x, uint32_t y, uint32_t z) {
    return z ^ (x & (y ^ z));
}
inline uint32_t Majority(uint32_t x, uint32_t y, uint32_t z) {
    return (x & y) | (z & (x | y));
}
inline uint32_t BigSigma0(uint32_t x) {
    return Rotr(x, 2) ^ Rotr(x, 13) ^ Rotr(x, 22);
}
inline uint32_t BigSigma1(uint32_t x) {
    return Rotr(x, 6) ^ Rotr(x, 11) ^ Rotr(x, 25);
}
inline uint32_t SmallSigma0(uint32_t x) {
    return Rotr(x, 7) ^ Rotr(x, 18) ^ (x >> 3);
}
inline uint32_t SmallSigma1(uint32_t x) {
    return Rotr(x, 17) ^ Rotr(x, 19) ^ (x >> 10);
}

inline uint32_t ReadBe32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

inline void WriteBe32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

// One round. The caller rotates the roles of the eight working variables between calls
// instead of moving values, so only d and h are written.
inline void Round(uint32_t a, uint32_t b, uint32_t c, uint32_t& d, uint32_t e, uint32_t f, uint32_t g,
                  uint32_t& h, uint32_t wk) {
    const uint32_t t1 = h + BigSigma1(e) + Choose(e, f, g) + wk;
    const uint32_t t2 = BigSigma0(a) + Majority(a, b, c);
    d += t1;
    h = t1 + t2;
}

void CompressBlock(uint32_t state[8], const uint8_t* block) {
    uint32_t w[16];
    for (int i = 0; i < 16; ++i) w[i] = ReadBe32(block + 4 * i);

    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];

    // w is a 16-word ring: W[i] overwrites W[i-16], which no later round needs.
    auto wk = [&w](int i) {
        if (i >= 16) {
            w[i & 15] += SmallSigma1(w[(i - 2) & 15]) + w[(i - 7) & 15] + SmallSigma0(w[(i - 15) & 15]);
        }
        return SHA256_K[i] + w[i & 15];
    };
#pragma GCC unroll 8
    for (int i = 0; i < 64; i += 8) {
        Round(a, b, c, d, e, f, g, h, wk(i + 0));
        Round(h, a, b, c, d, e, f, g, wk(i + 1));
        Round(g, h, a, b, c, d, e, f, wk(i + 2));
        Round(f, g, h, a, b, c, d, e, wk(i + 3));
        Round(e, f, g, h, a, b, c, d, wk(i + 4));
        Round(d, e, f, g, h, a, b, c, wk(i + 5));
        Round(c, d, e, f, g, h, a, b, wk(i + 6));
        Round(b, c, d, e, f, g, h, a, wk(i + 7));
    }

    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

}  // namespace

void Sha256TransformGeneric(uint32_t state[8], const uint8_t* data, size_t blocks) {
    for (size_t i = 0; i < blocks; ++i) CompressBlock(state, data + 64 * i);
}

void Sha256D64Generic(uint8_t* out, const uint8_t* in, size_t blocks) {
    // Both padding blocks are fixed: a 64-byte message ends with a block holding only the
    // 0x80 marker and the bit length 512; a 32-byte digest shares its block with the marker
    // and the bit length 256.
    static constexpr std::array<uint8_t, 64> PAD_AFTER_64 = [] {
        std::array<uint8_t, 64> pad{};
        pad[0] = 0x80;
        pad[62] = 0x02;  // bit length 512
        return pad;
    }();
    for (size_t i = 0; i < blocks; ++i) {
        uint32_t state[8];
        std::memcpy(state, SHA256_INIT, sizeof(state));
        CompressBlock(state, in + 64 * i);
        CompressBlock(state, PAD_AFTER_64.data());

        uint8_t second[64] = {};
        for (int j = 0; j < 8; ++j) WriteBe32(second + 4 * j, state[j]);
        second[32] = 0x80;
        second[62] = 0x01;  // 256 bits
        std::memcpy(state, SHA256_INIT, sizeof(state));
        CompressBlock(state, second);
        // Written only after block i has been read, so out may alias in.
        for (int j = 0; j < 8; ++j) WriteBe32(out + 32 * i + 4 * j, state[j]);
    }
}

}  // namespace tonari::crypto::detail
