// NetCrypto: encrypted, ordered, reliable sessions with friends over UDP (spec "Net crypto").
// A session starts with a cookie (so the other side spends nothing on strangers), then both
// sides exchange handshakes naming a session key and a base nonce; it is confirmed by the first
// data packet. Data packets carry [our buffer start][packet number][padding][id][data]; ids
// 16-191 are lossless (numbered, kept until acknowledged, delivered in order), 192-254 lossy,
// 1 a request for missing packets, 2 the end of the session. Packets go over UDP while the
// friend answers there, else through TCP relays (a send function the owner provides), and
// come from either. Attached to a DhtNode (its socket, keys and clock); not thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>

#include "tox/dht/dht_node.h"
#include "tox/net_crypto/handshake.h"
#include "tox/net_crypto/packet_window.h"

namespace tonari::tox::net_crypto {

inline constexpr size_t MAX_CRYPTO_PACKET_SIZE = 1400;
// What fits after the header, the MAC, the two numbers and the padding (c-toxcore's 1,373).
inline constexpr size_t MAX_CRYPTO_DATA_SIZE = MAX_CRYPTO_PACKET_SIZE - (1 + 2 + crypto::BOX_MAC_SIZE) - 8;
// Set-up packets are sent every second, 8 times, before the attempt is given up.
inline constexpr int64_t SETUP_RESEND_US = 1'000'000;
inline constexpr int MAX_SETUP_TRIES = 8;
// Request packets (which also acknowledge) go out at least this often on a session, and this
// often while data arrives or gaps wait to be filled (c-toxcore: between 50 ms and 1 s).
inline constexpr int64_t REQUEST_INTERVAL_US = 1'000'000;
inline constexpr int64_t BUSY_REQUEST_INTERVAL_US = 100'000;
// A packet asked for again is resent only if it went out longer than the round trip ago;
// the round trip starts at 1 s and falls to what is measured, never below this.
inline constexpr int64_t MIN_RTT_US = 1'000;
// A lossless packet taken is acknowledged at once (the sender's receipt then comes a round
// trip later, not at the next request) unless it is part of a burst — it came within this
// long of the previous one — in which case every ACK_EVERY_PACKETS-th is.
inline constexpr int64_t BURST_GAP_US = 200;
inline constexpr uint32_t ACK_EVERY_PACKETS = 64;
// …every 16th through a relay, where senders keep far fewer packets in flight.
inline constexpr uint32_t RELAYED_ACK_EVERY_PACKETS = 16;
// New packets sent per tick: bounds a burst on the wire (about 20,000 packets/s at 50 ms ticks).
inline constexpr size_t MAX_SEND_PER_TICK = 1024;
// Sessions at once: one per friend.
inline constexpr size_t MAX_SESSIONS = 1024;
// A session whose friend sent nothing over UDP this long sends through relays again
// (c-toxcore's UDP_DIRECT_TIMEOUT).
inline constexpr int64_t UDP_DIRECT_TIMEOUT_US = 8'000'000;
// …and sends a small packet over UDP as well every half of that, to find out when UDP works.
inline constexpr int64_t UDP_PROBE_INTERVAL_US = UDP_DIRECT_TIMEOUT_US / 2;
inline constexpr size_t UDP_PROBE_MAX_SIZE = 96;

// Where a packet came from: a UDP address, or a TCP relay that vouches for the sender's DHT key.
struct Origin {
    std::optional<netcore::PeerEndpoint> udp;
    std::optional<PublicKey> relay;
};

enum class SessionState { COOKIE_REQUESTING, HANDSHAKE_SENT, NOT_CONFIRMED, ESTABLISHED };

struct NetCryptoStats {
    uint64_t cookie_requests_answered = 0;
    uint64_t packets_in = 0;
    uint64_t packets_out = 0;
    uint64_t resent = 0;
    uint64_t dropped = 0;
};

class NetCrypto {
public:
    // Whether a long-term key may open a session with us (our friends); its DHT key is passed.
    using AcceptFn = std::function<bool(const PublicKey& real_key, const PublicKey& dht_key)>;
    using StatusFn = std::function<void(const PublicKey& real_key, bool up)>;
    using DataFn = std::function<void(const PublicKey& real_key, util::ByteSpan data)>;
    // Sends a packet to a DHT key through TCP relays; false when no relay took it.
    using RelaySendFn = std::function<bool(const PublicKey& dht_key, util::ByteSpan packet)>;

    NetCrypto(dht::DhtNode& node, crypto::BoxKeyPair long_term);

    void SetAcceptFn(AcceptFn f) { m_accept = std::move(f); }
    void SetStatusFn(StatusFn f) { m_on_status = std::move(f); }
    // Lossless packets, in order (the first byte is the id, 16-191).
    void SetDataFn(DataFn f) { m_on_data = std::move(f); }
    void SetLossyFn(DataFn f) { m_on_lossy = std::move(f); }
    // The friend acknowledged more of what we sent (receipts are due, the window has room).
    void SetAckedFn(std::function<void(const PublicKey& real_key)> f) { m_on_acked = std::move(f); }
    void SetRelaySend(RelaySendFn f) { m_relay_send = std::move(f); }

    // Starts a session with a friend found at `endpoint`, or reachable only through relays
    // (none); nothing if one is under way, except that a first address is taken.
    void Connect(const PublicKey& real_key, const PublicKey& dht_key, const std::optional<netcore::PeerEndpoint>& endpoint,
                 int64_t now_us);
    // A packet a TCP relay delivered from the peer with this DHT key.
    void OnRelayPacket(const PublicKey& dht_key, util::ByteSpan packet, int64_t now_us);
    // Whether the session with this friend runs over UDP now (else through relays).
    bool Direct(const PublicKey& real_key) const;
    // Sends a lossless packet; its number (for receipts), or none when the session is not up or
    // its window is full.
    std::optional<uint32_t> SendLossless(const PublicKey& real_key, util::ByteSpan data, int64_t now_us);
    bool SendLossy(const PublicKey& real_key, util::ByteSpan data);
    // Whether the friend has taken lossless packet `number`.
    bool Delivered(const PublicKey& real_key, uint32_t number) const;
    // Tells the friend and forgets the session.
    void Kill(const PublicKey& real_key);
    std::optional<SessionState> State(const PublicKey& real_key) const;
    bool Established(const PublicKey& real_key) const { return State(real_key) == SessionState::ESTABLISHED; }
    size_t QueuedPackets(const PublicKey& real_key) const;
    void Tick(int64_t now_us);
    const NetCryptoStats& Stats() const { return m_stats; }
    // The latest time seen (a packet or a tick): callbacks run at it.
    int64_t Now() const { return m_now_us; }

private:
    struct Session {
        uint64_t generation = 0;  // tells a session from a later one with the same friend
        PublicKey real_key;
        PublicKey dht_key;
        std::optional<netcore::PeerEndpoint> endpoint;
        int64_t last_udp_us = -1;  // the last packet that opened and came over UDP
        int64_t last_udp_probe_us = -UDP_PROBE_INTERVAL_US;
        SessionState state = SessionState::COOKIE_REQUESTING;
        uint64_t cookie_echo = 0;
        crypto::BoxKeyPair session_keys;
        PublicKey peer_session_key;
        crypto::BoxSharedKey shared;  // session keys, once both are known
        crypto::BoxNonce sent_nonce;  // the base we gave, advanced per packet sent
        crypto::BoxNonce recv_nonce;  // the base they gave
        util::Bytes setup_packet;     // cookie request or handshake, resent until confirmed
        int64_t setup_sent_us = 0;
        int setup_tries = 0;
        int64_t last_request_us = 0;
        bool received_since_request = false;
        int64_t last_lossless_us = 0;
        uint32_t unacked = 0;  // lossless packets taken since our last acknowledgement
        int64_t rtt_us = 1'000'000;
        SendWindow send;
        ReceiveWindow recv;
    };

    void OnPacket(const Origin& from, util::ByteSpan packet, int64_t now_us);
    void OnCookieRequest(const Origin& from, util::ByteSpan packet, int64_t now_us);
    void OnCookieResponse(const Origin& from, util::ByteSpan packet, int64_t now_us);
    void OnHandshake(const Origin& from, util::ByteSpan packet, int64_t now_us);
    void OnData(const Origin& from, util::ByteSpan packet, int64_t now_us);
    Session* BySource(const Origin& from);
    bool IsDirect(const Session& s) const;
    // Over UDP while the friend answers there; through relays otherwise (and over UDP as well
    // while setting up, so that whichever works wins).
    void Transmit(Session& s, util::ByteSpan packet);
    void Reply(const Origin& to, util::ByteSpan packet);
    void SendHandshake(Session& s, const Cookie& their_cookie, int64_t now_us);
    void SendData(Session& s, uint32_t buffer_start, uint32_t number, util::ByteSpan data);
    void SetUp(Session& s);
    void Drop(const PublicKey& real_key, bool notify);

    dht::DhtNode& m_node;
    crypto::BoxKeyPair m_long_term;
    crypto::BoxSharedKey m_cookie_key;
    std::map<PublicKey, Session> m_sessions;
    AcceptFn m_accept;
    StatusFn m_on_status;
    DataFn m_on_data;
    DataFn m_on_lossy;
    std::function<void(const PublicKey&)> m_on_acked;
    RelaySendFn m_relay_send;
    NetCryptoStats m_stats;
    int64_t m_now_us = 0;
    uint64_t m_generation = 0;
};

}  // namespace tonari::tox::net_crypto
