// Internal helpers shared by the message decoders of this folder: CompactSize reads that tell
// truncation apart from malformed encodings, the end-of-payload check, and the 26-byte legacy
// address form used by `version` and `addr`. Not part of the module's public API.
//
// Stateless free functions over a caller-owned ByteReader/ByteWriter; thread-safe.
#pragma once

#include <cstdint>
#include <limits>

#include "bitcoin/primitives/decode_error.h"
#include "bitcoin/wire/net_address.h"
#include "bitcoin/wire/protocol.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/result.h"

namespace tonari::bitcoin::wire::detail {

// Reads one CompactSize. Truncated when the bytes run out, Malformed for a non-shortest
// encoding (Core rejects those), TooMany when the value exceeds `limit`. Never fails the
// reader for a reason other than truncation before returning an error, so callers may return
// the error directly.
util::Result<uint64_t, WireError> ReadCompactSize(util::ByteReader& r, uint64_t limit);

// Reads a CompactSize count of items of at least `min_item_size` bytes each, checking it first
// against `limit` (TooMany) and then against the bytes remaining (Truncated), so the caller
// can reserve() the count without letting a peer choose the allocation size.
util::Result<uint64_t, WireError> ReadCount(util::ByteReader& r, uint64_t limit,
                                            size_t min_item_size);

// The error a whole-payload decoder returns once every field has been read: Truncated if the
// reader ran out, TrailingBytes if bytes remain, success otherwise.
util::Result<void, WireError> Finish(const util::ByteReader& r);

// Maps a primitives decode failure (inside block/tx/cmpctblock payloads) onto WireError.
WireError FromDecodeError(primitives::DecodeError e);

// The 26-byte legacy network address: services (u64 LE), 16-byte IPv6 (IPv4-mapped for IPv4),
// port (big-endian). Addresses the legacy form cannot carry are written as :: port 0, as Core
// does when it has no v1-compatible address to put in a `version` message.
void WriteLegacyAddress(util::ByteWriter& w, uint64_t services, const NetAddress& addr);
// Reads the same; check r.failed() afterwards (the only possible failure is truncation).
NetAddress ReadLegacyAddress(util::ByteReader& r, uint64_t& services);

// True for 16-byte IPv6 addresses that Core refuses to take at face value: IPv4-mapped
// (::ffff:0:0/96, must travel as IPv4), Tor v2 OnionCat (fd87:d87e:eb43::/48, Tor v2 is dead)
// and Core's internal-name prefix (fd6b:88c0:8724::/48). addr/addrv2 decoders drop them.
bool IsDisallowedIPv6(util::ByteSpan ip16);

// Checks that the payload of a message without fields is empty (TrailingBytes otherwise).
util::Result<void, WireError> CheckEmptyPayload(util::ByteSpan payload);

}  // namespace tonari::bitcoin::wire::detail
