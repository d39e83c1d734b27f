// BIP324's FSChaCha20, FSChaCha20Poly1305, key derivation and packets (see bip324_cipher.h).
#include "crypto/bip324_cipher.h"

#include <openssl/crypto.h>

#include <cassert>
#include <cstring>
#include <string_view>

#include "crypto/hmac.h"
#include "crypto/sha256.h"

namespace tonari::crypto {

namespace {

void PutLe32(uint8_t* out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutLe64(uint8_t* out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

util::ByteSpan Label(std::string_view text) { return {reinterpret_cast<const uint8_t*>(text.data()), text.size()}; }

}  // namespace

// ---- FSChaCha20 ----

void FsChaCha20::Keystream(std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {
        if (m_buffer_left == 0) {
            ChaChaNonce nonce{};  // 4 zero bytes, then the rekey count
            PutLe64(nonce.data() + 4, m_rekeys);
            m_buffer.fill(0);
            ChaCha20Xor(m_key, nonce, m_block++, m_buffer);
            m_buffer_left = m_buffer.size();
        }
        const size_t n = std::min(out.size() - done, m_buffer_left);
        std::memcpy(out.data() + done, m_buffer.data() + (m_buffer.size() - m_buffer_left), n);
        m_buffer_left -= n;
        done += n;
    }
}

void FsChaCha20::Crypt(std::span<uint8_t> chunk) {
    std::array<uint8_t, CHACHA20_BLOCK_SIZE> stream{};
    assert(chunk.size() <= stream.size());
    Keystream(std::span(stream).first(chunk.size()));
    for (size_t i = 0; i < chunk.size(); ++i) chunk[i] ^= stream[i];
    if (++m_chunks == BIP324_REKEY_INTERVAL) {
        ChaChaKey next{};
        Keystream(next);
        m_key = next;
        OPENSSL_cleanse(next.data(), next.size());
        ++m_rekeys;
        m_block = 0;
        m_buffer_left = 0;  // a new key starts a new stream
        m_chunks = 0;
    }
}

// ---- FSChaCha20Poly1305 ----

ChaChaNonce FsChaCha20Poly1305::Nonce() const {
    ChaChaNonce nonce{};
    PutLe32(nonce.data(), m_messages);
    PutLe64(nonce.data() + 4, m_rekeys);
    return nonce;
}

void FsChaCha20Poly1305::NextMessage() {
    if (++m_messages < BIP324_REKEY_INTERVAL) return;
    // The new key is the AEAD's encryption of 32 zero bytes under the nonce (0xffffffff,
    // rekeys): ChaCha20 keystream block 1 (block 0 keys Poly1305), no tag needed.
    ChaChaNonce nonce{};
    PutLe32(nonce.data(), 0xffffffffu);
    PutLe64(nonce.data() + 4, m_rekeys);
    ChaChaKey next{};
    ChaCha20Xor(m_key, nonce, 1, next);
    m_key = next;
    OPENSSL_cleanse(next.data(), next.size());
    ++m_rekeys;
    m_messages = 0;
}

void FsChaCha20Poly1305::Seal(util::ByteSpan aad, util::ByteSpan plain, std::span<uint8_t> out) {
    m_aead.Seal(m_key, Nonce(), aad, plain, out);
    NextMessage();
}

bool FsChaCha20Poly1305::Open(util::ByteSpan aad, util::ByteSpan sealed, std::span<uint8_t> plain) {
    const bool ok = m_aead.Open(m_key, Nonce(), aad, sealed, plain);
    NextMessage();
    return ok;
}

// ---- key derivation ----

std::optional<std::array<uint8_t, 32>> Bip324EcdhSecret(const KeyContext& ctx, const PrivKey& ours,
                                                        const EllSwiftPubKey& our_encoding,
                                                        const EllSwiftPubKey& their_encoding, bool initiator) {
    auto x = EllSwiftXOnlyEcdh(ctx, ours, their_encoding);
    if (!x) return std::nullopt;
    util::Bytes message;
    message.reserve(2 * ELLSWIFT_SIZE + x->size());
    const EllSwiftPubKey& first = initiator ? our_encoding : their_encoding;
    const EllSwiftPubKey& second = initiator ? their_encoding : our_encoding;
    message.insert(message.end(), first.begin(), first.end());
    message.insert(message.end(), second.begin(), second.end());
    message.insert(message.end(), x->begin(), x->end());
    const util::Uint256 hash = TaggedHash("bip324_ellswift_xonly_ecdh", message);
    OPENSSL_cleanse(x->data(), x->size());
    OPENSSL_cleanse(message.data(), message.size());
    std::array<uint8_t, 32> out{};
    std::memcpy(out.data(), hash.data(), out.size());
    return out;
}

struct Bip324Cipher::Keys {
    ChaChaKey initiator_l{}, initiator_p{}, responder_l{}, responder_p{};
    std::array<uint8_t, 32> terminators{};
    SessionId session_id{};
    ~Keys() {
        for (auto* k : {&initiator_l, &initiator_p, &responder_l, &responder_p}) OPENSSL_cleanse(k->data(), k->size());
        OPENSSL_cleanse(terminators.data(), terminators.size());
    }
};

namespace {

// Derives every key of the session; the caller wipes them once the ciphers hold them.
void Derive(const std::array<uint8_t, 32>& ecdh_secret, const std::array<uint8_t, 4>& magic,
            ChaChaKey& il, ChaChaKey& ip, ChaChaKey& rl, ChaChaKey& rp, std::array<uint8_t, 32>& terminators,
            SessionId& session_id) {
    util::Bytes salt(Label("bitcoin_v2_shared_secret").begin(), Label("bitcoin_v2_shared_secret").end());
    salt.insert(salt.end(), magic.begin(), magic.end());
    std::array<uint8_t, 32> prk = HkdfSha256Extract(salt, ecdh_secret);
    session_id = HkdfSha256Expand32(prk, Label("session_id"));
    il = HkdfSha256Expand32(prk, Label("initiator_L"));
    ip = HkdfSha256Expand32(prk, Label("initiator_P"));
    rl = HkdfSha256Expand32(prk, Label("responder_L"));
    rp = HkdfSha256Expand32(prk, Label("responder_P"));
    terminators = HkdfSha256Expand32(prk, Label("garbage_terminators"));
    OPENSSL_cleanse(prk.data(), prk.size());
}

}  // namespace

Bip324Cipher::Bip324Cipher(const std::array<uint8_t, 32>& ecdh_secret, bool initiator,
                           const std::array<uint8_t, 4>& magic)
    : Bip324Cipher(
          [&] {
              Keys k;
              Derive(ecdh_secret, magic, k.initiator_l, k.initiator_p, k.responder_l, k.responder_p, k.terminators,
                     k.session_id);
              return k;
          }(),
          initiator) {}

Bip324Cipher::Bip324Cipher(const Keys& k, bool initiator)
    : m_send_length(initiator ? k.initiator_l : k.responder_l),
      m_send_contents(initiator ? k.initiator_p : k.responder_p),
      m_recv_length(initiator ? k.responder_l : k.initiator_l),
      m_recv_contents(initiator ? k.responder_p : k.initiator_p),
      m_session_id(k.session_id) {
    // The first 16 bytes end the initiator's garbage, the last 16 the responder's.
    const uint8_t* initiator_terminator = k.terminators.data();
    const uint8_t* responder_terminator = k.terminators.data() + BIP324_GARBAGE_TERMINATOR_SIZE;
    std::memcpy(m_send_terminator.data(), initiator ? initiator_terminator : responder_terminator,
                BIP324_GARBAGE_TERMINATOR_SIZE);
    std::memcpy(m_recv_terminator.data(), initiator ? responder_terminator : initiator_terminator,
                BIP324_GARBAGE_TERMINATOR_SIZE);
}

// ---- packets ----

void Bip324Cipher::Encrypt(util::ByteSpan contents, util::ByteSpan aad, bool ignore, util::Bytes& out) {
    assert(contents.size() <= BIP324_MAX_CONTENTS_LENGTH);
    const size_t start = out.size();
    out.resize(start + BIP324_EXPANSION + contents.size());
    const std::span<uint8_t> packet(out.data() + start, BIP324_EXPANSION + contents.size());
    if (!contents.empty()) std::memcpy(packet.data() + BIP324_LENGTH_SIZE + BIP324_HEADER_SIZE, contents.data(), contents.size());
    SealInPlace(packet, aad, ignore);
}

void Bip324Cipher::SealInPlace(std::span<uint8_t> packet, util::ByteSpan aad, bool ignore) {
    assert(packet.size() >= BIP324_EXPANSION && packet.size() - BIP324_EXPANSION <= BIP324_MAX_CONTENTS_LENGTH);
    const auto length = static_cast<uint32_t>(packet.size() - BIP324_EXPANSION);
    packet[0] = static_cast<uint8_t>(length);
    packet[1] = static_cast<uint8_t>(length >> 8);
    packet[2] = static_cast<uint8_t>(length >> 16);
    m_send_length.Crypt(packet.first(BIP324_LENGTH_SIZE));
    const std::span<uint8_t> sealed = packet.subspan(BIP324_LENGTH_SIZE);
    sealed[0] = ignore ? BIP324_IGNORE_BIT : 0;
    const size_t plain_size = BIP324_HEADER_SIZE + length;
    m_send_contents.Seal(aad, util::ByteSpan(sealed.data(), plain_size), sealed);
}

uint32_t Bip324Cipher::DecryptLength(std::span<const uint8_t, BIP324_LENGTH_SIZE> encrypted) {
    std::array<uint8_t, BIP324_LENGTH_SIZE> bytes{};
    std::memcpy(bytes.data(), encrypted.data(), bytes.size());
    m_recv_length.Crypt(bytes);
    return static_cast<uint32_t>(bytes[0]) | static_cast<uint32_t>(bytes[1]) << 8 | static_cast<uint32_t>(bytes[2]) << 16;
}

bool Bip324Cipher::Decrypt(std::span<uint8_t> sealed, util::ByteSpan aad) {
    if (sealed.size() < BIP324_HEADER_SIZE + POLY1305_TAG_SIZE) return false;
    return m_recv_contents.Open(aad, sealed, sealed.first(sealed.size() - POLY1305_TAG_SIZE));
}

}  // namespace tonari::crypto
