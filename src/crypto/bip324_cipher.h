// BIP324's packet cipher: the keys both ends of a v2 connection derive from their ECDH secret,
// the length cipher (FSChaCha20) and the contents AEAD (FSChaCha20Poly1305), each rekeyed every
// 224 packets for forward secrecy, and whole packets sealed and opened with them. Pure logic:
// the handshake and the message framing that use it belong to the Bitcoin transport.
// One object per connection, used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/chacha20.h"
#include "crypto/ellswift.h"
#include "util/bytes.h"

namespace tonari::crypto {

inline constexpr uint32_t BIP324_REKEY_INTERVAL = 224;
inline constexpr size_t BIP324_LENGTH_SIZE = 3;  // encrypted contents length, little-endian
inline constexpr size_t BIP324_HEADER_SIZE = 1;  // flags byte inside the AEAD
inline constexpr uint8_t BIP324_IGNORE_BIT = 0x80;  // a decoy packet
// Bytes a packet adds to its contents: length, header, Poly1305 tag.
inline constexpr size_t BIP324_EXPANSION = BIP324_LENGTH_SIZE + BIP324_HEADER_SIZE + POLY1305_TAG_SIZE;
inline constexpr size_t BIP324_GARBAGE_TERMINATOR_SIZE = 16;
inline constexpr uint32_t BIP324_MAX_CONTENTS_LENGTH = (1u << 24) - 1;  // what 3 bytes can say

using GarbageTerminator = std::array<uint8_t, BIP324_GARBAGE_TERMINATOR_SIZE>;
using SessionId = std::array<uint8_t, 32>;

// ChaCha20 as one stream across fixed-size chunks (packet lengths), rekeyed from its own
// keystream every 224 chunks.
class FsChaCha20 {
public:
    explicit FsChaCha20(const ChaChaKey& key) : m_key(key) {}
    // XORs the next keystream bytes into one chunk, in place.
    void Crypt(std::span<uint8_t> chunk);

private:
    void Keystream(std::span<uint8_t> out);
    ChaChaKey m_key;
    uint64_t m_rekeys = 0;
    uint32_t m_block = 0;
    uint32_t m_chunks = 0;  // since the last rekey
    std::array<uint8_t, CHACHA20_BLOCK_SIZE> m_buffer{};
    size_t m_buffer_left = 0;
};

// ChaCha20-Poly1305 with a per-message nonce (message count, rekey count), rekeyed every 224
// messages from the keystream of a reserved nonce.
class FsChaCha20Poly1305 {
public:
    explicit FsChaCha20Poly1305(const ChaChaKey& key) : m_key(key) {}
    void Seal(util::ByteSpan aad, util::ByteSpan plain, std::span<uint8_t> out);
    [[nodiscard]] bool Open(util::ByteSpan aad, util::ByteSpan sealed, std::span<uint8_t> plain);

private:
    ChaChaNonce Nonce() const;
    void NextMessage();
    ChaCha20Poly1305 m_aead;
    ChaChaKey m_key;
    uint64_t m_rekeys = 0;
    uint32_t m_messages = 0;  // since the last rekey
};

// The ECDH secret of BIP324's v2_ecdh: a tagged hash of both encodings, the initiator's first,
// and the x-only ECDH result. nullopt only for an invalid secret key.
std::optional<std::array<uint8_t, 32>> Bip324EcdhSecret(const KeyContext& ctx, const PrivKey& ours,
                                                        const EllSwiftPubKey& our_encoding,
                                                        const EllSwiftPubKey& their_encoding, bool initiator);

class Bip324Cipher {
public:
    // Derives every key (HKDF-SHA256, salt "bitcoin_v2_shared_secret" + the network magic, so
    // nodes of different networks fail at once) and takes the sending half for our role.
    Bip324Cipher(const std::array<uint8_t, 32>& ecdh_secret, bool initiator, const std::array<uint8_t, 4>& magic);

    const SessionId& Id() const { return m_session_id; }
    const GarbageTerminator& SendTerminator() const { return m_send_terminator; }
    const GarbageTerminator& RecvTerminator() const { return m_recv_terminator; }

    // Appends one packet carrying `contents` (at most BIP324_MAX_CONTENTS_LENGTH bytes,
    // asserted: it is ours) to `out`.
    void Encrypt(util::ByteSpan contents, util::ByteSpan aad, bool ignore, util::Bytes& out);
    // The same without a copy: `packet` is BIP324_EXPANSION + n bytes whose contents (n bytes)
    // the caller has already placed at offset BIP324_LENGTH_SIZE + BIP324_HEADER_SIZE.
    void SealInPlace(std::span<uint8_t> packet, util::ByteSpan aad, bool ignore);
    // Decrypts the next packet's length field: the number of contents bytes announced. The
    // rest of that packet is BIP324_HEADER_SIZE + length + POLY1305_TAG_SIZE bytes.
    uint32_t DecryptLength(std::span<const uint8_t, BIP324_LENGTH_SIZE> encrypted);
    // Opens the rest of a packet in place: on success the header byte is at sealed[0] and the
    // contents follow it. False when the tag fails (the connection must be dropped: the
    // stream can no longer be trusted or even framed).
    [[nodiscard]] bool Decrypt(std::span<uint8_t> sealed, util::ByteSpan aad);

private:
    FsChaCha20 m_send_length;
    FsChaCha20Poly1305 m_send_contents;
    FsChaCha20 m_recv_length;
    FsChaCha20Poly1305 m_recv_contents;
    SessionId m_session_id{};
    GarbageTerminator m_send_terminator{};
    GarbageTerminator m_recv_terminator{};

    struct Keys;
    Bip324Cipher(const Keys& keys, bool initiator);
};

}  // namespace tonari::crypto
