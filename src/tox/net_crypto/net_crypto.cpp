// Sessions: set-up, data both ways, requests and acknowledgements.
#include "tox/net_crypto/net_crypto.h"

#include <algorithm>

#include "crypto/random.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::tox::net_crypto {
namespace {

constexpr uint8_t PACKET_ID_PADDING = 0;
constexpr uint8_t PACKET_ID_REQUEST = 1;
constexpr uint8_t PACKET_ID_KILL = 2;
constexpr uint8_t LOSSLESS_FIRST = 16;
constexpr uint8_t LOSSLESS_LAST = 191;
constexpr uint8_t LOSSY_FIRST = 192;
constexpr uint8_t LOSSY_LAST = 254;
// The last two bytes of the nonce travel with each packet; a jump of more than two thirds of
// their range moves the saved base by one third (c-toxcore's DATA_NUM_THRESHOLD).
constexpr uint16_t NONCE_THRESHOLD = 21845;

uint16_t NonceTail(const crypto::BoxNonce& n) {
    return static_cast<uint16_t>((n.data()[crypto::BOX_NONCE_SIZE - 2] << 8) | n.data()[crypto::BOX_NONCE_SIZE - 1]);
}

}  // namespace

NetCrypto::NetCrypto(dht::DhtNode& node, crypto::BoxKeyPair long_term) : m_node(node), m_long_term(long_term) {
    crypto::RandomBytes(m_cookie_key.mutable_span());
    using wire::PacketKind;
    for (auto kind : {PacketKind::COOKIE_REQUEST, PacketKind::COOKIE_RESPONSE, PacketKind::CRYPTO_HANDSHAKE,
                      PacketKind::CRYPTO_DATA}) {
        node.SetHandler(kind, [this](const netcore::PeerEndpoint& f, util::ByteSpan d, int64_t now) {
            OnPacket(Origin{f, std::nullopt}, d, now);
        });
    }
}

void NetCrypto::OnRelayPacket(const PublicKey& dht_key, util::ByteSpan packet, int64_t now_us) {
    OnPacket(Origin{std::nullopt, dht_key}, packet, now_us);
}

void NetCrypto::OnPacket(const Origin& from, util::ByteSpan packet, int64_t now_us) {
    if (packet.empty()) return;
    switch (static_cast<wire::PacketKind>(packet[0])) {
        case wire::PacketKind::COOKIE_REQUEST: OnCookieRequest(from, packet, now_us); return;
        case wire::PacketKind::COOKIE_RESPONSE: OnCookieResponse(from, packet, now_us); return;
        case wire::PacketKind::CRYPTO_HANDSHAKE: OnHandshake(from, packet, now_us); return;
        case wire::PacketKind::CRYPTO_DATA: OnData(from, packet, now_us); return;
        default: ++m_stats.dropped; return;
    }
}

NetCrypto::Session* NetCrypto::BySource(const Origin& from) {
    for (auto& [key, s] : m_sessions) {
        if (from.udp ? s.endpoint == from.udp : s.dht_key == *from.relay) return &s;
    }
    return nullptr;
}

bool NetCrypto::IsDirect(const Session& s) const {
    return s.endpoint && s.last_udp_us >= 0 && m_now_us - s.last_udp_us < UDP_DIRECT_TIMEOUT_US;
}

bool NetCrypto::Direct(const PublicKey& real_key) const {
    auto it = m_sessions.find(real_key);
    return it != m_sessions.end() && IsDirect(it->second);
}

void NetCrypto::Transmit(Session& s, util::ByteSpan packet) {
    const bool direct = IsDirect(s);
    const bool relayed = !direct && m_relay_send && m_relay_send(s.dht_key, packet);
    // A relayed session still tries UDP with a small packet now and then (as c-toxcore does),
    // so that it moves back to UDP once the friend answers there.
    const bool probe = relayed && packet.size() <= UDP_PROBE_MAX_SIZE && m_now_us - s.last_udp_probe_us >= UDP_PROBE_INTERVAL_US;
    if (probe) s.last_udp_probe_us = m_now_us;
    if (s.endpoint && (direct || !relayed || probe || s.state != SessionState::ESTABLISHED)) {
        m_node.Send(*s.endpoint, util::Bytes(packet.begin(), packet.end()));
    }
}

void NetCrypto::Reply(const Origin& to, util::ByteSpan packet) {
    if (to.udp) {
        m_node.Send(*to.udp, util::Bytes(packet.begin(), packet.end()));
    } else if (m_relay_send) {
        m_relay_send(*to.relay, packet);
    }
}

void NetCrypto::Connect(const PublicKey& real_key, const PublicKey& dht_key,
                        const std::optional<netcore::PeerEndpoint>& endpoint, int64_t now_us) {
    if (auto it = m_sessions.find(real_key); it != m_sessions.end()) {
        // Known already: a new address only while we still wait for a cookie, or a first one
        // for a session over relays. Once a handshake came over UDP, its address is the one
        // that works.
        if (endpoint && (it->second.state == SessionState::COOKIE_REQUESTING || !it->second.endpoint)) {
            it->second.endpoint = endpoint;
        }
        return;
    }
    if (m_sessions.size() >= MAX_SESSIONS) return;
    const auto dht_shared = m_node.SharedKey(dht_key);
    if (!dht_shared) return;
    Session s;
    s.generation = ++m_generation;
    s.real_key = real_key;
    s.dht_key = dht_key;
    s.endpoint = endpoint;
    s.session_keys = crypto::BoxGenerateKeyPair();
    s.sent_nonce = crypto::BoxRandomNonce();
    s.cookie_echo = crypto::RandomU64();
    s.setup_packet = MakeCookieRequest(m_node.SelfKey(), *dht_shared, m_long_term.public_key, s.cookie_echo);
    s.setup_sent_us = now_us;
    s.setup_tries = 1;
    auto& added = m_sessions.emplace(real_key, std::move(s)).first->second;
    Transmit(added, added.setup_packet);
}

void NetCrypto::OnCookieRequest(const Origin& from, util::ByteSpan packet, int64_t now_us) {
    // Stateless by design: answer and forget, so a flood of requests costs no memory.
    const auto sender = CookieRequestSender(packet);
    const auto shared = sender ? m_node.SharedKey(*sender) : std::nullopt;
    const auto request = shared ? OpenCookieRequest(packet, *shared) : std::nullopt;
    // Through a relay the request must come from the DHT key the relay vouches for (as
    // c-toxcore checks): nobody makes us answer on behalf of someone else.
    if (!request || (from.relay && *sender != *from.relay)) {
        ++m_stats.dropped;
        return;
    }
    const Cookie cookie = MakeCookie(m_cookie_key, {request->sender_real_key, request->sender_dht_key}, now_us);
    Reply(from, MakeCookieResponse(*shared, cookie, request->echo_id));
    ++m_stats.cookie_requests_answered;
}

void NetCrypto::SendHandshake(Session& s, const Cookie& their_cookie, int64_t now_us) {
    const auto real_shared = crypto::BoxSharedKeyOf(m_long_term.secret_key, s.real_key);
    if (!real_shared) return;
    Handshake h;
    h.base_nonce = s.sent_nonce;
    h.session_key = s.session_keys.public_key;
    h.other_cookie = MakeCookie(m_cookie_key, {s.real_key, s.dht_key}, now_us);
    s.setup_packet = MakeHandshake(their_cookie, *real_shared, h);
    s.setup_sent_us = now_us;
    s.setup_tries = 1;
    Transmit(s, s.setup_packet);
}

void NetCrypto::OnCookieResponse(const Origin& from, util::ByteSpan packet, int64_t now_us) {
    Session* s = BySource(from);
    if (s == nullptr || s->state != SessionState::COOKIE_REQUESTING) {
        ++m_stats.dropped;
        return;
    }
    const auto shared = m_node.SharedKey(s->dht_key);
    const auto response = shared ? OpenCookieResponse(packet, *shared) : std::nullopt;
    if (!response || response->echo_id != s->cookie_echo) {
        ++m_stats.dropped;
        return;
    }
    SendHandshake(*s, response->cookie, now_us);
    s->state = SessionState::HANDSHAKE_SENT;
}

void NetCrypto::SetUp(Session& s) {
    if (auto shared = crypto::BoxSharedKeyOf(s.session_keys.secret_key, s.peer_session_key)) s.shared = *shared;
}

void NetCrypto::OnHandshake(const Origin& from, util::ByteSpan packet, int64_t now_us) {
    auto in = OpenHandshake(packet, m_cookie_key, now_us, [this](const PublicKey& real_key) {
        return crypto::BoxSharedKeyOf(m_long_term.secret_key, real_key);
    });
    // Through a relay the handshake must name the DHT key the relay vouches for; checked before
    // anything changes.
    if (!in || (from.relay && *from.relay != in->sender.dht_key)) {
        ++m_stats.dropped;
        return;
    }
    const PublicKey& real_key = in->sender.real_key;
    auto it = m_sessions.find(real_key);
    if (it != m_sessions.end() && it->second.dht_key != in->sender.dht_key) {
        // The friend restarted (a new DHT key): the old session is dead.
        Drop(real_key, true);
        it = m_sessions.end();
    }
    if (it == m_sessions.end()) {
        if (m_sessions.size() >= MAX_SESSIONS || !m_accept || !m_accept(real_key, in->sender.dht_key)) {
            ++m_stats.dropped;
            return;
        }
        Session s;
        s.generation = ++m_generation;
        s.real_key = real_key;
        s.dht_key = in->sender.dht_key;
        s.endpoint = from.udp;
        s.session_keys = crypto::BoxGenerateKeyPair();
        s.sent_nonce = crypto::BoxRandomNonce();
        it = m_sessions.emplace(real_key, std::move(s)).first;
    }
    Session& s = it->second;
    if (s.state == SessionState::ESTABLISHED) return;  // a late copy: ignored, as c-toxcore does
    if (from.udp) s.endpoint = from.udp;
    s.recv_nonce = in->handshake.base_nonce;
    s.peer_session_key = in->handshake.session_key;
    SetUp(s);
    // Answer with our own handshake, on the cookie they gave us, unless ours is out already.
    if (s.state != SessionState::NOT_CONFIRMED) SendHandshake(s, in->handshake.other_cookie, now_us);
    s.state = SessionState::NOT_CONFIRMED;
}

void NetCrypto::SendData(Session& s, uint32_t buffer_start, uint32_t number, util::ByteSpan data) {
    // [buffer start][number][zero padding to a multiple of 8 short of the maximum][data]
    const size_t padding = (MAX_CRYPTO_DATA_SIZE - data.size()) % 8;
    util::ByteWriter plain;
    plain.WriteU32BE(buffer_start);
    plain.WriteU32BE(number);
    for (size_t i = 0; i < padding; ++i) plain.WriteU8(PACKET_ID_PADDING);
    plain.WriteBytes(data);
    util::ByteWriter out;
    out.WriteU8(static_cast<uint8_t>(wire::PacketKind::CRYPTO_DATA));
    out.WriteU16BE(NonceTail(s.sent_nonce));
    out.WriteBytes(crypto::BoxSeal(s.shared, s.sent_nonce, plain.data()));
    crypto::BoxIncrementNonce(s.sent_nonce);
    ++m_stats.packets_out;
    Transmit(s, out.data());
}

void NetCrypto::OnData(const Origin& from, util::ByteSpan packet, int64_t now_us) {
    m_now_us = std::max(m_now_us, now_us);
    Session* found = BySource(from);
    if (found == nullptr || packet.size() <= 1 + 2 + crypto::BOX_MAC_SIZE || packet.size() > MAX_CRYPTO_PACKET_SIZE ||
        (found->state != SessionState::NOT_CONFIRMED && found->state != SessionState::ESTABLISHED)) {
        ++m_stats.dropped;
        return;
    }
    Session& s = *found;
    const uint16_t tail = static_cast<uint16_t>((packet[1] << 8) | packet[2]);
    const uint16_t diff = static_cast<uint16_t>(tail - NonceTail(s.recv_nonce));
    crypto::BoxNonce nonce = s.recv_nonce;
    crypto::BoxIncrementNonce(nonce, diff);
    const auto plain = crypto::BoxOpen(s.shared, nonce, packet.subspan(3));
    if (!plain || plain->size() <= 8) {
        ++m_stats.dropped;
        return;
    }
    if (diff > 2 * NONCE_THRESHOLD) crypto::BoxIncrementNonce(s.recv_nonce, NONCE_THRESHOLD);
    if (from.udp) s.last_udp_us = now_us;
    ++m_stats.packets_in;
    util::ByteReader in(*plain);
    const uint32_t their_start = in.ReadU32BE();
    const uint32_t number = in.ReadU32BE();
    const uint32_t acked_before = s.send.Start();
    if (!s.send.AckUntil(their_start)) {
        ++m_stats.dropped;
        return;
    }
    const bool acked_more = s.send.Start() != acked_before;
    util::ByteSpan data = util::ByteSpan(*plain).subspan(8);
    while (!data.empty() && data[0] == PACKET_ID_PADDING) data = data.subspan(1);
    if (data.empty()) {
        ++m_stats.dropped;
        return;
    }
    const PublicKey key = s.real_key;
    const uint64_t generation = s.generation;
    // After a callback, the session may be gone, or gone and started anew: only the same one
    // goes on being touched.
    auto still_here = [&] {
        auto it = m_sessions.find(key);
        return it != m_sessions.end() && it->second.generation == generation;
    };
    if (data[0] == PACKET_ID_KILL) {
        Drop(key, true);
        return;
    }
    if (s.state == SessionState::NOT_CONFIRMED) {
        s.state = SessionState::ESTABLISHED;
        s.setup_packet.clear();
        if (m_on_status) m_on_status(key, true);
        if (!still_here()) return;
    }
    if (data[0] == PACKET_ID_REQUEST) {
        int64_t latest_acked_sent_us = -1;
        if (s.send.HandleRequest(data.subspan(1), now_us, s.rtt_us, &latest_acked_sent_us)) s.recv.SetEnd(number);
        // The round trip: from the newest packet this request shows arrived, to now; the least
        // seen is the closest to the link's.
        if (latest_acked_sent_us >= 0) s.rtt_us = std::clamp<int64_t>(now_us - latest_acked_sent_us, MIN_RTT_US, s.rtt_us);
    } else if (data[0] >= LOSSLESS_FIRST && data[0] <= LOSSLESS_LAST) {
        s.received_since_request = true;
        if (s.recv.Add(number, util::Bytes(data.begin(), data.end()))) {
            while (auto next = s.recv.Pop()) {
                if (m_on_data) m_on_data(key, *next);
                if (!still_here()) return;  // the handler ended the session
            }
        }
        // Acknowledge at once (a request packet carries our buffer start), or in a burst every
        // ACK_EVERY_PACKETS packets.
        const bool burst = now_us - s.last_lossless_us < BURST_GAP_US;
        s.last_lossless_us = now_us;
        if (!burst || ++s.unacked >= (IsDirect(s) ? ACK_EVERY_PACKETS : RELAYED_ACK_EVERY_PACKETS)) {
            s.unacked = 0;
            s.last_request_us = now_us;
            s.received_since_request = false;
            SendData(s, s.recv.Start(), s.send.End(), s.recv.MakeRequest(MAX_CRYPTO_DATA_SIZE));
        }
    } else if (data[0] >= LOSSY_FIRST && data[0] <= LOSSY_LAST) {
        s.recv.SetEnd(number);
        if (m_on_lossy) m_on_lossy(key, data);
        if (!still_here()) return;
    } else {
        ++m_stats.dropped;
    }
    if (acked_more && m_on_acked && still_here()) m_on_acked(key);
}

std::optional<uint32_t> NetCrypto::SendLossless(const PublicKey& real_key, util::ByteSpan data, int64_t now_us) {
    auto it = m_sessions.find(real_key);
    if (it == m_sessions.end() || it->second.state != SessionState::ESTABLISHED || data.empty() ||
        data.size() > MAX_CRYPTO_DATA_SIZE || data[0] < LOSSLESS_FIRST || data[0] > LOSSLESS_LAST) {
        return std::nullopt;
    }
    Session& s = it->second;
    auto number = s.send.Push(util::Bytes(data.begin(), data.end()));
    if (!number) return std::nullopt;
    // Out at once (the window's copy stays for a resend).
    s.send.SendDue(MAX_SEND_PER_TICK, now_us, [&](uint32_t n, const util::Bytes& d) { SendData(s, s.recv.Start(), n, d); });
    return number;
}

bool NetCrypto::SendLossy(const PublicKey& real_key, util::ByteSpan data) {
    auto it = m_sessions.find(real_key);
    if (it == m_sessions.end() || it->second.state != SessionState::ESTABLISHED || data.empty() ||
        data.size() > MAX_CRYPTO_DATA_SIZE || data[0] < LOSSY_FIRST || data[0] > LOSSY_LAST) {
        return false;
    }
    SendData(it->second, it->second.recv.Start(), it->second.send.End(), data);
    return true;
}

bool NetCrypto::Delivered(const PublicKey& real_key, uint32_t number) const {
    auto it = m_sessions.find(real_key);
    return it != m_sessions.end() && it->second.send.Delivered(number);
}

std::optional<SessionState> NetCrypto::State(const PublicKey& real_key) const {
    auto it = m_sessions.find(real_key);
    if (it == m_sessions.end()) return std::nullopt;
    return it->second.state;
}

size_t NetCrypto::QueuedPackets(const PublicKey& real_key) const {
    auto it = m_sessions.find(real_key);
    return it == m_sessions.end() ? 0 : it->second.send.Size();
}

void NetCrypto::Kill(const PublicKey& real_key) {
    auto it = m_sessions.find(real_key);
    if (it == m_sessions.end()) return;
    if (it->second.state == SessionState::ESTABLISHED || it->second.state == SessionState::NOT_CONFIRMED) {
        const uint8_t kill[] = {PACKET_ID_KILL};
        SendData(it->second, it->second.recv.Start(), it->second.send.End(), kill);
    }
    Drop(real_key, false);
}

void NetCrypto::Drop(const PublicKey& real_key, bool notify) {
    auto it = m_sessions.find(real_key);
    if (it == m_sessions.end()) return;
    const bool was_up = it->second.state == SessionState::ESTABLISHED;
    m_sessions.erase(it);
    if (notify && was_up && m_on_status) m_on_status(real_key, false);
}

void NetCrypto::Tick(int64_t now_us) {
    m_now_us = std::max(m_now_us, now_us);
    std::vector<PublicKey> dead;
    for (auto& entry : m_sessions) {
        const PublicKey& key = entry.first;
        Session& s = entry.second;  // a plain reference: lambdas below capture it (clang)
        if (s.state != SessionState::ESTABLISHED && now_us - s.setup_sent_us >= SETUP_RESEND_US) {
            if (s.setup_tries >= MAX_SETUP_TRIES) {
                dead.push_back(key);
                continue;
            }
            ++s.setup_tries;
            s.setup_sent_us = now_us;
            if (!s.setup_packet.empty()) Transmit(s, s.setup_packet);
        }
        if (s.state != SessionState::NOT_CONFIRMED && s.state != SessionState::ESTABLISHED) continue;
        // Requests (which acknowledge, too) go out often while data flows or gaps wait.
        const bool busy = s.received_since_request || s.recv.Start() != s.recv.End();
        if (now_us - s.last_request_us >= (busy ? BUSY_REQUEST_INTERVAL_US : REQUEST_INTERVAL_US)) {
            s.last_request_us = now_us;
            s.received_since_request = false;
            SendData(s, s.recv.Start(), s.send.End(), s.recv.MakeRequest(MAX_CRYPTO_DATA_SIZE));
        }
        if (s.state == SessionState::ESTABLISHED) {
            const size_t sent =
                s.send.SendDue(MAX_SEND_PER_TICK, now_us, [&](uint32_t n, const util::Bytes& d) { SendData(s, s.recv.Start(), n, d); });
            m_stats.resent += sent;
        }
    }
    for (const auto& key : dead) Drop(key, true);
}

}  // namespace tonari::tox::net_crypto
