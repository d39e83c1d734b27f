// Frame header encoding and checks (see frame.h).
#include "bitcoin/wire/frame.h"

#include <algorithm>
#include <cassert>

#include "crypto/sha256.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {
namespace {

// Bitcoin Core's rule: printable ASCII (0x20..0x7e), then only NULs to the end of the field.
// We also refuse the empty command, which no message uses.
bool ParseCommand(util::ByteSpan field, std::string& out) {
    size_t len = 0;
    while (len < field.size() && field[len] != 0) {
        if (field[len] < 0x20 || field[len] > 0x7e) return false;
        ++len;
    }
    if (len == 0) return false;
    if (!std::all_of(field.begin() + len, field.end(), [](uint8_t b) { return b == 0; })) return false;
    out.assign(field.begin(), field.begin() + len);
    return true;
}

}  // namespace

util::Result<FrameHeader, WireError> DecodeFrameHeader(util::ByteSpan header,
                                                       const std::array<uint8_t, 4>& magic) {
    assert(header.size() == FRAME_HEADER_SIZE);
    util::ByteReader r(header);
    FrameHeader h;
    r.ReadInto(h.magic);
    const util::ByteSpan command = r.ReadSpan(COMMAND_SIZE);
    h.length = r.ReadU32LE();
    r.ReadInto(h.checksum);
    if (r.failed()) return util::Fail(WireError::Truncated);  // only when the assert is off
    if (h.magic != magic) return util::Fail(WireError::BadMagic);
    if (!ParseCommand(command, h.command)) return util::Fail(WireError::BadCommand);
    if (h.length > MAX_PROTOCOL_MESSAGE_LENGTH) return util::Fail(WireError::Oversized);
    return h;
}

std::array<uint8_t, 4> PayloadChecksum(util::ByteSpan payload) {
    const util::Uint256 hash = crypto::Sha256d(payload);
    std::array<uint8_t, 4> out{};
    std::copy_n(hash.begin(), out.size(), out.begin());
    return out;
}

bool ChecksumMatches(const FrameHeader& h, util::ByteSpan payload) {
    return payload.size() == h.length && PayloadChecksum(payload) == h.checksum;
}

util::Bytes FrameMessage(const std::array<uint8_t, 4>& magic, std::string_view command,
                         util::ByteSpan payload, bool with_checksum) {
    assert(command.size() <= COMMAND_SIZE);
    assert(payload.size() <= MAX_PROTOCOL_MESSAGE_LENGTH);
    util::ByteWriter w(FRAME_HEADER_SIZE + payload.size());
    w.WriteBytes(magic);
    std::array<uint8_t, COMMAND_SIZE> field{};
    std::copy(command.begin(), command.end(), field.begin());
    w.WriteBytes(field);
    w.WriteU32LE(static_cast<uint32_t>(payload.size()));
    w.WriteBytes(with_checksum ? PayloadChecksum(payload) : std::array<uint8_t, 4>{});
    w.WriteBytes(payload);
    return w.Take();
}

}  // namespace tonari::bitcoin::wire
