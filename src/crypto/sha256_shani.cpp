// SHA-256 compression with the x86 SHA extensions (SHA-NI), selected at run time by
// sha256.cpp when CPUID reports them. Only the functions below carry the target attribute, so
// the rest of the program still runs on CPUs without the extensions.
//
// SHA-NI keeps the eight working variables in two registers, ABEF and CDGH (A in the top
// lane); sha256rnds2 performs two rounds, so four rounds are two instructions. One stream of
// blocks is bound by the latency of that chain, which is why the batched double hash below
// interleaves two independent messages.
#include "crypto/sha256_internal.h"

#if defined(__x86_64__) || defined(__i386__)

#include <cpuid.h>
#include <immintrin.h>

#include <bit>

#define TONARI_SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define TONARI_SHANI_INLINE __attribute__((target("sha,sse4.1,ssse3"), always_inline)) inline

namespace tonari::crypto::detail {
namespace {

// W[i] + K[i] for the block that pads a 64-byte message (0x80, zeros, bit length 512). The
// whole schedule is constant, so the padding block costs only its rounds.
struct PadSchedule {
    alignas(16) uint32_t wk[64];
};

constexpr PadSchedule MakePadAfter64Schedule() {
    uint32_t w[64] = {};
    w[0] = 0x80000000u;
    w[15] = 512;
    for (int i = 16; i < 64; ++i) {
        const uint32_t s0 = std::rotr(w[i - 15], 7) ^ std::rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const uint32_t s1 = std::rotr(w[i - 2], 17) ^ std::rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    PadSchedule out{};
    for (int i = 0; i < 64; ++i) out.wk[i] = w[i] + SHA256_K[i];
    return out;
}

constexpr PadSchedule PAD_AFTER_64 = MakePadAfter64Schedule();

TONARI_SHANI_INLINE __m128i ByteSwapMask() {
    return _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
}

TONARI_SHANI_INLINE __m128i LoadBe(const uint8_t* p, __m128i mask) {
    return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), mask);
}

TONARI_SHANI_INLINE __m128i LoadK(const uint32_t* table, int quad) {
    return _mm_load_si128(reinterpret_cast<const __m128i*>(table + 4 * quad));
}

TONARI_SHANI_INLINE __m128i InitAbef() {
    return _mm_set_epi32(static_cast<int>(SHA256_INIT[0]), static_cast<int>(SHA256_INIT[1]),
                         static_cast<int>(SHA256_INIT[4]), static_cast<int>(SHA256_INIT[5]));
}

TONARI_SHANI_INLINE __m128i InitCdgh() {
    return _mm_set_epi32(static_cast<int>(SHA256_INIT[2]), static_cast<int>(SHA256_INIT[3]),
                         static_cast<int>(SHA256_INIT[6]), static_cast<int>(SHA256_INIT[7]));
}

// Four rounds. After the first instruction `cdgh` briefly holds the new ABEF; the old ABEF
// then serves as CDGH for the second pair of rounds, which is exactly the SHA-256 rotation.
TONARI_SHANI_INLINE void Rounds4(__m128i& abef, __m128i& cdgh, __m128i wk) {
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

// W[i..i+3] from w0 = W[i-16..i-13], w1 = W[i-12..i-9], w2 = W[i-8..i-5], w3 = W[i-4..i-1].
TONARI_SHANI_INLINE __m128i Expand(__m128i w0, __m128i w1, __m128i w2, __m128i w3) {
    __m128i t = _mm_sha256msg1_epu32(w0, w1);
    t = _mm_add_epi32(t, _mm_alignr_epi8(w3, w2, 4));  // + W[i-7..i-4]
    return _mm_sha256msg2_epu32(t, w3);
}

// Plain state words [a..d], [e..h] <-> the ABEF / CDGH register layout.
TONARI_SHANI_INLINE void FromWords(__m128i abcd, __m128i efgh, __m128i& abef, __m128i& cdgh) {
    const __m128i dcba = _mm_shuffle_epi32(abcd, 0x1B);
    const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
    abef = _mm_unpackhi_epi64(hgfe, dcba);
    cdgh = _mm_unpacklo_epi64(hgfe, dcba);
}

TONARI_SHANI_INLINE void ToWords(__m128i abef, __m128i cdgh, __m128i& abcd, __m128i& efgh) {
    abcd = _mm_shuffle_epi32(_mm_unpackhi_epi64(cdgh, abef), 0x1B);
    efgh = _mm_shuffle_epi32(_mm_unpacklo_epi64(cdgh, abef), 0x1B);
}

// 64 rounds over N independent messages in lock step, so the out-of-order core can overlap
// their round chains. w0..w3 hold each message's first 16 words and are consumed.
template <int N>
TONARI_SHANI_INLINE void Rounds64(__m128i (&abef)[N], __m128i (&cdgh)[N], __m128i (&w0)[N], __m128i (&w1)[N],
                                  __m128i (&w2)[N], __m128i (&w3)[N]) {
#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) Rounds4(abef[n], cdgh[n], _mm_add_epi32(w0[n], LoadK(SHA256_K, 0)));
#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) Rounds4(abef[n], cdgh[n], _mm_add_epi32(w1[n], LoadK(SHA256_K, 1)));
#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) Rounds4(abef[n], cdgh[n], _mm_add_epi32(w2[n], LoadK(SHA256_K, 2)));
#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) Rounds4(abef[n], cdgh[n], _mm_add_epi32(w3[n], LoadK(SHA256_K, 3)));
#pragma GCC unroll 4
    for (int q = 4; q < 16; q += 4) {
#pragma GCC unroll 4
        for (int n = 0; n < N; ++n) {
            w0[n] = Expand(w0[n], w1[n], w2[n], w3[n]);
            Rounds4(abef[n], cdgh[n], _mm_add_epi32(w0[n], LoadK(SHA256_K, q)));
        }
#pragma GCC unroll 4
        for (int n = 0; n < N; ++n) {
            w1[n] = Expand(w1[n], w2[n], w3[n], w0[n]);
            Rounds4(abef[n], cdgh[n], _mm_add_epi32(w1[n], LoadK(SHA256_K, q + 1)));
        }
#pragma GCC unroll 4
        for (int n = 0; n < N; ++n) {
            w2[n] = Expand(w2[n], w3[n], w0[n], w1[n]);
            Rounds4(abef[n], cdgh[n], _mm_add_epi32(w2[n], LoadK(SHA256_K, q + 2)));
        }
#pragma GCC unroll 4
        for (int n = 0; n < N; ++n) {
            w3[n] = Expand(w3[n], w0[n], w1[n], w2[n]);
            Rounds4(abef[n], cdgh[n], _mm_add_epi32(w3[n], LoadK(SHA256_K, q + 3)));
        }
    }
}

TONARI_SHANI_TARGET void TransformBlocks(uint32_t state[8], const uint8_t* data, size_t blocks) {
    const __m128i mask = ByteSwapMask();
    __m128i abef[1], cdgh[1];
    FromWords(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)),
              _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), abef[0], cdgh[0]);
    for (; blocks > 0; --blocks, data += 64) {
        const __m128i abef_in = abef[0], cdgh_in = cdgh[0];
        __m128i w0[1] = {LoadBe(data, mask)};
        __m128i w1[1] = {LoadBe(data + 16, mask)};
        __m128i w2[1] = {LoadBe(data + 32, mask)};
        __m128i w3[1] = {LoadBe(data + 48, mask)};
        Rounds64<1>(abef, cdgh, w0, w1, w2, w3);
        abef[0] = _mm_add_epi32(abef[0], abef_in);
        cdgh[0] = _mm_add_epi32(cdgh[0], cdgh_in);
    }
    __m128i abcd, efgh;
    ToWords(abef[0], cdgh[0], abcd, efgh);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), abcd);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), efgh);
}

// SHA256d of N 64-byte messages at once. Every input is loaded before any output is stored,
// so out may alias in.
template <int N>
TONARI_SHANI_INLINE void DoubleHash64(uint8_t* out, const uint8_t* in) {
    const __m128i mask = ByteSwapMask();
    __m128i abef[N], cdgh[N], w0[N], w1[N], w2[N], w3[N];
#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) {
        abef[n] = InitAbef();
        cdgh[n] = InitCdgh();
        w0[n] = LoadBe(in + 64 * n, mask);
        w1[n] = LoadBe(in + 64 * n + 16, mask);
        w2[n] = LoadBe(in + 64 * n + 32, mask);
        w3[n] = LoadBe(in + 64 * n + 48, mask);
    }

    // First hash, block 1: the message.
    Rounds64<N>(abef, cdgh, w0, w1, w2, w3);
    __m128i mid_abef[N], mid_cdgh[N];
#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) {
        mid_abef[n] = abef[n] = _mm_add_epi32(abef[n], InitAbef());
        mid_cdgh[n] = cdgh[n] = _mm_add_epi32(cdgh[n], InitCdgh());
    }

    // First hash, block 2: constant padding, precomputed schedule.
#pragma GCC unroll 16
    for (int q = 0; q < 16; ++q) {
#pragma GCC unroll 4
        for (int n = 0; n < N; ++n) Rounds4(abef[n], cdgh[n], LoadK(PAD_AFTER_64.wk, q));
    }

    // Second hash: the digest words are the first eight message words as they stand (no byte
    // swap needed), followed by the fixed padding for a 32-byte message.
#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) {
        ToWords(_mm_add_epi32(abef[n], mid_abef[n]), _mm_add_epi32(cdgh[n], mid_cdgh[n]), w0[n], w1[n]);
        w2[n] = _mm_set_epi32(0, 0, 0, static_cast<int>(0x80000000u));
        w3[n] = _mm_set_epi32(256, 0, 0, 0);
        abef[n] = InitAbef();
        cdgh[n] = InitCdgh();
    }
    Rounds64<N>(abef, cdgh, w0, w1, w2, w3);

#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) {
        __m128i abcd, efgh;
        ToWords(_mm_add_epi32(abef[n], InitAbef()), _mm_add_epi32(cdgh[n], InitCdgh()), abcd, efgh);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 32 * n), _mm_shuffle_epi8(abcd, mask));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 32 * n + 16), _mm_shuffle_epi8(efgh, mask));
    }
}

TONARI_SHANI_TARGET void DoubleHash64Blocks(uint8_t* out, const uint8_t* in, size_t blocks) {
    size_t i = 0;
    for (; i + 2 <= blocks; i += 2) DoubleHash64<2>(out + 32 * i, in + 64 * i);
    if (i < blocks) DoubleHash64<1>(out + 32 * i, in + 64 * i);
}

}  // namespace

bool Sha256CpuHasShaNi() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    const bool ssse3 = (ecx & (1u << 9)) != 0;
    const bool sse41 = (ecx & (1u << 19)) != 0;
    if (__get_cpuid_max(0, nullptr) < 7) return false;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const bool sha = (ebx & (1u << 29)) != 0;
    return ssse3 && sse41 && sha;
}

// Plain wrappers: the declarations in sha256_internal.h carry no target attribute, and giving
// a C++ declaration and its definition different targets would ask GCC for multiversioning.
void Sha256TransformShaNi(uint32_t state[8], const uint8_t* data, size_t blocks) {
    TransformBlocks(state, data, blocks);
}

void Sha256D64ShaNi(uint8_t* out, const uint8_t* in, size_t blocks) {
    DoubleHash64Blocks(out, in, blocks);
}

}  // namespace tonari::crypto::detail

#else  // not x86

#include <cstdlib>

namespace tonari::crypto::detail {

bool Sha256CpuHasShaNi() {
    return false;
}
void Sha256TransformShaNi(uint32_t*, const uint8_t*, size_t) {
    std::abort();
}
void Sha256D64ShaNi(uint8_t*, const uint8_t*, size_t) {
    std::abort();
}

}  // namespace tonari::crypto::detail

#endif
