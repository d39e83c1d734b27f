// SHA-256 message handling (buffering, padding) and the Bitcoin hashes built on it. The
// compression back-end (sha256_generic.cpp or sha256_shani.cpp) is chosen once, at first use.
#include "crypto/sha256.h"

#include <algorithm>
#include <cstring>

#include "crypto/sha256_internal.h"

namespace tonari::crypto {
namespace {

using detail::Sha256Backend;

const Sha256Backend& Backend() {
    // Function-local static: initialised once, thread-safely, on first use.
    static const Sha256Backend backend = [] {
        const auto all = detail::AvailableSha256Backends();
        return all.back();  // the last one listed is the fastest the CPU supports
    }();
    return backend;
}

void WriteBe32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

// Pads the `tail` bytes (< 64) that follow `total_bytes - tail` already-compressed bytes,
// runs the last one or two blocks and writes the big-endian digest.
Sha256::Digest FinishMessage(detail::Sha256TransformFn transform, uint32_t state[8], const uint8_t* tail,
                             size_t tail_size, uint64_t total_bytes) {
    uint8_t last[128] = {};
    if (tail_size > 0) std::memcpy(last, tail, tail_size);
    last[tail_size] = 0x80;
    // The 8-byte bit length must fit after the 0x80 marker, or it spills into a second block.
    const size_t last_size = tail_size < 56 ? 64 : 128;
    const uint64_t bits = total_bytes << 3;
    for (int i = 0; i < 8; ++i) last[last_size - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
    transform(state, last, last_size / 64);

    Sha256::Digest out;
    for (int i = 0; i < 8; ++i) WriteBe32(out.data() + 4 * i, state[i]);
    return out;
}

Sha256::Digest HashWith(detail::Sha256TransformFn transform, util::ByteSpan data) {
    uint32_t state[8];
    std::memcpy(state, detail::SHA256_INIT, sizeof(state));
    const size_t full_blocks = data.size() / 64;
    if (full_blocks > 0) transform(state, data.data(), full_blocks);
    return FinishMessage(transform, state, data.data() + 64 * full_blocks, data.size() % 64, data.size());
}

// SHA256 of a 32-byte digest: a single block whose padding is fixed.
util::Uint256 HashDigest(const Sha256::Digest& digest) {
    uint8_t block[64] = {};
    std::memcpy(block, digest.data(), 32);
    block[32] = 0x80;
    block[62] = 0x01;  // bit length 256
    uint32_t state[8];
    std::memcpy(state, detail::SHA256_INIT, sizeof(state));
    Backend().transform(state, block, 1);
    std::array<uint8_t, 32> out;
    for (int i = 0; i < 8; ++i) WriteBe32(out.data() + 4 * i, state[i]);
    return util::Uint256(out);
}

}  // namespace

namespace detail {

std::vector<Sha256Backend> AvailableSha256Backends() {
    std::vector<Sha256Backend> out{{"generic", &Sha256TransformGeneric, &Sha256D64Generic}};
    if (Sha256CpuHasShaNi()) out.push_back({"sha-ni", &Sha256TransformShaNi, &Sha256D64ShaNi});
    return out;
}

Sha256::Digest Sha256HashWith(Sha256TransformFn transform, util::ByteSpan data) {
    return HashWith(transform, data);
}

}  // namespace detail

Sha256::Sha256() {
    std::memset(m_buf, 0, sizeof(m_buf));  // never read before written; zeroed so copies are defined
    Reset();
}

void Sha256::Reset() {
    std::memcpy(m_state, detail::SHA256_INIT, sizeof(m_state));
    m_bytes = 0;
}

Sha256& Sha256::Write(util::ByteSpan data) {
    const uint8_t* p = data.data();
    size_t n = data.size();
    if (n == 0) return *this;
    const size_t buffered = m_bytes % 64;
    m_bytes += n;

    if (buffered > 0) {
        const size_t take = std::min(64 - buffered, n);
        std::memcpy(m_buf + buffered, p, take);
        if (buffered + take < 64) return *this;  // small writes never touch the back-end
        Backend().transform(m_state, m_buf, 1);
        p += take;
        n -= take;
    }
    if (n >= 64) {
        const size_t blocks = n / 64;
        Backend().transform(m_state, p, blocks);
        p += 64 * blocks;
        n -= 64 * blocks;
    }
    if (n > 0) std::memcpy(m_buf, p, n);
    return *this;
}

Sha256::Digest Sha256::Finalize() {
    const Digest out = FinishMessage(Backend().transform, m_state, m_buf, m_bytes % 64, m_bytes);
    Reset();
    return out;
}

Sha256::Digest Sha256Hash(util::ByteSpan data) {
    return HashWith(Backend().transform, data);
}

util::Uint256 Sha256d(util::ByteSpan data) {
    if (data.size() == 64) {
        // Merkle nodes and other 64-byte messages: the batched path has both paddings
        // precomputed.
        std::array<uint8_t, 32> out;
        Backend().d64(out.data(), data.data(), 1);
        return util::Uint256(out);
    }
    return HashDigest(Sha256Hash(data));
}

util::Uint256 Sha256d(util::ByteSpan a, util::ByteSpan b, util::ByteSpan c) {
    Sha256 hasher;
    hasher.Write(a).Write(b).Write(c);
    return HashDigest(hasher.Finalize());
}

Sha256 TaggedHasher(std::string_view tag) {
    const Sha256::Digest tag_hash = Sha256Hash(util::AsBytes(tag));
    Sha256 hasher;
    hasher.Write(tag_hash).Write(tag_hash);
    return hasher;
}

util::Uint256 TaggedHash(std::string_view tag, util::ByteSpan data) {
    return util::Uint256(TaggedHasher(tag).Write(data).Finalize());
}

void Sha256d64(uint8_t* out, const uint8_t* in, size_t blocks) {
    if (blocks == 0) return;
    Backend().d64(out, in, blocks);
}

std::string_view Sha256Implementation() {
    return Backend().name;
}

}  // namespace tonari::crypto
