// Cookies and handshakes.
#include "tox/net_crypto/handshake.h"

#include <algorithm>

#include "crypto/hmac.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::tox::net_crypto {
namespace {

constexpr uint8_t COOKIE_REQUEST = 0x18;
constexpr uint8_t COOKIE_RESPONSE = 0x19;
constexpr uint8_t HANDSHAKE = 0x1a;
constexpr size_t NONCE = crypto::BOX_NONCE_SIZE;
constexpr size_t KEY = crypto::BOX_KEY_SIZE;

util::Bytes Sealed(const crypto::BoxSharedKey& key, const crypto::BoxNonce& nonce, util::ByteSpan plain) {
    return crypto::BoxSeal(key, nonce, plain);
}

}  // namespace

Cookie MakeCookie(const crypto::BoxSharedKey& cookie_key, const CookieContents& contents, int64_t now_us) {
    util::ByteWriter plain;
    plain.WriteU64LE(static_cast<uint64_t>(now_us));
    plain.WriteBytes(contents.real_key.span());
    plain.WriteBytes(contents.dht_key.span());
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    const util::Bytes sealed = Sealed(cookie_key, nonce, plain.data());
    Cookie cookie{};
    std::copy(nonce.begin(), nonce.end(), cookie.begin());
    std::copy(sealed.begin(), sealed.end(), cookie.begin() + NONCE);
    return cookie;
}

std::optional<CookieContents> OpenCookie(const crypto::BoxSharedKey& cookie_key, util::ByteSpan cookie, int64_t now_us) {
    if (cookie.size() != COOKIE_SIZE) return std::nullopt;
    const auto nonce = *crypto::BoxNonce::FromBytes(cookie.first(NONCE));
    const auto plain = crypto::BoxOpen(cookie_key, nonce, cookie.subspan(NONCE));
    if (!plain || plain->size() != 8 + 2 * KEY) return std::nullopt;
    util::ByteReader in(*plain);
    const auto made = static_cast<int64_t>(in.ReadU64LE());
    if (made > now_us || now_us - made > COOKIE_LIFETIME_US) return std::nullopt;
    CookieContents c;
    c.real_key = *PublicKey::FromBytes(in.ReadSpan(KEY));
    c.dht_key = *PublicKey::FromBytes(in.ReadSpan(KEY));
    return c;
}

util::Bytes MakeCookieRequest(const PublicKey& our_dht_key, const crypto::BoxSharedKey& dht_shared,
                              const PublicKey& our_real_key, uint64_t echo_id) {
    util::ByteWriter plain;
    plain.WriteBytes(our_real_key.span());
    plain.WriteBytes(util::Bytes(KEY, 0));  // padding, for older versions
    plain.WriteU64LE(echo_id);
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    util::ByteWriter out;
    out.WriteU8(COOKIE_REQUEST);
    out.WriteBytes(our_dht_key.span());
    out.WriteBytes(nonce.span());
    out.WriteBytes(Sealed(dht_shared, nonce, plain.data()));
    return out.Take();
}

std::optional<PublicKey> CookieRequestSender(util::ByteSpan packet) {
    if (packet.size() != COOKIE_REQUEST_SIZE || packet[0] != COOKIE_REQUEST) return std::nullopt;
    return *PublicKey::FromBytes(packet.subspan(1, KEY));
}

std::optional<CookieRequest> OpenCookieRequest(util::ByteSpan packet, const crypto::BoxSharedKey& dht_shared) {
    const auto sender = CookieRequestSender(packet);
    if (!sender) return std::nullopt;
    const auto nonce = *crypto::BoxNonce::FromBytes(packet.subspan(1 + KEY, NONCE));
    const auto plain = crypto::BoxOpen(dht_shared, nonce, packet.subspan(1 + KEY + NONCE));
    if (!plain || plain->size() != 2 * KEY + 8) return std::nullopt;
    util::ByteReader in(*plain);
    CookieRequest r;
    r.sender_dht_key = *sender;
    r.sender_real_key = *PublicKey::FromBytes(in.ReadSpan(KEY));
    in.ReadSpan(KEY);
    r.echo_id = in.ReadU64LE();
    return r;
}

util::Bytes MakeCookieResponse(const crypto::BoxSharedKey& dht_shared, const Cookie& cookie, uint64_t echo_id) {
    util::ByteWriter plain;
    plain.WriteBytes(cookie);
    plain.WriteU64LE(echo_id);
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    util::ByteWriter out;
    out.WriteU8(COOKIE_RESPONSE);
    out.WriteBytes(nonce.span());
    out.WriteBytes(Sealed(dht_shared, nonce, plain.data()));
    return out.Take();
}

std::optional<CookieResponse> OpenCookieResponse(util::ByteSpan packet, const crypto::BoxSharedKey& dht_shared) {
    if (packet.size() != COOKIE_RESPONSE_SIZE || packet[0] != COOKIE_RESPONSE) return std::nullopt;
    const auto nonce = *crypto::BoxNonce::FromBytes(packet.subspan(1, NONCE));
    const auto plain = crypto::BoxOpen(dht_shared, nonce, packet.subspan(1 + NONCE));
    if (!plain || plain->size() != COOKIE_SIZE + 8) return std::nullopt;
    CookieResponse r;
    std::copy_n(plain->begin(), COOKIE_SIZE, r.cookie.begin());
    util::ByteReader in(util::ByteSpan(*plain).subspan(COOKIE_SIZE));
    r.echo_id = in.ReadU64LE();
    return r;
}

util::Bytes MakeHandshake(const Cookie& their_cookie, const crypto::BoxSharedKey& real_shared, const Handshake& h) {
    util::ByteWriter plain;
    plain.WriteBytes(h.base_nonce.span());
    plain.WriteBytes(h.session_key.span());
    plain.WriteBytes(crypto::Sha512(their_cookie));
    plain.WriteBytes(h.other_cookie);
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    util::ByteWriter out;
    out.WriteU8(HANDSHAKE);
    out.WriteBytes(their_cookie);
    out.WriteBytes(nonce.span());
    out.WriteBytes(Sealed(real_shared, nonce, plain.data()));
    return out.Take();
}

std::optional<Handshake> OpenHandshakeBody(util::ByteSpan packet, const crypto::BoxSharedKey& real_shared) {
    if (packet.size() != HANDSHAKE_SIZE || packet[0] != HANDSHAKE) return std::nullopt;
    const util::ByteSpan cookie = packet.subspan(1, COOKIE_SIZE);
    const auto nonce = *crypto::BoxNonce::FromBytes(packet.subspan(1 + COOKIE_SIZE, NONCE));
    const auto plain = crypto::BoxOpen(real_shared, nonce, packet.subspan(1 + COOKIE_SIZE + NONCE));
    if (!plain || plain->size() != NONCE + KEY + 64 + COOKIE_SIZE) return std::nullopt;
    // The hash binds this handshake to the cookie outside it: a newer cookie cannot be spliced
    // into an old handshake.
    const auto hash = crypto::Sha512(cookie);
    if (!std::equal(hash.begin(), hash.end(), plain->begin() + NONCE + KEY)) return std::nullopt;
    Handshake h;
    h.base_nonce = *crypto::BoxNonce::FromBytes(util::ByteSpan(*plain).first(NONCE));
    h.session_key = *PublicKey::FromBytes(util::ByteSpan(*plain).subspan(NONCE, KEY));
    std::copy_n(plain->begin() + NONCE + KEY + 64, COOKIE_SIZE, h.other_cookie.begin());
    return h;
}

}  // namespace tonari::tox::net_crypto
