// HashWriter: the ByteWriter interface, but bytes go straight into a SHA-256 instead of a
// buffer. Serializers are templates over the writer, so hashing a transaction never
// materializes its serialization.
#pragma once

#include <cstdint>

#include "crypto/sha256.h"
#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::bitcoin::primitives {

class HashWriter {
public:
    HashWriter() = default;
    explicit HashWriter(crypto::Sha256 seeded) : m_sha(seeded) {}

    void WriteU8(uint8_t v) { m_sha.Write({&v, 1}); }
    void WriteU16LE(uint16_t v) { WriteLE(v, 2); }
    void WriteU32LE(uint32_t v) { WriteLE(v, 4); }
    void WriteU64LE(uint64_t v) { WriteLE(v, 8); }
    void WriteI32LE(int32_t v) { WriteLE(static_cast<uint32_t>(v), 4); }
    void WriteI64LE(int64_t v) { WriteLE(static_cast<uint64_t>(v), 8); }
    void WriteBytes(util::ByteSpan b) { m_sha.Write(b); }

    // SHA256(SHA256(written bytes)).
    util::Uint256 GetHashD() {
        const auto first = m_sha.Finalize();
        return util::Uint256(crypto::Sha256Hash(first));
    }
    // SHA256(written bytes): BIP340/341 tagged hashes are single.
    util::Uint256 GetHash() { return util::Uint256(m_sha.Finalize()); }

private:
    void WriteLE(uint64_t v, size_t n) {
        uint8_t buf[8];
        for (size_t i = 0; i < n; ++i) buf[i] = static_cast<uint8_t>(v >> (8 * i));
        m_sha.Write({buf, n});
    }

    crypto::Sha256 m_sha;
};

}  // namespace tonari::bitcoin::primitives
