// Protocol-wide constants of Bitcoin's P2P network (versions, service bits) and WireError,
// the reason a frame or message payload was rejected. Peer scoring switches on WireError, so
// each value names one class of fault rather than one call site.
//
// Plain constants and a pure function; thread-safe.
#pragma once

#include <cstdint>

namespace tonari::bitcoin::wire {

// The version we speak: wtxidrelay (BIP339) is the newest feature we implement.
inline constexpr int32_t PROTOCOL_VERSION = 70016;
// Oldest peer version we accept. Bitcoin Core itself only disconnects below 31800
// (GETHEADERS_VERSION); we ask for 70002 (Core 0.9, 2014), because every peer from then on sends
// the complete `version` payload (relay flag included) and `pong` (BIP31), so the node never
// needs the old special cases. No reachable peer on mainnet today is older.
inline constexpr int32_t MIN_PEER_PROTO_VERSION = 70002;
// Peers at or above these versions understand the named message or feature.
inline constexpr int32_t SENDHEADERS_VERSION = 70012;       // BIP130 `sendheaders`
inline constexpr int32_t FEEFILTER_VERSION = 70013;         // BIP133 `feefilter`
inline constexpr int32_t SHORT_IDS_BLOCKS_VERSION = 70014;  // BIP152 compact blocks
inline constexpr int32_t WTXID_RELAY_VERSION = 70016;       // BIP339 `wtxidrelay`

// Service bits advertised in `version` and in addr/addrv2 entries.
inline constexpr uint64_t NODE_NETWORK = 1;               // serves the full block chain
inline constexpr uint64_t NODE_BLOOM = 4;                 // BIP111: serves bloom filters
inline constexpr uint64_t NODE_WITNESS = 8;               // BIP144: serves witness data
inline constexpr uint64_t NODE_COMPACT_FILTERS = 64;      // BIP157: serves compact filters
inline constexpr uint64_t NODE_NETWORK_LIMITED = 1024;    // BIP159: serves the last 288 blocks
inline constexpr uint64_t NODE_P2P_V2 = 2048;             // BIP324: v2 encrypted transport

// Why a frame header or a message payload was rejected.
enum class WireError {
    BadMagic,       // frame header: network magic is not ours (wrong network or garbage)
    BadCommand,     // frame header: command not printable ASCII + NUL padding, or empty
    Oversized,      // frame header: payload length above MAX_PROTOCOL_MESSAGE_LENGTH
    BadChecksum,    // payload does not match the header's checksum (or its length)
    Truncated,      // the payload ended inside a field, or a count exceeds the bytes left
    TrailingBytes,  // bytes left over after a complete message
    TooMany,        // a count or length above its protocol limit (MAX_INV_SIZE, ...)
    Malformed,      // a field value no correct peer sends (non-canonical CompactSize, a
                    // BIP155 address of the wrong length, compact-block index overflow, ...)
};

// Short lower-case description, e.g. "bad checksum"; never null.
const char* ToString(WireError e);

}  // namespace tonari::bitcoin::wire
