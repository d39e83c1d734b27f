// Internal to the crypto module (and its tests and benchmarks): the SHA-256 compression
// back-ends behind sha256.h. Each back-end is a pair of plain functions; sha256.cpp picks one
// pair per process. Tests run every back-end the CPU supports against the others, which is
// why the pairs are reachable from here at all. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/sha256.h"
#include "util/bytes.h"

namespace tonari::crypto::detail {

// Runs the compression function over `blocks` consecutive 64-byte blocks.
using Sha256TransformFn = void (*)(uint32_t state[8], const uint8_t* data, size_t blocks);
// out[i] = SHA256d(in[64i .. 64i+64]); out may equal in (merkle levels are built in place).
using Sha256D64Fn = void (*)(uint8_t* out, const uint8_t* in, size_t blocks);

struct Sha256Backend {
    std::string_view name;
    Sha256TransformFn transform;
    Sha256D64Fn d64;
};

inline constexpr uint32_t SHA256_INIT[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Round constants, 16-byte aligned so SIMD code can load four at a time.
alignas(16) inline constexpr uint32_t SHA256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// Portable implementation; always available.
void Sha256TransformGeneric(uint32_t state[8], const uint8_t* data, size_t blocks);
void Sha256D64Generic(uint8_t* out, const uint8_t* in, size_t blocks);

// x86 SHA extensions. Only call when Sha256CpuHasShaNi() is true.
bool Sha256CpuHasShaNi();
void Sha256TransformShaNi(uint32_t state[8], const uint8_t* data, size_t blocks);
void Sha256D64ShaNi(uint8_t* out, const uint8_t* in, size_t blocks);

// Every back-end this CPU can run, generic first.
std::vector<Sha256Backend> AvailableSha256Backends();

// One-shot SHA-256 through a given compression function (tests compare back-ends with it).
Sha256::Digest Sha256HashWith(Sha256TransformFn transform, util::ByteSpan data);

}  // namespace tonari::crypto::detail
