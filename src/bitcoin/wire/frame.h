// The P2P v1 message frame: a 24-byte header (network magic, NUL-padded command, payload
// length, checksum = first 4 bytes of SHA256d(payload)) followed by the payload.
//
// A reader decodes the header first (DecodeFrameHeader), rejects it before reading or
// allocating the payload when it is hostile, then reads `length` bytes and checks them with
// ChecksumMatches. Pure functions over caller-owned bytes; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

inline constexpr size_t FRAME_HEADER_SIZE = 24;
inline constexpr size_t COMMAND_SIZE = 12;

// Largest payload a peer may announce (Bitcoin Core's value; a maximal block fits). Checked on
// the header, so a peer cannot exhaust our memory by announcing a 4 GiB payload: the frame is
// rejected before anything is allocated for it.
inline constexpr uint32_t MAX_PROTOCOL_MESSAGE_LENGTH = 4'000'000;

struct FrameHeader {
    std::array<uint8_t, 4> magic{};
    std::string command;  // without the NUL padding
    uint32_t length = 0;
    std::array<uint8_t, 4> checksum{};

    friend bool operator==(const FrameHeader&, const FrameHeader&) = default;
};

// Decodes a frame header. `header` must be exactly FRAME_HEADER_SIZE bytes (asserted: the
// caller reads that many before calling). BadMagic when the magic is not `magic`; BadCommand
// unless the command is 1-12 printable ASCII characters followed only by NULs; Oversized when
// the length exceeds MAX_PROTOCOL_MESSAGE_LENGTH.
util::Result<FrameHeader, WireError> DecodeFrameHeader(util::ByteSpan header,
                                                       const std::array<uint8_t, 4>& magic);

// First 4 bytes of SHA256d(payload).
std::array<uint8_t, 4> PayloadChecksum(util::ByteSpan payload);

// True when the payload has the header's length and checksum.
bool ChecksumMatches(const FrameHeader& h, util::ByteSpan payload);

// Header + payload, ready to send. `command` is at most COMMAND_SIZE characters and the payload
// at most MAX_PROTOCOL_MESSAGE_LENGTH bytes (both asserted: they are ours, not a peer's).
// Without the checksum (left zero) for a BIP324 connection, whose packets carry none: the v2
// transport re-frames the message and its AEAD tag does the checksum's work.
util::Bytes FrameMessage(const std::array<uint8_t, 4>& magic, std::string_view command,
                         util::ByteSpan payload, bool with_checksum = true);

}  // namespace tonari::bitcoin::wire
