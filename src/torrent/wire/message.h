// The BitTorrent peer wire (BEP 3), with the fast extension (BEP 6), the extension protocol
// (BEP 10) and BEP 52's hash messages: the handshake and every message as values, a strict
// decoder for one message's payload and the encoder of whole frames.
//
// On the wire every message after the handshake is a 4-byte big-endian length followed by
// that many bytes (an id byte, then the body; length 0 is a keep-alive). The handshake is
// not length-prefixed, but its first four bytes ("\x13Bit") read as a length would be far
// past MAX_MESSAGE_LENGTH, so one framing rule covers both: `FrameLength` tells a handshake
// (64 more bytes) from a message, and refuses oversized lengths before anything is allocated.
//
// Pure functions over bytes; thread-safe. Decoders never throw and never abort.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::torrent::wire {

using Hash20 = std::array<uint8_t, 20>;
using Hash32 = std::array<uint8_t, 32>;

// The size of every block requested and sent (BEP 3 practice; libtorrent's and
// Transmission's). Requests for more are refused.
inline constexpr uint32_t BLOCK_SIZE = 16 * 1024;
// Attack: a length prefix asking us to buffer gigabytes. The largest honest message is a
// bitfield of a torrent with millions of pieces or a BEP 52 hashes message; 1 MiB + a block
// covers both with room.
inline constexpr uint32_t MAX_MESSAGE_LENGTH = (1u << 20) + BLOCK_SIZE + 13;
// Attack: a hashes message (BEP 52) claiming millions of hashes.
inline constexpr uint32_t MAX_HASHES_PER_MESSAGE = 512 + 64;  // 512 hashes + proof layers

inline constexpr size_t HANDSHAKE_SIZE = 68;
inline constexpr size_t FRAME_HEADER_SIZE = 4;

// Reserved bits of the handshake (BEP 3 numbering: byte index, bit mask).
inline constexpr size_t RESERVED_EXTENSION_BYTE = 5;  // BEP 10
inline constexpr uint8_t RESERVED_EXTENSION_BIT = 0x10;
inline constexpr size_t RESERVED_FAST_BYTE = 7;       // BEP 6
inline constexpr uint8_t RESERVED_FAST_BIT = 0x04;
inline constexpr size_t RESERVED_DHT_BYTE = 7;        // BEP 5
inline constexpr uint8_t RESERVED_DHT_BIT = 0x01;
inline constexpr size_t RESERVED_V2_BYTE = 7;         // BEP 52: upgrade to v2
inline constexpr uint8_t RESERVED_V2_BIT = 0x10;

struct Handshake {
    std::array<uint8_t, 8> reserved{};
    Hash20 info_hash{};
    Hash20 peer_id{};

    bool SupportsExtensions() const { return reserved[RESERVED_EXTENSION_BYTE] & RESERVED_EXTENSION_BIT; }
    bool SupportsFast() const { return reserved[RESERVED_FAST_BYTE] & RESERVED_FAST_BIT; }
    bool SupportsDht() const { return reserved[RESERVED_DHT_BYTE] & RESERVED_DHT_BIT; }
    bool SupportsV2() const { return reserved[RESERVED_V2_BYTE] & RESERVED_V2_BIT; }
};

enum class MessageId : uint8_t {
    Choke = 0,
    Unchoke = 1,
    Interested = 2,
    NotInterested = 3,
    Have = 4,
    Bitfield = 5,
    Request = 6,
    Piece = 7,
    Cancel = 8,
    Port = 9,           // BEP 5
    SuggestPiece = 13,  // BEP 6
    HaveAll = 14,
    HaveNone = 15,
    RejectRequest = 16,
    AllowedFast = 17,
    Extended = 20,      // BEP 10
    HashRequest = 21,   // BEP 52
    Hashes = 22,
    HashReject = 23,
};

struct KeepAlive {};
struct Choke {};
struct Unchoke {};
struct Interested {};
struct NotInterested {};
struct HaveAll {};
struct HaveNone {};
struct Have { uint32_t piece = 0; };
struct SuggestPiece { uint32_t piece = 0; };
struct AllowedFast { uint32_t piece = 0; };
struct Bitfield { util::Bytes bits; };  // high bit of byte 0 is piece 0
struct BlockRef {
    uint32_t piece = 0;
    uint32_t offset = 0;
    uint32_t length = 0;
    bool operator==(const BlockRef&) const = default;
    auto operator<=>(const BlockRef&) const = default;
};
struct Request { BlockRef block; };
struct Cancel { BlockRef block; };
struct RejectRequest { BlockRef block; };
struct Piece {
    uint32_t piece = 0;
    uint32_t offset = 0;
    util::Bytes data;
};
struct Port { uint16_t port = 0; };
struct Extended {
    uint8_t id = 0;        // 0: the extension handshake
    util::Bytes payload;   // bencoded head, possibly followed by raw bytes (ut_metadata)
};
// BEP 52: hashes of one layer of a file's merkle tree, with the uncle hashes that prove them.
struct HashRequestFields {
    Hash32 pieces_root{};
    uint32_t base_layer = 0;
    uint32_t index = 0;
    uint32_t length = 0;
    uint32_t proof_layers = 0;
    bool operator==(const HashRequestFields&) const = default;
};
struct HashRequest { HashRequestFields fields; };
struct HashReject { HashRequestFields fields; };
struct Hashes {
    HashRequestFields fields;
    std::vector<Hash32> hashes;
};

using Message = std::variant<KeepAlive, Choke, Unchoke, Interested, NotInterested, Have, Bitfield, Request, Piece,
                             Cancel, Port, SuggestPiece, HaveAll, HaveNone, RejectRequest, AllowedFast, Extended,
                             HashRequest, Hashes, HashReject>;

enum class WireErrorCode : uint8_t {
    BadHandshake,   // not "\x13BitTorrent protocol", or the wrong size
    TooLong,        // a length prefix over MAX_MESSAGE_LENGTH
    WrongSize,      // a body too short or too long for its id
    UnknownId,      // an id this decoder does not know (callers may ignore such messages)
    BadValue,       // a field out of range (a block length over BLOCK_SIZE, a hash count…)
};

struct WireError {
    WireErrorCode code;
    std::string message;
};

template <typename T>
using WireResult = util::Result<T, WireError>;

// The framing rule for netcore's FrameFormat: given the first FRAME_HEADER_SIZE bytes of a
// frame, how many more bytes make it whole. "\x13Bit" starts a handshake (64 more bytes);
// otherwise the big-endian length, refused past MAX_MESSAGE_LENGTH.
WireResult<size_t> FrameLength(util::ByteSpan header);
// True when a frame header starts a handshake.
bool IsHandshakeHeader(util::ByteSpan header);

// The 68 handshake bytes.
util::Bytes EncodeHandshake(const Handshake& h);
WireResult<Handshake> DecodeHandshake(util::ByteSpan bytes);

// One message from its payload (the bytes after the length prefix; empty = keep-alive).
WireResult<Message> DecodeMessage(util::ByteSpan payload);
// A whole frame: length prefix, id, body.
util::Bytes EncodeMessage(const Message& m);

// Bitfield helpers: bit i of a bitfield of `pieces` pieces. A received bitfield must have
// exactly ceil(pieces / 8) bytes and no bit set past the last piece (BEP 3: spare bits zero).
bool BitfieldValid(util::ByteSpan bits, uint32_t pieces);
bool BitfieldGet(util::ByteSpan bits, uint32_t piece);
void BitfieldSet(util::Bytes& bits, uint32_t piece);

// Short name for logs ("piece", "have_all", …).
const char* MessageName(const Message& m);

}  // namespace tonari::torrent::wire
