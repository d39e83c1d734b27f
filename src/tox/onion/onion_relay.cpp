// The three request hops and the three response hops of an onion path.
#include "tox/onion/onion_relay.h"

#include "crypto/random.h"
#include "tox/wire/packet_kind.h"

namespace tonari::tox::onion {
namespace {

using wire::PacketKind;

// What may travel to the end of a path, and back from it, as c-toxcore 0.2.18 allows: announce
// and data requests and their responses.
bool IsEndRequest(uint8_t kind) { return kind == 0x83 || kind == 0x85; }
bool IsEndResponse(uint8_t kind) { return kind == 0x84 || kind == 0x86; }

// The sendback each request layer carries in: none for the first hop.
constexpr size_t IncomingReturn(int layer) { return layer == 0 ? 0 : layer == 1 ? RETURN_1 : RETURN_2; }
constexpr size_t MinimumRequest(int layer) { return 1 + (layer == 0 ? SEND_1 : layer == 1 ? SEND_2 : SEND_3); }

}  // namespace

OnionRelay::OnionRelay(SharedKeyFn shared_key, SendFn send) : m_shared_key(std::move(shared_key)), m_send(std::move(send)) {}

void OnionRelay::RotateKey(int64_t now_us) {
    if (m_key_born_us >= 0 && now_us - m_key_born_us < SENDBACK_KEY_LIFETIME_US) return;
    crypto::RandomBytes(m_sendback_key.mutable_span());
    m_key_born_us = now_us;
}

util::Bytes OnionRelay::SealSendback(util::ByteSpan plain) {
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    util::Bytes out(nonce.begin(), nonce.end());
    const util::Bytes sealed = crypto::BoxSeal(m_sendback_key, nonce, plain);
    out.insert(out.end(), sealed.begin(), sealed.end());
    return out;
}

void OnionRelay::OnPacket(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us) {
    if (datagram.empty() || datagram.size() > ONION_MAX_PACKET_SIZE) {
        ++m_stats.dropped;
        return;
    }
    RotateKey(now_us);
    switch (static_cast<PacketKind>(datagram[0])) {
        case PacketKind::ONION_REQUEST_0: Forward(from, datagram, 0); return;
        case PacketKind::ONION_REQUEST_1: Forward(from, datagram, 1); return;
        case PacketKind::ONION_REQUEST_2: Forward(from, datagram, 2); return;
        case PacketKind::ONION_RESPONSE_3: Return(datagram, 3); return;
        case PacketKind::ONION_RESPONSE_2: Return(datagram, 2); return;
        case PacketKind::ONION_RESPONSE_1: Return(datagram, 1); return;
        default: ++m_stats.dropped; return;
    }
}

// Request layer `layer` (0, 1, 2): [kind][nonce][key][sealed layer][sendback in].
void OnionRelay::Forward(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int layer) {
    const size_t return_in = IncomingReturn(layer);
    if (datagram.size() <= MinimumRequest(layer)) {
        ++m_stats.dropped;
        return;
    }
    const auto nonce = *crypto::BoxNonce::FromBytes(datagram.subspan(1, crypto::BOX_NONCE_SIZE));
    const auto key = *crypto::BoxPublicKey::FromBytes(datagram.subspan(1 + crypto::BOX_NONCE_SIZE, crypto::BOX_KEY_SIZE));
    const size_t header = 1 + crypto::BOX_NONCE_SIZE + crypto::BOX_KEY_SIZE;
    const auto shared = m_shared_key(key);
    const auto plain = shared ? crypto::BoxOpen(*shared, nonce, datagram.subspan(header, datagram.size() - header - return_in))
                              : std::nullopt;
    if (!plain || plain->size() <= IP_PORT_SIZE) {
        ++m_stats.dropped;
        return;
    }
    const auto back = PackIpPort(from);
    if (!back) {
        ++m_stats.dropped;
        return;
    }
    Pass(*back, nonce, *plain, datagram.last(return_in), layer);
}

void OnionRelay::OnTcpRequest(uint64_t client, util::ByteSpan request, int64_t now_us) {
    // c-toxcore's bounds: two more layers at least, and no bigger than what the next hop takes
    // once our sendback is added.
    if (request.size() <= crypto::BOX_NONCE_SIZE + IP_PORT_SIZE + SEND_BASE * 2 ||
        request.size() > ONION_MAX_PACKET_SIZE + IP_PORT_SIZE - (1 + RETURN_1)) {
        ++m_stats.dropped;
        return;
    }
    RotateKey(now_us);
    const auto nonce = *crypto::BoxNonce::FromBytes(request.first(crypto::BOX_NONCE_SIZE));
    Pass(PackTcpClient(client), nonce, request.subspan(crypto::BOX_NONCE_SIZE), {}, 0);
}

void OnionRelay::Pass(const PackedIpPort& back, const crypto::BoxNonce& nonce, util::ByteSpan plain_layer,
                      util::ByteSpan return_span, int layer) {
    const auto next = UnpackIpPort(plain_layer.first(IP_PORT_SIZE));
    if (!next) {
        ++m_stats.dropped;
        return;
    }
    const util::ByteSpan rest = plain_layer.subspan(IP_PORT_SIZE);
    // What goes back: who sent it to us, then the sendback it came with.
    util::Bytes sendback_plain(back.begin(), back.end());
    sendback_plain.insert(sendback_plain.end(), return_span.begin(), return_span.end());

    util::Bytes out;
    out.reserve(1 + crypto::BOX_NONCE_SIZE + plain_layer.size() + RETURN_1);
    if (layer < 2) {
        // The next layer keeps the nonce: [next kind][nonce][key and sealed layer].
        if (rest.size() <= SEND_BASE) {
            ++m_stats.dropped;
            return;
        }
        out.push_back(static_cast<uint8_t>(layer == 0 ? PacketKind::ONION_REQUEST_1 : PacketKind::ONION_REQUEST_2));
        out.insert(out.end(), nonce.begin(), nonce.end());
    } else if (!IsEndRequest(rest[0])) {
        ++m_stats.dropped;
        return;
    }
    out.insert(out.end(), rest.begin(), rest.end());
    const util::Bytes sendback = SealSendback(sendback_plain);
    out.insert(out.end(), sendback.begin(), sendback.end());
    ++m_stats.requests_forwarded;
    m_send(*next, std::move(out));
}

// Response layer `layer` (3, 2, 1): [kind][our sendback][data].
void OnionRelay::Return(util::ByteSpan datagram, int layer) {
    const size_t ours = layer == 3 ? RETURN_3 : layer == 2 ? RETURN_2 : RETURN_1;
    if (datagram.size() <= 1 + ours || !IsEndResponse(datagram[1 + ours])) {
        ++m_stats.dropped;
        return;
    }
    const auto nonce = *crypto::BoxNonce::FromBytes(datagram.subspan(1, crypto::BOX_NONCE_SIZE));
    const auto plain = crypto::BoxOpen(m_sendback_key, nonce,
                                       datagram.subspan(1 + crypto::BOX_NONCE_SIZE, ours - crypto::BOX_NONCE_SIZE));
    const size_t inner = layer == 3 ? RETURN_2 : layer == 2 ? RETURN_1 : 0;
    if (!plain || plain->size() != IP_PORT_SIZE + inner) {
        ++m_stats.dropped;
        return;
    }
    const auto to = UnpackIpPort(util::ByteSpan(*plain).first(IP_PORT_SIZE));
    const util::ByteSpan data = datagram.subspan(1 + ours);
    if (!to) {
        // The first hop for a client of our TCP relay: the bare response goes to it.
        const auto client = layer == 1 ? UnpackTcpClient(util::ByteSpan(*plain).first(IP_PORT_SIZE)) : std::nullopt;
        if (!client || !m_tcp_send) {
            ++m_stats.dropped;
            return;
        }
        ++m_stats.responses_forwarded;
        m_tcp_send(*client, util::Bytes(data.begin(), data.end()));
        return;
    }
    util::Bytes out;
    if (layer > 1) {
        out.push_back(static_cast<uint8_t>(layer == 3 ? PacketKind::ONION_RESPONSE_2 : PacketKind::ONION_RESPONSE_1));
        out.insert(out.end(), plain->begin() + IP_PORT_SIZE, plain->end());
    }
    out.insert(out.end(), data.begin(), data.end());
    ++m_stats.responses_forwarded;
    m_send(*to, std::move(out));
}

}  // namespace tonari::tox::onion
