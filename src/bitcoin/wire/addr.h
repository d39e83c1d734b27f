// `addr` and `addrv2` (BIP155): gossip of peer addresses, each with a last-seen time and
// service bits. `addr` carries 16-byte IPv6 (IPv4 mapped) addresses only; `addrv2` adds a
// network id so Tor v3, I2P and CJDNS addresses can travel too.
//
// Plain values; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "bitcoin/wire/net_address.h"
#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

// Most entries in one addr/addrv2 message (Core's limit; more is TooMany). Bounds the work and
// the address-manager churn one message can cause: a peer flooding addresses to fill our
// tables with its own nodes (eclipse attack) has to spread them over many messages, which the
// caller rate-limits.
inline constexpr size_t MAX_ADDR_TO_SEND = 1000;
// Longest address field in an addrv2 entry (BIP155). Bounds what an unknown network id can make
// us read and skip.
inline constexpr size_t MAX_ADDRV2_SIZE = 512;

struct AddrMsg {
    static constexpr std::string_view COMMAND = "addr";
    std::vector<AddrEntry> entries;

    // Entries the legacy form cannot carry (Tor v3, I2P, CJDNS, or malformed) are left out, as
    // Core does when gossiping to a peer that did not send `sendaddrv2`.
    util::Bytes Encode() const;
    // Entries are time u32, services u64, 16-byte address, port big-endian. Tor v2 OnionCat and
    // Core-internal IPv6 prefixes are parsed and dropped (Core makes them invalid).
    static util::Result<AddrMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const AddrMsg&, const AddrMsg&) = default;
};

struct AddrV2Msg {
    static constexpr std::string_view COMMAND = "addrv2";
    std::vector<AddrEntry> entries;

    // Writes every entry as given; each address must have AddressLength(net) bytes (asserted).
    util::Bytes Encode() const;
    // Entries are time u32, services CompactSize, network id u8, CompactSize length, address,
    // port big-endian. An entry with an unknown network id or Tor v2 is read and dropped (Core
    // keeps parsing, so future networks do not break old nodes); a known id with the wrong
    // address length is Malformed; a length above MAX_ADDRV2_SIZE is TooMany. IPv6 entries that
    // embed IPv4 (::ffff:0:0/96), Tor v2 or internal prefixes are dropped as in Core.
    static util::Result<AddrV2Msg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const AddrV2Msg&, const AddrV2Msg&) = default;
};

}  // namespace tonari::bitcoin::wire
