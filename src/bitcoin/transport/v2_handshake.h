// V2Handshake: BIP324's handshake as a netcore StreamHandshake. The initiator sends its
// ElligatorSwift key and random garbage; the responder first checks whether the connection is
// v1 after all (the first 16 bytes are the magic and "version": then it steps aside and the
// bytes go to the v1 framing), else answers with its own key and garbage. Each side, once it
// has the other's key, derives the session, sends its garbage terminator and version packet,
// skips the peer's garbage up to the peer's terminator, and reads the peer's version packet.
// After that, V2PacketStream carries the connection.
// Used by one connection's io thread.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "bitcoin/transport/v2_packets.h"
#include "crypto/ellswift.h"
#include "netcore/stream_handshake.h"

namespace tonari::bitcoin::transport {

// Garbage a peer may send before its terminator (BIP324). More closes the connection: a peer
// that never sends a terminator cannot make us buffer without end.
inline constexpr size_t MAX_GARBAGE_LENGTH = 4095;
// Garbage we send as the initiator: at most this much. A v1-only peer reads our key and
// garbage as v1 frames; bcoin scores each 24 bytes it cannot parse as a malformed message and
// bans the sender's address after ten (measured: 64 + 175 bytes pass, 64 + 400 get 127.0.0.1
// banned), so a v2 attempt to it must stay under 240 bytes to leave the v1 fallback open.
// The responder, which speaks only to v2 initiators, uses BIP324's full range.
inline constexpr size_t MAX_INITIATOR_GARBAGE_LENGTH = 128;
// The transport names getpeerinfo reports.
inline constexpr const char* TRANSPORT_V1 = "v1";
inline constexpr const char* TRANSPORT_V2 = "v2";

class V2Handshake final : public netcore::StreamHandshake {
public:
    // `keys` signs nothing; it is the randomized secp256k1 context for the ephemeral key and
    // the ECDH. `garbage_length`: ours; random up to MAX_INITIATOR_GARBAGE_LENGTH (initiator) or
    // MAX_GARBAGE_LENGTH (responder) when unset.
    V2Handshake(bool initiator, const std::array<uint8_t, 4>& magic, std::shared_ptr<const crypto::KeyContext> keys,
                std::optional<size_t> garbage_length = std::nullopt);

    Step Start() override;
    Step Receive(util::ByteSpan bytes) override;
    util::Bytes TakeStreamBytes() override;
    std::unique_ptr<netcore::StreamCipher> TakeCipher() override;
    std::string Transport() const override;
    util::Bytes SessionId() const override;
    // An outbound v2 attempt is repeated in v1 when the peer hung up (or answered in v1)
    // before sending a whole key: what a v1-only peer such as bcoin does with our key.
    bool RetryPlain() const override;

private:
    enum class State { Prefix, Key, Garbage, Version, Done, Failed };
    void SendKey(Step& step);
    bool KeyReceived(Step& step);
    Step Fail(std::string why);
    bool LooksLikeV1(util::ByteSpan bytes) const;

    const bool m_initiator;
    const std::array<uint8_t, 4> m_magic;
    std::shared_ptr<const crypto::KeyContext> m_keys;
    const std::optional<size_t> m_garbage_length;
    State m_state;
    bool m_v1 = false;
    bool m_answered_v1 = false;
    std::optional<crypto::EllSwiftKey> m_key;
    util::Bytes m_sent_garbage;
    util::Bytes m_buffer;  // received, not yet consumed
    std::unique_ptr<V2PacketStream> m_stream;
    crypto::SessionId m_session_id{};
    util::Bytes m_stream_bytes;
};

}  // namespace tonari::bitcoin::transport
