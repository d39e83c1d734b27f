// The Tox TCP relay's wire (spec "TCP server"): a 128-byte client handshake and a 96-byte reply
// that prove both long-term keys and agree fresh session keys, then a stream of
// [2-byte length][sealed packet] with each side's nonce counting up from the base it chose,
// and the packet kinds inside. The handshakes and the cipher plug into netcore's PeerNetwork
// (StreamHandshake, StreamCipher), so the relay server and client only see plain packets.
#pragma once

#include <cstdint>
#include <memory>

#include "crypto/nacl_box.h"
#include "netcore/peer_network.h"
#include "netcore/stream_handshake.h"
#include "util/bytes.h"

namespace tonari::tox::relay {

using PublicKey = crypto::BoxPublicKey;

inline constexpr size_t CLIENT_HANDSHAKE_SIZE = crypto::BOX_KEY_SIZE + crypto::BOX_NONCE_SIZE + crypto::BOX_KEY_SIZE +
                                                crypto::BOX_NONCE_SIZE + crypto::BOX_MAC_SIZE;  // 128
inline constexpr size_t SERVER_HANDSHAKE_SIZE = CLIENT_HANDSHAKE_SIZE - crypto::BOX_KEY_SIZE;   // 96
// c-toxcore's cap on a sealed packet: a larger length closes the connection before anything
// is buffered (a peer announcing 64 KiB packets to make the relay hold them).
inline constexpr size_t MAX_SEALED_PACKET = 2048;
inline constexpr size_t MAX_PACKET = MAX_SEALED_PACKET - crypto::BOX_MAC_SIZE;
// OOB data beyond this is refused (c-toxcore's TCP_MAX_OOB_DATA_LENGTH): enough for net_crypto's
// set-up packets, too small to carry a session's bulk data blind.
inline constexpr size_t MAX_OOB_DATA = 1024;
// Connection ids 16-255 name a client's links to others; 0-15 are packet kinds.
inline constexpr uint8_t FIRST_CONNECTION_ID = 16;
inline constexpr size_t MAX_LINKS = 256 - FIRST_CONNECTION_ID;
// Both ends ping every 30 s and drop a connection whose pong has not come 10 s later
// (TCP alone would keep a dead peer for hours).
inline constexpr int64_t PING_INTERVAL_US = 30'000'000;
inline constexpr int64_t PING_TIMEOUT_US = 10'000'000;

enum class RelayPacket : uint8_t {
    ROUTING_REQUEST = 0,          // [key]
    ROUTING_RESPONSE = 1,         // [connection id or 0][key]
    CONNECT_NOTIFICATION = 2,     // [connection id]
    DISCONNECT_NOTIFICATION = 3,  // [connection id]
    PING = 4,                     // [u64 id, not 0]
    PONG = 5,                     // [u64 id]
    OOB_SEND = 6,                 // [destination key][data]
    OOB_RECV = 7,                 // [sender key][data]
    ONION_REQUEST = 8,            // [nonce][first hop's plain layer]
    ONION_RESPONSE = 9,           // [onion response]
};

// One plain packet as PeerNetwork::Send takes it: [2-byte length][packet]. The cipher seals it.
util::Bytes Frame(util::ByteSpan packet);
util::Bytes Frame(RelayPacket kind, util::ByteSpan body);
// The frame format both ends give PeerNetwork: the 2-byte length the cipher put before each
// packet it opened.
netcore::FrameFormat RelayFrameFormat();

// The handshake a client runs with a relay whose key it knows, proving its own key.
std::unique_ptr<netcore::StreamHandshake> MakeClientHandshake(const crypto::BoxKeyPair& self, const PublicKey& relay);
// The relay's side. Once done, its SessionId() is the client's long-term key: what the relay
// routes by.
std::unique_ptr<netcore::StreamHandshake> MakeServerHandshake(const crypto::BoxKeyPair& self);

// The sealed stream after the handshake, both directions.
class RelayCipher : public netcore::StreamCipher {
public:
    RelayCipher(const crypto::BoxSharedKey& key, const crypto::BoxNonce& send_base, const crypto::BoxNonce& recv_base)
        : m_key(key), m_send_nonce(send_base), m_recv_nonce(recv_base) {}
    void Encrypt(util::Bytes& frame) override;
    std::string Decrypt(std::span<uint8_t> incoming, util::Bytes& plain) override;

private:
    crypto::BoxSharedKey m_key;
    crypto::BoxNonce m_send_nonce;
    crypto::BoxNonce m_recv_nonce;
    util::Bytes m_pending;  // a sealed packet not yet complete
};

}  // namespace tonari::tox::relay
