// net_crypto's connection set-up packets (spec "Net crypto"): the cookie request (145 bytes,
// sealed with the DHT keys), the cookie response (161 bytes), the cookie itself (112 bytes,
// sealed with a secret only its maker knows, naming the requester's long-term and DHT keys
// and when it was made, valid 15 s) and the handshake (385 bytes, sealed with both long-term
// keys: a base nonce, a session key for forward secrecy, the SHA-512 of the cookie outside
// and a cookie for the other side). Pure functions; sizes checked exactly, as c-toxcore does.
#pragma once

#include <array>
#include <optional>

#include "crypto/nacl_box.h"
#include "util/bytes.h"

namespace tonari::tox::net_crypto {

using PublicKey = crypto::BoxPublicKey;

inline constexpr size_t COOKIE_SIZE = 112;
inline constexpr size_t COOKIE_REQUEST_SIZE = 145;
inline constexpr size_t COOKIE_RESPONSE_SIZE = 161;
inline constexpr size_t HANDSHAKE_SIZE = 385;
// A cookie is good for this long after it was made (c-toxcore: 15 s).
inline constexpr int64_t COOKIE_LIFETIME_US = 15'000'000;

using Cookie = std::array<uint8_t, COOKIE_SIZE>;

// Who a cookie names: the long-term and DHT keys of the side that will present it.
struct CookieContents {
    PublicKey real_key;
    PublicKey dht_key;
};
Cookie MakeCookie(const crypto::BoxSharedKey& cookie_key, const CookieContents& contents, int64_t now_us);
// None when not ours, damaged, or older than COOKIE_LIFETIME_US (or from the future).
std::optional<CookieContents> OpenCookie(const crypto::BoxSharedKey& cookie_key, util::ByteSpan cookie, int64_t now_us);

// [0x18][our DHT key][nonce][sealed: our long-term key, 32 zero bytes, echo id]
util::Bytes MakeCookieRequest(const PublicKey& our_dht_key, const crypto::BoxSharedKey& dht_shared,
                              const PublicKey& our_real_key, uint64_t echo_id);
struct CookieRequest {
    PublicKey sender_dht_key;
    PublicKey sender_real_key;
    uint64_t echo_id = 0;
};
// The sender's DHT key is read first: the caller computes the shared key from it.
std::optional<PublicKey> CookieRequestSender(util::ByteSpan packet);
std::optional<CookieRequest> OpenCookieRequest(util::ByteSpan packet, const crypto::BoxSharedKey& dht_shared);
// [0x19][nonce][sealed with the request's key: cookie, echo id]
util::Bytes MakeCookieResponse(const crypto::BoxSharedKey& dht_shared, const Cookie& cookie, uint64_t echo_id);
struct CookieResponse {
    Cookie cookie{};
    uint64_t echo_id = 0;
};
std::optional<CookieResponse> OpenCookieResponse(util::ByteSpan packet, const crypto::BoxSharedKey& dht_shared);

struct Handshake {
    crypto::BoxNonce base_nonce;  // the other side numbers its packets to us from this
    PublicKey session_key;
    Cookie other_cookie{};        // for the reply
};
// [0x1a][their cookie][nonce][sealed with the long-term keys: base nonce, session key,
// SHA-512 of their cookie, a cookie of ours for them]
util::Bytes MakeHandshake(const Cookie& their_cookie, const crypto::BoxSharedKey& real_shared, const Handshake& h);
struct HandshakeIn {
    CookieContents sender;  // from our own cookie inside: who it is
    Handshake handshake;
};
// Opens our cookie first (which names the sender), then the rest with `real_shared_for`
// (our long-term secret with the sender's long-term key).
template <typename SharedFor>
std::optional<HandshakeIn> OpenHandshake(util::ByteSpan packet, const crypto::BoxSharedKey& cookie_key, int64_t now_us,
                                         SharedFor real_shared_for);
std::optional<Handshake> OpenHandshakeBody(util::ByteSpan packet, const crypto::BoxSharedKey& real_shared);

template <typename SharedFor>
std::optional<HandshakeIn> OpenHandshake(util::ByteSpan packet, const crypto::BoxSharedKey& cookie_key, int64_t now_us,
                                         SharedFor real_shared_for) {
    if (packet.size() != HANDSHAKE_SIZE || packet[0] != 0x1a) return std::nullopt;
    auto who = OpenCookie(cookie_key, packet.subspan(1, COOKIE_SIZE), now_us);
    if (!who) return std::nullopt;
    const std::optional<crypto::BoxSharedKey> shared = real_shared_for(who->real_key);
    if (!shared) return std::nullopt;
    auto body = OpenHandshakeBody(packet, *shared);
    if (!body) return std::nullopt;
    return HandshakeIn{*who, *body};
}

}  // namespace tonari::tox::net_crypto
