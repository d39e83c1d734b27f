// CompactSize: Bitcoin's variable-length unsigned integer used for every count and length on
// the wire (1, 3, 5 or 9 bytes: value < 0xfd inline, else a 0xfd/0xfe/0xff marker and a
// little-endian u16/u32/u64).
//
// Reading is strict: a value must use its shortest encoding (Bitcoin Core rejects the others,
// so accepting them would let one transaction have two serializations), and by default must
// not exceed MAX_COMPACT_SIZE. Errors fail the ByteReader (sticky), as every other read does.
// Stateless free functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "util/byte_reader.h"

namespace tonari::bitcoin::encoding {

// Largest count or length a peer may announce (32 MiB, Bitcoin Core's MAX_SIZE). Defends
// against a peer claiming a huge vector so that we reserve or loop over gigabytes before
// noticing the message is short.
inline constexpr uint64_t MAX_COMPACT_SIZE = 0x02000000;

// Bytes WriteCompactSize emits for `value`: 1, 3, 5 or 9.
constexpr size_t CompactSizeLength(uint64_t value) {
    if (value < 0xfd) return 1;
    if (value <= 0xffff) return 3;
    if (value <= 0xffffffff) return 5;
    return 9;
}

// Writes the shortest encoding of `value`. Writer is util::ByteWriter or anything with the
// same WriteU8/WriteU16LE/WriteU32LE/WriteU64LE members (e.g. a hashing writer).
template <typename Writer>
void WriteCompactSize(Writer& w, uint64_t value) {
    if (value < 0xfd) {
        w.WriteU8(static_cast<uint8_t>(value));
    } else if (value <= 0xffff) {
        w.WriteU8(0xfd);
        w.WriteU16LE(static_cast<uint16_t>(value));
    } else if (value <= 0xffffffff) {
        w.WriteU8(0xfe);
        w.WriteU32LE(static_cast<uint32_t>(value));
    } else {
        w.WriteU8(0xff);
        w.WriteU64LE(value);
    }
}

// Reads one CompactSize. On a short read, a non-shortest encoding, or (when range_check is
// true) a value above MAX_COMPACT_SIZE, fails the reader and returns 0. range_check = false is
// only for fields that are numbers rather than counts (e.g. addrv2 service bits).
uint64_t ReadCompactSize(util::ByteReader& r, bool range_check = true);

}  // namespace tonari::bitcoin::encoding
