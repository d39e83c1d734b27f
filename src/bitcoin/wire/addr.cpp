// `addr` / `addrv2` encoding (see addr.h).
#include "bitcoin/wire/addr.h"

#include <cassert>
#include <limits>

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/wire/codec.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {
namespace {

constexpr size_t LEGACY_ENTRY_SIZE = 4 + 26;
// time + services (1-byte CompactSize) + network id + length (1 byte) + empty address + port.
constexpr size_t MIN_V2_ENTRY_SIZE = 4 + 1 + 1 + 1 + 0 + 2;

bool KnownNetwork(uint8_t id) {
    switch (static_cast<NetId>(id)) {
        case NetId::IPv4:
        case NetId::IPv6:
        case NetId::TorV3:
        case NetId::I2P:
        case NetId::CJDNS: return true;
        case NetId::TorV2: return false;  // Core no longer knows it: skipped like any unknown id
    }
    return false;
}

}  // namespace

util::Bytes AddrMsg::Encode() const {
    std::vector<const AddrEntry*> sendable;
    sendable.reserve(entries.size());
    for (const AddrEntry& e : entries) {
        if (e.address.ToLegacy()) sendable.push_back(&e);
    }
    util::ByteWriter w(9 + sendable.size() * LEGACY_ENTRY_SIZE);
    encoding::WriteCompactSize(w, sendable.size());
    for (const AddrEntry* e : sendable) {
        w.WriteU32LE(e->time);
        detail::WriteLegacyAddress(w, e->services, e->address);
    }
    return w.Take();
}

util::Result<AddrMsg, WireError> AddrMsg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    const auto count = detail::ReadCount(r, MAX_ADDR_TO_SEND, LEGACY_ENTRY_SIZE);
    if (!count) return util::Fail(count.error());
    AddrMsg m;
    m.entries.reserve(*count);
    for (uint64_t i = 0; i < *count; ++i) {
        AddrEntry e;
        e.time = r.ReadU32LE();
        e.address = detail::ReadLegacyAddress(r, e.services);
        if (r.failed()) return util::Fail(WireError::Truncated);
        if (e.address.net == NetId::IPv6 && detail::IsDisallowedIPv6(e.address.addr)) continue;
        m.entries.push_back(std::move(e));
    }
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

util::Bytes AddrV2Msg::Encode() const {
    util::ByteWriter w;
    encoding::WriteCompactSize(w, entries.size());
    for (const AddrEntry& e : entries) {
        assert(e.address.addr.size() == AddressLength(e.address.net));
        w.WriteU32LE(e.time);
        encoding::WriteCompactSize(w, e.services);
        w.WriteU8(static_cast<uint8_t>(e.address.net));
        encoding::WriteCompactSize(w, e.address.addr.size());
        w.WriteBytes(e.address.addr);
        w.WriteU16BE(e.address.port);
    }
    return w.Take();
}

util::Result<AddrV2Msg, WireError> AddrV2Msg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    const auto count = detail::ReadCount(r, MAX_ADDR_TO_SEND, MIN_V2_ENTRY_SIZE);
    if (!count) return util::Fail(count.error());
    AddrV2Msg m;
    m.entries.reserve(*count);
    for (uint64_t i = 0; i < *count; ++i) {
        AddrEntry e;
        e.time = r.ReadU32LE();
        if (r.failed()) return util::Fail(WireError::Truncated);
        // Service bits are a number, not a count: no range limit, but still canonical.
        const auto services = detail::ReadCompactSize(r, std::numeric_limits<uint64_t>::max());
        if (!services) return util::Fail(services.error());
        e.services = *services;
        const uint8_t net_id = r.ReadU8();
        if (r.failed()) return util::Fail(WireError::Truncated);
        const auto len = detail::ReadCompactSize(r, MAX_ADDRV2_SIZE);
        if (!len) return util::Fail(len.error());
        const bool known = KnownNetwork(net_id);
        if (known && *len != AddressLength(static_cast<NetId>(net_id))) {
            return util::Fail(WireError::Malformed);
        }
        const util::ByteSpan addr = r.ReadSpan(*len);
        e.address.port = r.ReadU16BE();
        if (r.failed()) return util::Fail(WireError::Truncated);
        if (!known) continue;
        e.address.net = static_cast<NetId>(net_id);
        e.address.addr.assign(addr.begin(), addr.end());
        if (e.address.net == NetId::IPv6 && detail::IsDisallowedIPv6(addr)) continue;
        m.entries.push_back(std::move(e));
    }
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

}  // namespace tonari::bitcoin::wire
