// ByteReader: bounds-checked little-endian reads over untrusted bytes.
//
// Failure is sticky: a read past the end returns zero / an empty span, sets failed(), and every
// later read fails too. Parsers read a whole structure, then check failed() once, which keeps
// them short without ever touching memory outside the input. Callers that allocate from a
// length field must first check it against remaining() (see CheckCount), so a peer cannot make
// us reserve gigabytes with a five-byte message.
// Not thread-safe; it is a cursor over a span owned by the caller.
#pragma once

#include <cstdint>
#include <cstring>

#include "util/bytes.h"

namespace tonari::util {

class ByteReader {
public:
    explicit ByteReader(ByteSpan data) : m_data(data) {}

    bool failed() const { return m_failed; }
    size_t remaining() const { return m_failed ? 0 : m_data.size() - m_pos; }
    size_t position() const { return m_pos; }
    bool empty() const { return remaining() == 0; }
    ByteSpan data() const { return m_data; }

    // Marks the reader failed (for semantic errors found by the parser itself).
    void Fail() { m_failed = true; }

    uint8_t ReadU8() { return static_cast<uint8_t>(ReadLE(1)); }
    uint16_t ReadU16LE() { return static_cast<uint16_t>(ReadLE(2)); }
    uint32_t ReadU32LE() { return static_cast<uint32_t>(ReadLE(4)); }
    uint64_t ReadU64LE() { return ReadLE(8); }
    int32_t ReadI32LE() { return static_cast<int32_t>(ReadU32LE()); }
    int64_t ReadI64LE() { return static_cast<int64_t>(ReadU64LE()); }
    uint16_t ReadU16BE() {
        const ByteSpan b = ReadSpan(2);
        return b.empty() ? 0 : static_cast<uint16_t>((b[0] << 8) | b[1]);
    }
    uint32_t ReadU32BE() {
        const ByteSpan b = ReadSpan(4);
        if (b.empty()) return 0;
        return (static_cast<uint32_t>(b[0]) << 24) | (static_cast<uint32_t>(b[1]) << 16) |
               (static_cast<uint32_t>(b[2]) << 8) | static_cast<uint32_t>(b[3]);
    }
    uint64_t ReadU64BE() {
        const uint64_t high = ReadU32BE();
        return (high << 32) | ReadU32BE();
    }

    // A view of the next n bytes (valid while the underlying buffer lives), or empty on failure.
    ByteSpan ReadSpan(size_t n) {
        if (m_failed || n > m_data.size() - m_pos) {
            m_failed = true;
            return {};
        }
        ByteSpan out = m_data.subspan(m_pos, n);
        m_pos += n;
        return out;
    }

    Bytes ReadBytes(size_t n) {
        const ByteSpan s = ReadSpan(n);
        return Bytes(s.begin(), s.end());
    }

    // Copies exactly out.size() bytes, or fails and zero-fills.
    void ReadInto(std::span<uint8_t> out) {
        const ByteSpan s = ReadSpan(out.size());
        if (s.empty() && !out.empty()) {
            std::memset(out.data(), 0, out.size());
            return;
        }
        std::memcpy(out.data(), s.data(), s.size());
    }

    // True when `count` items of at least `min_item_size` bytes each could still fit in the
    // input; otherwise fails the reader. Guards allocations sized by attacker-chosen counts.
    bool CheckCount(uint64_t count, size_t min_item_size) {
        if (min_item_size == 0) min_item_size = 1;
        if (m_failed || count > remaining() / min_item_size) {
            m_failed = true;
            return false;
        }
        return true;
    }

private:
    uint64_t ReadLE(size_t n) {
        const ByteSpan b = ReadSpan(n);
        if (b.empty()) return 0;
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
        return v;
    }

    ByteSpan m_data;
    size_t m_pos = 0;
    bool m_failed = false;
};

}  // namespace tonari::util
