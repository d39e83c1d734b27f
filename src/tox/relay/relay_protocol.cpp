// The relay handshakes and the sealed stream.
#include "tox/relay/relay_protocol.h"

#include <algorithm>

#include "util/byte_writer.h"

namespace tonari::tox::relay {
namespace {

constexpr size_t PLAIN_SIZE = crypto::BOX_KEY_SIZE + crypto::BOX_NONCE_SIZE;  // temporary key, base nonce

uint16_t ReadU16BE(util::ByteSpan b) { return static_cast<uint16_t>((b[0] << 8) | b[1]); }

// [temporary public key][base nonce], sealed under the long-term keys with a fresh nonce.
util::Bytes SealHello(const crypto::BoxSharedKey& long_term, const crypto::BoxKeyPair& temporary,
                      const crypto::BoxNonce& base) {
    util::Bytes plain(temporary.public_key.begin(), temporary.public_key.end());
    plain.insert(plain.end(), base.begin(), base.end());
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    util::Bytes out(nonce.begin(), nonce.end());
    const util::Bytes sealed = crypto::BoxSeal(long_term, nonce, plain);
    out.insert(out.end(), sealed.begin(), sealed.end());
    return out;
}

struct Hello {
    PublicKey temporary;
    crypto::BoxNonce base;
};

std::optional<Hello> OpenHello(const crypto::BoxSharedKey& long_term, util::ByteSpan bytes) {
    const auto nonce = crypto::BoxNonce::FromBytes(bytes.first(crypto::BOX_NONCE_SIZE));
    const auto plain = crypto::BoxOpen(long_term, *nonce, bytes.subspan(crypto::BOX_NONCE_SIZE));
    if (!plain || plain->size() != PLAIN_SIZE) return std::nullopt;
    return Hello{*PublicKey::FromBytes(util::ByteSpan(*plain).first(crypto::BOX_KEY_SIZE)),
                 *crypto::BoxNonce::FromBytes(util::ByteSpan(*plain).subspan(crypto::BOX_KEY_SIZE))};
}

// What both handshakes share: bytes gathered up to the expected size, then the cipher.
class HandshakeBase : public netcore::StreamHandshake {
public:
    util::Bytes TakeStreamBytes() override { return std::move(m_stream); }
    std::unique_ptr<netcore::StreamCipher> TakeCipher() override { return std::move(m_cipher); }
    std::string Transport() const override { return "tox-relay"; }
    bool RetryPlain() const override { return false; }

protected:
    // Appends `bytes` until `size` are in; the rest is the sealed stream.
    bool Gather(util::ByteSpan bytes, size_t size) {
        const size_t take = std::min(bytes.size(), size - m_got.size());
        m_got.insert(m_got.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
        m_rest.insert(m_rest.end(), bytes.begin() + static_cast<std::ptrdiff_t>(take), bytes.end());
        return m_got.size() == size;
    }
    // Sets the cipher up and opens what came after the handshake.
    Step Finish(const crypto::BoxKeyPair& temporary, const Hello& theirs, const crypto::BoxNonce& our_base,
                util::Bytes send) {
        const auto key = crypto::BoxSharedKeyOf(temporary.secret_key, theirs.temporary);
        if (!key) return {.send = {}, .done = false, .error = "tox relay: a weak temporary key"};
        m_cipher = std::make_unique<RelayCipher>(*key, our_base, theirs.base);
        if (!m_rest.empty()) {
            const std::string error = m_cipher->Decrypt(m_rest, m_stream);
            if (!error.empty()) return {.send = {}, .done = false, .error = error};
        }
        return {.send = std::move(send), .done = true, .error = {}};
    }

    util::Bytes m_got;
    util::Bytes m_rest;
    util::Bytes m_stream;
    std::unique_ptr<netcore::StreamCipher> m_cipher;
};

class ClientHandshake final : public HandshakeBase {
public:
    ClientHandshake(const crypto::BoxKeyPair& self, const PublicKey& relay) : m_self(self), m_relay(relay) {}

    Step Start() override {
        m_long_term = crypto::BoxSharedKeyOf(m_self.secret_key, m_relay);
        if (!m_long_term) return {.send = {}, .done = false, .error = "tox relay: the relay's key is weak"};
        m_temporary = crypto::BoxGenerateKeyPair();
        m_base = crypto::BoxRandomNonce();
        util::Bytes out(m_self.public_key.begin(), m_self.public_key.end());
        const util::Bytes hello = SealHello(*m_long_term, m_temporary, m_base);
        out.insert(out.end(), hello.begin(), hello.end());
        return {.send = std::move(out), .done = false, .error = {}};
    }

    Step Receive(util::ByteSpan bytes) override {
        if (!Gather(bytes, SERVER_HANDSHAKE_SIZE)) return {};
        const auto hello = OpenHello(*m_long_term, m_got);
        if (!hello) return {.send = {}, .done = false, .error = "tox relay: the relay's handshake does not open"};
        return Finish(m_temporary, *hello, m_base, {});
    }

private:
    crypto::BoxKeyPair m_self;
    PublicKey m_relay;
    std::optional<crypto::BoxSharedKey> m_long_term;
    crypto::BoxKeyPair m_temporary;
    crypto::BoxNonce m_base;
};

class ServerHandshake final : public HandshakeBase {
public:
    explicit ServerHandshake(const crypto::BoxKeyPair& self) : m_self(self) {}

    Step Start() override { return {}; }

    Step Receive(util::ByteSpan bytes) override {
        if (!Gather(bytes, CLIENT_HANDSHAKE_SIZE)) return {};
        m_client = *PublicKey::FromBytes(util::ByteSpan(m_got).first(crypto::BOX_KEY_SIZE));
        const auto long_term = crypto::BoxSharedKeyOf(m_self.secret_key, m_client);
        const auto hello = long_term ? OpenHello(*long_term, util::ByteSpan(m_got).subspan(crypto::BOX_KEY_SIZE))
                                     : std::nullopt;
        if (!hello) return {.send = {}, .done = false, .error = "tox relay: the client's handshake does not open"};
        const crypto::BoxKeyPair temporary = crypto::BoxGenerateKeyPair();
        const crypto::BoxNonce base = crypto::BoxRandomNonce();
        return Finish(temporary, *hello, base, SealHello(*long_term, temporary, base));
    }

    util::Bytes SessionId() const override { return util::Bytes(m_client.begin(), m_client.end()); }

private:
    crypto::BoxKeyPair m_self;
    PublicKey m_client;
};

}  // namespace

util::Bytes Frame(util::ByteSpan packet) {
    util::ByteWriter out(2 + packet.size());
    out.WriteU16BE(static_cast<uint16_t>(packet.size()));
    out.WriteBytes(packet);
    return out.Take();
}

util::Bytes Frame(RelayPacket kind, util::ByteSpan body) {
    util::ByteWriter out(3 + body.size());
    out.WriteU16BE(static_cast<uint16_t>(1 + body.size()));
    out.WriteU8(static_cast<uint8_t>(kind));
    out.WriteBytes(body);
    return out.Take();
}

netcore::FrameFormat RelayFrameFormat() {
    netcore::FrameFormat f;
    f.header_size = 2;
    f.payload_length = [](util::ByteSpan header) -> util::Result<size_t, std::string> {
        const size_t n = ReadU16BE(header);
        if (n == 0 || n > MAX_PACKET) return util::Fail("tox relay: a packet of " + std::to_string(n) + " bytes");
        return n;
    };
    return f;
}

std::unique_ptr<netcore::StreamHandshake> MakeClientHandshake(const crypto::BoxKeyPair& self, const PublicKey& relay) {
    return std::make_unique<ClientHandshake>(self, relay);
}

std::unique_ptr<netcore::StreamHandshake> MakeServerHandshake(const crypto::BoxKeyPair& self) {
    return std::make_unique<ServerHandshake>(self);
}

void RelayCipher::Encrypt(util::Bytes& frame) {
    // [length][plain] becomes [sealed length][sealed]; frames come whole and in order.
    const util::Bytes sealed = crypto::BoxSeal(m_key, m_send_nonce, util::ByteSpan(frame).subspan(2));
    crypto::BoxIncrementNonce(m_send_nonce);
    util::ByteWriter out(2 + sealed.size());
    out.WriteU16BE(static_cast<uint16_t>(sealed.size()));
    out.WriteBytes(sealed);
    frame = out.Take();
}

std::string RelayCipher::Decrypt(std::span<uint8_t> incoming, util::Bytes& plain) {
    m_pending.insert(m_pending.end(), incoming.begin(), incoming.end());
    size_t at = 0;
    std::string error;
    while (m_pending.size() - at >= 2) {
        const size_t n = ReadU16BE(util::ByteSpan(m_pending).subspan(at, 2));
        if (n <= crypto::BOX_MAC_SIZE || n > MAX_SEALED_PACKET) {
            error = "tox relay: a sealed packet of " + std::to_string(n) + " bytes";
            break;
        }
        if (m_pending.size() - at < 2 + n) break;
        const auto opened = crypto::BoxOpen(m_key, m_recv_nonce, util::ByteSpan(m_pending).subspan(at + 2, n));
        if (!opened) {
            error = "tox relay: a packet does not open (tampered, reordered or replayed)";
            break;
        }
        crypto::BoxIncrementNonce(m_recv_nonce);
        plain.push_back(static_cast<uint8_t>(opened->size() >> 8));
        plain.push_back(static_cast<uint8_t>(opened->size()));
        plain.insert(plain.end(), opened->begin(), opened->end());
        at += 2 + n;
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(at));
    return error;
}

}  // namespace tonari::tox::relay
