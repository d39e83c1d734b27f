// BIP324's handshake and v1 detection (see v2_handshake.h).
#include "bitcoin/transport/v2_handshake.h"

#include <algorithm>
#include <cstring>

#include "crypto/random.h"

namespace tonari::bitcoin::transport {

namespace {

// What a v1 connection's first 16 bytes are: the magic, then "version" padded with NULs.
constexpr size_t V1_PREFIX_SIZE = 16;
constexpr char V1_VERSION_COMMAND[] = "version\0\0\0\0\0";

}  // namespace

V2Handshake::V2Handshake(bool initiator, const std::array<uint8_t, 4>& magic,
                         std::shared_ptr<const crypto::KeyContext> keys, std::optional<size_t> garbage_length)
    : m_initiator(initiator),
      m_magic(magic),
      m_keys(std::move(keys)),
      m_garbage_length(garbage_length),
      m_state(initiator ? State::Key : State::Prefix) {}

bool V2Handshake::LooksLikeV1(util::ByteSpan bytes) const {
    // True while every byte seen so far matches the v1 prefix.
    for (size_t i = 0; i < bytes.size() && i < V1_PREFIX_SIZE; ++i) {
        const uint8_t expected = i < 4 ? m_magic[i] : static_cast<uint8_t>(V1_VERSION_COMMAND[i - 4]);
        if (bytes[i] != expected) return false;
    }
    return true;
}

void V2Handshake::SendKey(Step& step) {
    m_key = crypto::EllSwiftGenerate(*m_keys);
    size_t length = 0;
    if (m_garbage_length) {
        length = std::min(*m_garbage_length, MAX_GARBAGE_LENGTH);
    } else {
        const size_t most = m_initiator ? MAX_INITIATOR_GARBAGE_LENGTH : MAX_GARBAGE_LENGTH;
        length = static_cast<size_t>(crypto::RandomU64() % (most + 1));
    }
    m_sent_garbage.resize(length);
    crypto::RandomBytes(m_sent_garbage);
    step.send.insert(step.send.end(), m_key->encoding.begin(), m_key->encoding.end());
    step.send.insert(step.send.end(), m_sent_garbage.begin(), m_sent_garbage.end());
}

netcore::StreamHandshake::Step V2Handshake::Fail(std::string why) {
    m_state = State::Failed;
    Step step;
    step.error = "BIP324: " + std::move(why);
    return step;
}

netcore::StreamHandshake::Step V2Handshake::Start() {
    Step step;
    if (m_initiator) SendKey(step);
    return step;
}

// Their key is complete in m_buffer: derive the session and queue our terminator and version
// packet. False when the key cannot be used (an invalid secret: never with our own keys).
bool V2Handshake::KeyReceived(Step& step) {
    crypto::EllSwiftPubKey theirs{};
    std::memcpy(theirs.data(), m_buffer.data(), theirs.size());
    m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<ptrdiff_t>(theirs.size()));
    const auto secret = crypto::Bip324EcdhSecret(*m_keys, m_key->secret, m_key->encoding, theirs, m_initiator);
    if (!secret) return false;
    crypto::Bip324Cipher cipher(*secret, m_initiator, m_magic);
    m_session_id = cipher.Id();
    m_stream = std::make_unique<V2PacketStream>(std::move(cipher), m_magic);
    const auto& terminator = m_stream->SendTerminator();
    step.send.insert(step.send.end(), terminator.begin(), terminator.end());
    m_stream->AppendVersionPacket(m_sent_garbage, step.send);
    m_key.reset();  // the ephemeral secret is not needed any more
    return true;
}

netcore::StreamHandshake::Step V2Handshake::Receive(util::ByteSpan bytes) {
    Step step;
    if (m_state == State::Done || m_state == State::Failed) return step;
    m_buffer.insert(m_buffer.end(), bytes.begin(), bytes.end());
    while (true) {
        switch (m_state) {
            case State::Prefix:
                if (!LooksLikeV1(m_buffer)) {
                    SendKey(step);
                    m_state = State::Key;
                    continue;
                }
                if (m_buffer.size() < V1_PREFIX_SIZE) return step;
                // A v1 peer: every byte so far belongs to the v1 framing.
                m_v1 = true;
                m_stream_bytes = std::move(m_buffer);
                m_buffer.clear();
                m_state = State::Done;
                step.done = true;
                return step;
            case State::Key:
                if (m_initiator && LooksLikeV1(m_buffer) && !m_buffer.empty()) {
                    // A v1 peer that speaks first; a random key starts this way with
                    // probability 2^-128 once 16 bytes are in.
                    if (m_buffer.size() < V1_PREFIX_SIZE) return step;
                    m_answered_v1 = true;
                    return Fail("the peer answered in v1");
                }
                if (!m_initiator && m_buffer.size() >= V1_PREFIX_SIZE &&
                    std::equal(m_buffer.begin() + 4, m_buffer.begin() + V1_PREFIX_SIZE, V1_VERSION_COMMAND)) {
                    // A v1 version message with another network's magic: no use going on.
                    return Fail("a v1 peer of another network");
                }
                if (m_buffer.size() < crypto::ELLSWIFT_SIZE) return step;
                if (!KeyReceived(step)) return Fail("key exchange failed");
                m_state = State::Garbage;
                continue;
            case State::Garbage: {
                const auto& terminator = m_stream->RecvTerminator();
                // Only the first MAX_GARBAGE_LENGTH + 16 bytes may hold it: a terminator found
                // later would accept more garbage than BIP324 allows.
                const size_t window = std::min(m_buffer.size(), MAX_GARBAGE_LENGTH + terminator.size());
                const auto window_end = m_buffer.begin() + static_cast<ptrdiff_t>(window);
                const auto found = std::search(m_buffer.begin(), window_end, terminator.begin(), terminator.end());
                if (found == window_end) {
                    if (m_buffer.size() >= MAX_GARBAGE_LENGTH + terminator.size()) {
                        return Fail("no garbage terminator within " + std::to_string(MAX_GARBAGE_LENGTH) +
                                    " bytes of garbage");
                    }
                    return step;
                }
                m_stream->SetFirstAad(util::Bytes(m_buffer.begin(), found));
                m_buffer.erase(m_buffer.begin(), found + static_cast<ptrdiff_t>(terminator.size()));
                m_state = State::Version;
                continue;
            }
            case State::Version: {
                // Packets from here on: decoys, then the version packet, then perhaps the first
                // messages, which the stream hands over as v1 frames.
                util::Bytes packets = std::move(m_buffer);
                m_buffer.clear();
                if (std::string error = m_stream->Decrypt(packets, m_stream_bytes); !error.empty()) {
                    m_state = State::Failed;
                    step.error = std::move(error);
                    return step;
                }
                if (!m_stream->VersionReceived()) return step;
                m_state = State::Done;
                step.done = true;
                return step;
            }
            case State::Done:
            case State::Failed:
                return step;
        }
    }
}

util::Bytes V2Handshake::TakeStreamBytes() { return std::move(m_stream_bytes); }

std::unique_ptr<netcore::StreamCipher> V2Handshake::TakeCipher() { return std::move(m_stream); }

std::string V2Handshake::Transport() const { return m_v1 ? TRANSPORT_V1 : TRANSPORT_V2; }

util::Bytes V2Handshake::SessionId() const {
    if (m_v1 || m_state != State::Done) return {};
    return util::Bytes(m_session_id.begin(), m_session_id.end());
}

bool V2Handshake::RetryPlain() const {
    if (!m_initiator || m_state == State::Done) return false;
    // Only before their key was whole: after that the peer showed it speaks v2.
    return m_answered_v1 || (m_state == State::Key && m_buffer.size() < crypto::ELLSWIFT_SIZE);
}

}  // namespace tonari::bitcoin::transport
