// RIPEMD-160 (Dobbertin, Bosselaers, Preneel, 1996): two parallel lines of five 16-step
// rounds over little-endian words, combined at the end of each block.
#include "crypto/ripemd160.h"

#include <cstring>

#include "crypto/sha256.h"

namespace tonari::crypto {
namespace {

constexpr uint32_t INIT[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};

// Per-round additive constants of the left and right lines.
constexpr uint32_t K_LEFT[5] = {0x00000000, 0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xA953FD4E};
constexpr uint32_t K_RIGHT[5] = {0x50A28BE6, 0x5C4DD124, 0x6D703EF3, 0x7A6D76E9, 0x00000000};

// clang-format off
// Message word used at each step.
constexpr uint8_t R_LEFT[80] = {
    0, 1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 7,  4,  13, 1,
    10, 6,  15, 3,  12, 0,  9,  5,  2,  14, 11, 8,  3,  10, 14, 4,  9,  15, 8,  1,
    2,  7,  0,  6,  13, 11, 5,  12, 1,  9,  11, 10, 0,  8,  12, 4,  13, 3,  7,  15,
    14, 5,  6,  2,  4,  0,  5,  9,  7,  12, 2,  10, 14, 1,  3,  8,  11, 6,  15, 13};
constexpr uint8_t R_RIGHT[80] = {
    5,  14, 7,  0, 9, 2,  11, 4,  13, 6,  15, 8,  1,  10, 3,  12, 6,  11, 3,  7,
    0,  13, 5,  10, 14, 15, 8,  12, 4,  9,  1,  2,  15, 5,  1,  3,  7,  14, 6,  9,
    11, 8,  12, 2,  10, 0,  4,  13, 8,  6,  4,  1,  3,  11, 15, 0,  5,  12, 2,  13,
    9,  7,  10, 14, 12, 15, 10, 4,  1,  5,  8,  7,  6,  2,  13, 14, 0,  3,  9,  11};

// Left-rotation amount at each step.
constexpr uint8_t S_LEFT[80] = {
    11, 14, 15, 12, 5,  8,  7,  9,  11, 13, 14, 15, 6,  7,  9,  8,  7,  6,  8,  13,
    11, 9,  7,  15, 7,  12, 15, 9,  11, 7,  13, 12, 11, 13, 6,  7,  14, 9,  13, 15,
    14, 8,  13, 6,  5,  12, 7,  5,  11, 12, 14, 15, 14, 15, 9,  8,  9,  14, 5,  6,
    8,  6,  5,  12, 9,  15, 5,  11, 6,  8,  13, 12, 5,  12, 13, 14, 11, 8,  5,  6};
constexpr uint8_t S_RIGHT[80] = {
    8,  9,  9,  11, 13, 15, 15, 5,  7,  7,  8,  11, 14, 14, 12, 6,  9,  13, 15, 7,
    12, 8,  9,  11, 7,  7,  12, 7,  6,  15, 13, 11, 9,  7,  15, 11, 8,  6,  6,  14,
    12, 13, 5,  14, 13, 13, 7,  5,  15, 5,  8,  11, 14, 14, 6,  14, 6,  9,  12, 9,
    12, 5,  15, 8,  8,  5,  12, 9,  12, 5,  14, 6,  8,  13, 6,  5,  15, 13, 11, 11};
// clang-format on

inline uint32_t Rotl(uint32_t x, int n) {
    return (x << n) | (x >> (32 - n));
}

// The five boolean functions; the left line uses them in order 0..4, the right in 4..0.
inline uint32_t F(int round, uint32_t x, uint32_t y, uint32_t z) {
    switch (round) {
        case 0:
            return x ^ y ^ z;
        case 1:
            return (x & y) | (~x & z);
        case 2:
            return (x | ~y) ^ z;
        case 3:
            return (x & z) | (y & ~z);
        default:
            return x ^ (y | ~z);
    }
}

inline uint32_t ReadLe32(const uint8_t* p) {
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

void Compress(uint32_t h[5], const uint8_t* block) {
    uint32_t x[16];
    for (int i = 0; i < 16; ++i) x[i] = ReadLe32(block + 4 * i);

    uint32_t al = h[0], bl = h[1], cl = h[2], dl = h[3], el = h[4];
    uint32_t ar = h[0], br = h[1], cr = h[2], dr = h[3], er = h[4];
    // Fully unrolled, the round number and table entries become constants.
#pragma GCC unroll 80
    for (int j = 0; j < 80; ++j) {
        const int round = j / 16;
        uint32_t t = Rotl(al + F(round, bl, cl, dl) + x[R_LEFT[j]] + K_LEFT[round], S_LEFT[j]) + el;
        al = el;
        el = dl;
        dl = Rotl(cl, 10);
        cl = bl;
        bl = t;
        t = Rotl(ar + F(4 - round, br, cr, dr) + x[R_RIGHT[j]] + K_RIGHT[round], S_RIGHT[j]) + er;
        ar = er;
        er = dr;
        dr = Rotl(cr, 10);
        cr = br;
        br = t;
    }
    const uint32_t t = h[1] + cl + dr;
    h[1] = h[2] + dl + er;
    h[2] = h[3] + el + ar;
    h[3] = h[4] + al + br;
    h[4] = h[0] + bl + cr;
    h[0] = t;
}

}  // namespace

std::array<uint8_t, 20> Ripemd160(util::ByteSpan data) {
    uint32_t h[5];
    std::memcpy(h, INIT, sizeof(h));
    const size_t full_blocks = data.size() / 64;
    for (size_t i = 0; i < full_blocks; ++i) Compress(h, data.data() + 64 * i);

    // Same padding as MD4/MD5: 0x80, zeros, then the bit length as a little-endian u64.
    uint8_t last[128] = {};
    const size_t tail = data.size() % 64;
    if (tail > 0) std::memcpy(last, data.data() + 64 * full_blocks, tail);
    last[tail] = 0x80;
    const size_t last_size = tail < 56 ? 64 : 128;
    const uint64_t bits = static_cast<uint64_t>(data.size()) << 3;
    for (int i = 0; i < 8; ++i) last[last_size - 8 + i] = static_cast<uint8_t>(bits >> (8 * i));
    for (size_t off = 0; off < last_size; off += 64) Compress(h, last + off);

    std::array<uint8_t, 20> out;
    for (int i = 0; i < 5; ++i) {
        for (int b = 0; b < 4; ++b) out[4 * i + b] = static_cast<uint8_t>(h[i] >> (8 * b));
    }
    return out;
}

util::Uint160 Hash160(util::ByteSpan data) {
    return util::Uint160(Ripemd160(Sha256Hash(data)));
}

}  // namespace tonari::crypto
