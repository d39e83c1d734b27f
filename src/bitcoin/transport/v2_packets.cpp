// BIP324 packets to and from v1 frames (see v2_packets.h).
#include "bitcoin/transport/v2_packets.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "bitcoin/transport/short_ids.h"

namespace tonari::bitcoin::transport {

using crypto::BIP324_EXPANSION;
using crypto::BIP324_HEADER_SIZE;
using crypto::BIP324_IGNORE_BIT;
using crypto::BIP324_LENGTH_SIZE;
using crypto::POLY1305_TAG_SIZE;

namespace {
// Receive buffer capacity kept between packets.
constexpr size_t PACKET_BUFFER_KEPT = 256 * 1024;
}  // namespace

V2PacketStream::V2PacketStream(crypto::Bip324Cipher cipher, const std::array<uint8_t, 4>& magic)
    : m_cipher(std::move(cipher)), m_magic(magic) {}

void V2PacketStream::AppendVersionPacket(util::ByteSpan our_garbage, util::Bytes& out) {
    m_cipher.Encrypt({}, our_garbage, false, out);
}

void V2PacketStream::AppendDecoy(size_t size, util::Bytes& out) {
    const util::Bytes contents(size, 0);
    m_cipher.Encrypt(contents, {}, true, out);
}

void V2PacketStream::Encrypt(util::Bytes& frame) {
    // Our own frames, built by FrameMessage: a valid header is guaranteed.
    assert(frame.size() >= wire::FRAME_HEADER_SIZE);
    std::array<uint8_t, wire::COMMAND_SIZE> command{};
    std::memcpy(command.data(), frame.data() + 4, command.size());
    const size_t command_length = static_cast<size_t>(std::find(command.begin(), command.end(), 0) - command.begin());
    const auto id = ShortIdFor(std::string_view(reinterpret_cast<const char*>(command.data()), command_length));
    const size_t payload = frame.size() - wire::FRAME_HEADER_SIZE;
    const size_t type_size = id ? 1 : 1 + wire::COMMAND_SIZE;
    const size_t offset = BIP324_LENGTH_SIZE + BIP324_HEADER_SIZE;
    // The packet is built in the frame's own buffer: the payload moves left over the v1
    // header (both layouts put it before byte 24), then the message type goes in front of it.
    static_assert(BIP324_LENGTH_SIZE + BIP324_HEADER_SIZE + 1 + wire::COMMAND_SIZE <= wire::FRAME_HEADER_SIZE);
    if (payload > 0) std::memmove(frame.data() + offset + type_size, frame.data() + wire::FRAME_HEADER_SIZE, payload);
    frame.resize(BIP324_EXPANSION + type_size + payload);
    if (id) {
        frame[offset] = *id;
    } else {
        frame[offset] = 0;
        std::memcpy(frame.data() + offset + 1, command.data(), command.size());
    }
    m_cipher.SealInPlace(frame, {}, false);
}

std::string V2PacketStream::Empty(const char* what) {
    if (++m_empty_in_row > MAX_EMPTY_PACKETS_IN_ROW) {
        return std::string("BIP324: more than ") + std::to_string(MAX_EMPTY_PACKETS_IN_ROW) +
               " packets in a row without a message (" + what + " flood)";
    }
    return {};
}

std::string V2PacketStream::PacketDone(util::Bytes& plain) {
    if (!m_cipher.Decrypt(m_packet, m_aad)) return "BIP324: packet failed authentication";
    m_aad.clear();  // the garbage authenticates with the first packet only, decoy or not
    if ((m_packet[0] & BIP324_IGNORE_BIT) != 0) return Empty("decoy");
    if (!m_version_received) {
        // Its contents are reserved for future extensions; an empty one (ours) means none.
        m_version_received = true;
        m_empty_in_row = 0;
        return {};
    }
    const util::ByteSpan contents(m_packet.data() + BIP324_HEADER_SIZE, m_length);
    if (contents.empty()) return Empty("empty packet");
    std::array<uint8_t, wire::COMMAND_SIZE> command{};
    util::ByteSpan payload;
    if (contents[0] == 0) {
        if (contents.size() < 1 + wire::COMMAND_SIZE) return "BIP324: message type cut short";
        std::memcpy(command.data(), contents.data() + 1, command.size());
        payload = contents.subspan(1 + wire::COMMAND_SIZE);
    } else {
        const std::string_view name = CommandForShortId(contents[0]);
        // Ids BIP324 has not assigned may name messages of a later version: ignored, as the
        // v1 node ignores unknown commands.
        if (name.empty()) return Empty("unknown message id");
        std::memcpy(command.data(), name.data(), name.size());
        payload = contents.subspan(1);
    }
    m_empty_in_row = 0;
    // The v1 frame for it; the header's own checks (command, size) still run above us.
    const size_t start = plain.size();
    plain.resize(start + wire::FRAME_HEADER_SIZE + payload.size());
    uint8_t* out = plain.data() + start;
    std::memcpy(out, m_magic.data(), m_magic.size());
    std::memcpy(out + 4, command.data(), command.size());
    const auto length = static_cast<uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) out[16 + i] = static_cast<uint8_t>(length >> (8 * i));
    std::memset(out + 20, 0, 4);  // no checksum in v2
    if (!payload.empty()) std::memcpy(out + wire::FRAME_HEADER_SIZE, payload.data(), payload.size());
    return {};
}

std::string V2PacketStream::Decrypt(std::span<uint8_t> incoming, util::Bytes& plain) {
    size_t pos = 0;
    while (pos < incoming.size()) {
        if (m_length_have < BIP324_LENGTH_SIZE) {
            const size_t n = std::min(BIP324_LENGTH_SIZE - m_length_have, incoming.size() - pos);
            std::memcpy(m_length_bytes.data() + m_length_have, incoming.data() + pos, n);
            m_length_have += n;
            pos += n;
            if (m_length_have < BIP324_LENGTH_SIZE) break;
            m_length = m_cipher.DecryptLength(m_length_bytes);
            if (m_length > MAX_CONTENTS_LENGTH) {
                return "BIP324: packet of " + std::to_string(m_length) + " bytes is past the limit of " +
                       std::to_string(MAX_CONTENTS_LENGTH);
            }
            m_packet.clear();
            // Reserved only up to PACKET_BUFFER_KEPT ahead: three bytes from a peer must not
            // allocate 4 MB before the bytes behind them arrive (Core caps this the same way).
            m_packet.reserve(std::min<size_t>(BIP324_HEADER_SIZE + m_length + POLY1305_TAG_SIZE, PACKET_BUFFER_KEPT));
            continue;
        }
        const size_t need = BIP324_HEADER_SIZE + m_length + POLY1305_TAG_SIZE;
        const size_t n = std::min(need - m_packet.size(), incoming.size() - pos);
        m_packet.insert(m_packet.end(), incoming.begin() + static_cast<ptrdiff_t>(pos),
                        incoming.begin() + static_cast<ptrdiff_t>(pos + n));
        pos += n;
        if (m_packet.size() < need) break;
        m_length_have = 0;
        if (std::string error = PacketDone(plain); !error.empty()) return error;
        // A block-sized buffer is not kept for the small messages that follow.
        if (m_packet.capacity() > PACKET_BUFFER_KEPT) util::Bytes().swap(m_packet);
    }
    return {};
}

}  // namespace tonari::bitcoin::transport
