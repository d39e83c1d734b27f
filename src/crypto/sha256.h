// SHA-256 and the hashes Bitcoin builds from it: double SHA-256, BIP340 tagged hashes, and a
// batched 64-byte double hash for merkle trees.
//
// The compression function is chosen once per process at first use: the x86 SHA extensions
// (SHA-NI) when the CPU has them, a portable implementation otherwise. Sha256 objects are
// plain values: use one per thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::crypto {

class Sha256 {
public:
    static constexpr size_t OUTPUT_SIZE = 32;
    using Digest = std::array<uint8_t, OUTPUT_SIZE>;

    Sha256();
    Sha256& Write(util::ByteSpan data);
    Digest Finalize();  // leaves the object reset, ready for a new message
    void Reset();

private:
    uint32_t m_state[8];
    uint8_t m_buf[64];
    uint64_t m_bytes = 0;
};

Sha256::Digest Sha256Hash(util::ByteSpan data);

// SHA256(SHA256(data)): txids, block hashes, checksums.
util::Uint256 Sha256d(util::ByteSpan data);

// SHA256(SHA256(a || b || c)) without copying: the non-witness serialization of a segwit
// transaction is three slices of its witness serialization.
util::Uint256 Sha256d(util::ByteSpan a, util::ByteSpan b, util::ByteSpan c);

// A Sha256 already fed with SHA256(tag) || SHA256(tag) (BIP340 tagged hash prefix).
Sha256 TaggedHasher(std::string_view tag);
util::Uint256 TaggedHash(std::string_view tag, util::ByteSpan data);

// out[i] = SHA256d(in[64*i .. 64*i+64]) for i < blocks: the merkle tree inner loop.
// `in` holds 64*blocks bytes and `out` 32*blocks bytes. `out` may equal `in` (a merkle level
// is reduced in place); other partial overlaps are not allowed.
void Sha256d64(uint8_t* out, const uint8_t* in, size_t blocks);

// Name of the compression function in use ("sha-ni" or "generic"), for logs and benchmarks.
std::string_view Sha256Implementation();

}  // namespace tonari::crypto
