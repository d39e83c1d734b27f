// OnionRelay: what every Tox node does for others' onion paths (spec "Onion"). A request layer
// (0x80, 0x81, 0x82) is opened with our DHT key and the next hop's address read from it; we
// append a sendback — our previous hop's address, and the sendback before it, sealed with a
// secret only we know — and pass the rest on. Responses (0x8c, 0x8d, 0x8e) walk the sendbacks
// back: each hop opens its own layer to learn where the response goes next. No hop learns more
// than its neighbours. Not thread-safe: the DHT node's owner calls it.
#pragma once

#include <functional>
#include <optional>

#include "crypto/nacl_box.h"
#include "netcore/peer_network.h"
#include "tox/onion/ip_port.h"

namespace tonari::tox::onion {

// c-toxcore's cap on an onion packet; anything longer is dropped before any work.
inline constexpr size_t ONION_MAX_PACKET_SIZE = 1400;
// The sendbacks each hop adds: nonce, then the sealed address and the previous sendback.
inline constexpr size_t RETURN_1 = crypto::BOX_NONCE_SIZE + IP_PORT_SIZE + crypto::BOX_MAC_SIZE;  // 59
inline constexpr size_t RETURN_2 = crypto::BOX_NONCE_SIZE + IP_PORT_SIZE + crypto::BOX_MAC_SIZE + RETURN_1;  // 118
inline constexpr size_t RETURN_3 = crypto::BOX_NONCE_SIZE + IP_PORT_SIZE + crypto::BOX_MAC_SIZE + RETURN_2;  // 177
// One layer's key, next address and MAC.
inline constexpr size_t SEND_BASE = crypto::BOX_KEY_SIZE + IP_PORT_SIZE + crypto::BOX_MAC_SIZE;  // 67
inline constexpr size_t SEND_3 = crypto::BOX_NONCE_SIZE + SEND_BASE + RETURN_2;
inline constexpr size_t SEND_2 = crypto::BOX_NONCE_SIZE + SEND_BASE * 2 + RETURN_1;
inline constexpr size_t SEND_1 = crypto::BOX_NONCE_SIZE + SEND_BASE * 3;
// The sendback secret is replaced this often (c-toxcore: 2 hours), so that old paths expire.
inline constexpr int64_t SENDBACK_KEY_LIFETIME_US = 2LL * 3600 * 1'000'000;

using SharedKeyFn = std::function<std::optional<crypto::BoxSharedKey>(const crypto::BoxPublicKey&)>;
using SendFn = std::function<void(const netcore::PeerEndpoint& to, util::Bytes datagram)>;
// To a client of our TCP relay, by its connection number.
using TcpSendFn = std::function<void(uint64_t client, util::Bytes response)>;

struct OnionRelayStats {
    uint64_t requests_forwarded = 0;
    uint64_t responses_forwarded = 0;
    uint64_t dropped = 0;  // wrong size, failed decryption, bad address or inner kind
};

class OnionRelay {
public:
    OnionRelay(SharedKeyFn shared_key, SendFn send);

    // Handles kinds 0x80-0x82 and 0x8c-0x8e; anything else is dropped (and counted).
    void OnPacket(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us);
    // An onion request from a client of our TCP relay, which makes us its path's first hop:
    // [nonce][next address][the next layer], in plain (the relay's stream is sealed already).
    // Its response goes back to `client` through the TCP send function.
    void OnTcpRequest(uint64_t client, util::ByteSpan request, int64_t now_us);
    void SetTcpSend(TcpSendFn send) { m_tcp_send = std::move(send); }
    const OnionRelayStats& Stats() const { return m_stats; }

private:
    void Forward(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int layer);
    // Passes an opened layer on: `plain` is [next address][rest], `back` who gave it to us.
    void Pass(const PackedIpPort& back, const crypto::BoxNonce& nonce, util::ByteSpan plain, util::ByteSpan return_in,
              int layer);
    void Return(util::ByteSpan datagram, int layer);
    util::Bytes SealSendback(util::ByteSpan plain);
    void RotateKey(int64_t now_us);

    SharedKeyFn m_shared_key;
    SendFn m_send;
    TcpSendFn m_tcp_send;
    crypto::BoxSharedKey m_sendback_key;
    int64_t m_key_born_us = -1;
    OnionRelayStats m_stats;
};

}  // namespace tonari::tox::onion
