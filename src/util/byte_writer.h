// ByteWriter: appends little-endian integers and raw bytes to a growing buffer.
// The mirror of ByteReader; serializers write through it so read and write stay in step.
#pragma once

#include <cstdint>

#include "util/bytes.h"

namespace tonari::util {

class ByteWriter {
public:
    ByteWriter() = default;
    explicit ByteWriter(size_t reserve) { m_buf.reserve(reserve); }

    void WriteU8(uint8_t v) { m_buf.push_back(v); }
    void WriteU16LE(uint16_t v) { WriteLE(v, 2); }
    void WriteU32LE(uint32_t v) { WriteLE(v, 4); }
    void WriteU64LE(uint64_t v) { WriteLE(v, 8); }
    void WriteI32LE(int32_t v) { WriteLE(static_cast<uint32_t>(v), 4); }
    void WriteI64LE(int64_t v) { WriteLE(static_cast<uint64_t>(v), 8); }
    void WriteU16BE(uint16_t v) {
        m_buf.push_back(static_cast<uint8_t>(v >> 8));
        m_buf.push_back(static_cast<uint8_t>(v));
    }
    void WriteU32BE(uint32_t v) {
        m_buf.push_back(static_cast<uint8_t>(v >> 24));
        m_buf.push_back(static_cast<uint8_t>(v >> 16));
        m_buf.push_back(static_cast<uint8_t>(v >> 8));
        m_buf.push_back(static_cast<uint8_t>(v));
    }
    void WriteU64BE(uint64_t v) {
        WriteU32BE(static_cast<uint32_t>(v >> 32));
        WriteU32BE(static_cast<uint32_t>(v));
    }
    void WriteBytes(ByteSpan b) { m_buf.insert(m_buf.end(), b.begin(), b.end()); }

    const Bytes& data() const { return m_buf; }
    size_t size() const { return m_buf.size(); }
    Bytes Take() { return std::move(m_buf); }

private:
    void WriteLE(uint64_t v, size_t n) {
        for (size_t i = 0; i < n; ++i) m_buf.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }

    Bytes m_buf;
};

}  // namespace tonari::util
