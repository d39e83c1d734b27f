// V2PacketStream: the v2 (BIP324) side of an established connection. It turns each v1 frame
// the node sends (24-byte header + payload) into a BIP324 packet (one-byte short id or 0 +
// 12-byte command, then the payload; encrypted and authenticated), and each packet received
// back into a v1 frame, so everything above netcore keeps speaking v1 frames. Received
// frames carry a zero checksum: the packet's tag has already authenticated them.
// Used by one connection's io thread (a netcore StreamCipher).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "bitcoin/wire/frame.h"
#include "crypto/bip324_cipher.h"
#include "netcore/stream_handshake.h"
#include "util/bytes.h"

namespace tonari::bitcoin::transport {

// Largest packet contents accepted: one message of the largest size, with a long message
// type (Core's MAX_CONTENTS_LEN). The length field can claim 16 MiB; a larger claim closes
// the connection before a byte is buffered for it (memory exhaustion by length field).
inline constexpr uint32_t MAX_CONTENTS_LENGTH = 1 + wire::COMMAND_SIZE + wire::MAX_PROTOCOL_MESSAGE_LENGTH;
// Packets carrying no message (decoys, empty contents, unassigned short ids) accepted in a
// row. Each costs us a decryption and nothing is gained from it; past this the peer is
// burning our CPU with a decoy flood and is dropped. No implementation sends more than a few.
inline constexpr uint32_t MAX_EMPTY_PACKETS_IN_ROW = 1000;

class V2PacketStream final : public netcore::StreamCipher {
public:
    V2PacketStream(crypto::Bip324Cipher cipher, const std::array<uint8_t, 4>& magic);

    // Appends our version packet (empty contents: no extensions), authenticating `our_garbage`.
    void AppendVersionPacket(util::ByteSpan our_garbage, util::Bytes& out);
    // The peer's version packet (its first packet that is not a decoy) has arrived: from
    // then on packets are messages.
    bool VersionReceived() const { return m_version_received; }
    const crypto::SessionId& Id() const { return m_cipher.Id(); }
    const crypto::GarbageTerminator& SendTerminator() const { return m_cipher.SendTerminator(); }
    const crypto::GarbageTerminator& RecvTerminator() const { return m_cipher.RecvTerminator(); }
    // The peer's garbage, once its terminator is found: the first packet must authenticate it.
    void SetFirstAad(util::Bytes garbage) { m_aad = std::move(garbage); }

    void Encrypt(util::Bytes& frame) override;
    std::string Decrypt(std::span<uint8_t> incoming, util::Bytes& plain) override;

    // A decoy packet with `size` bytes of contents (tests; the node sends none).
    void AppendDecoy(size_t size, util::Bytes& out);

private:
    std::string PacketDone(util::Bytes& plain);
    std::string Empty(const char* what);

    crypto::Bip324Cipher m_cipher;
    std::array<uint8_t, 4> m_magic;
    util::Bytes m_aad;  // for the first packet only
    bool m_version_received = false;
    std::array<uint8_t, crypto::BIP324_LENGTH_SIZE> m_length_bytes{};
    size_t m_length_have = 0;
    uint32_t m_length = 0;
    util::Bytes m_packet;  // header, contents and tag of the packet being received
    uint32_t m_empty_in_row = 0;
};

}  // namespace tonari::bitcoin::transport
