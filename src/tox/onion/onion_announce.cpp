// Announcements stored at the end of onion paths, and data routed to them.
#include "tox/onion/onion_announce.h"

#include <algorithm>

#include "crypto/hmac.h"
#include "crypto/random.h"
#include "netcore/address_scope.h"
#include "tox/dht/client_list.h"
#include "util/byte_writer.h"

namespace tonari::tox::onion {
namespace {

constexpr uint8_t ANNOUNCE_RESPONSE = 0x84;
constexpr uint8_t DATA_RESPONSE = 0x86;
constexpr uint8_t ONION_RESPONSE_3 = 0x8c;
// is_stored: 0 not here (a ping id follows), 1 here (their data key follows), 2 you are
// announced here (a ping id follows).
constexpr uint8_t NOT_STORED = 0;
constexpr uint8_t STORED = 1;
constexpr uint8_t ANNOUNCED = 2;

}  // namespace

OnionAnnounce::OnionAnnounce(const crypto::BoxPublicKey& self_dht_key, SharedKeyFn shared_key, SendFn send,
                             ClosestFn closest)
    : m_self(self_dht_key), m_shared_key(std::move(shared_key)), m_send(std::move(send)), m_closest(std::move(closest)) {
    crypto::RandomBytes(m_ping_secret);
}

std::array<uint8_t, PING_ID_SIZE> OnionAnnounce::PingId(const crypto::BoxPublicKey& key,
                                                        const netcore::PeerEndpoint& from, int64_t window) const {
    util::ByteWriter data;
    data.WriteU64LE(static_cast<uint64_t>(window));
    data.WriteBytes(key.span());
    data.WriteBytes(util::ByteSpan(reinterpret_cast<const uint8_t*>(from.address.data()), from.address.size()));
    data.WriteU16BE(from.port);
    return crypto::HmacSha256(m_ping_secret, data.data());
}

const OnionAnnounce::Entry* OnionAnnounce::Find(const crypto::BoxPublicKey& key, int64_t now_us) const {
    for (const auto& e : m_entries) {
        if (e.key == key && now_us - e.announced_us < ANNOUNCE_TIMEOUT_US) return &e;
    }
    return nullptr;
}

bool OnionAnnounce::IsAnnounced(const crypto::BoxPublicKey& key, int64_t now_us) const {
    return Find(key, now_us) != nullptr;
}

bool OnionAnnounce::Store(Entry entry, int64_t now_us) {
    std::erase_if(m_entries, [&](const Entry& e) { return now_us - e.announced_us >= ANNOUNCE_TIMEOUT_US; });
    for (auto& e : m_entries) {
        if (e.key == entry.key) {
            e = std::move(entry);
            return true;
        }
    }
    if (m_entries.size() >= ANNOUNCE_MAX_ENTRIES) {
        auto furthest = std::max_element(m_entries.begin(), m_entries.end(), [&](const Entry& a, const Entry& b) {
            return dht::Closer(m_self, a.key, b.key);
        });
        if (!dht::Closer(m_self, entry.key, furthest->key)) return false;
        *furthest = std::move(entry);
        return true;
    }
    m_entries.push_back(std::move(entry));
    return true;
}

void OnionAnnounce::OnPacket(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us) {
    if (datagram.empty() || datagram.size() > ONION_MAX_PACKET_SIZE) {
        ++m_stats.dropped;
        return;
    }
    if (datagram[0] == 0x83) {
        HandleAnnounce(from, datagram, now_us);
    } else if (datagram[0] == 0x85) {
        HandleData(datagram, now_us);
    } else {
        ++m_stats.dropped;
    }
}

void OnionAnnounce::HandleAnnounce(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us) {
    ++m_stats.announce_requests;
    // Exactly one announce request and the sendback the last hop added.
    if (datagram.size() != ANNOUNCE_REQUEST_SIZE + RETURN_3) {
        ++m_stats.dropped;
        return;
    }
    const auto nonce = *crypto::BoxNonce::FromBytes(datagram.subspan(1, crypto::BOX_NONCE_SIZE));
    const auto key = *crypto::BoxPublicKey::FromBytes(datagram.subspan(1 + crypto::BOX_NONCE_SIZE, crypto::BOX_KEY_SIZE));
    const auto shared = m_shared_key(key);
    const size_t header = 1 + crypto::BOX_NONCE_SIZE + crypto::BOX_KEY_SIZE;
    const auto plain = shared ? crypto::BoxOpen(*shared, nonce, datagram.subspan(header, ANNOUNCE_REQUEST_SIZE - header))
                              : std::nullopt;
    if (!plain || plain->size() != ANNOUNCE_PLAIN_SIZE) {
        ++m_stats.dropped;
        return;
    }
    const util::ByteSpan p(*plain);
    const util::ByteSpan ping_id = p.first(PING_ID_SIZE);
    const auto searched = *crypto::BoxPublicKey::FromBytes(p.subspan(PING_ID_SIZE, crypto::BOX_KEY_SIZE));
    const auto data_key = *crypto::BoxPublicKey::FromBytes(p.subspan(PING_ID_SIZE + crypto::BOX_KEY_SIZE, crypto::BOX_KEY_SIZE));
    const util::ByteSpan sendback_data = p.last(SENDBACK_DATA_SIZE);
    const util::ByteSpan path_sendback = datagram.last(RETURN_3);

    // A ping id from this window or the last proves the sender heard our earlier answer at this
    // address with this key: only then is it stored (or renewed).
    const int64_t window = now_us / ANNOUNCE_TIMEOUT_US;
    const auto current = PingId(key, from, window);
    const auto previous = PingId(key, from, window - 1);
    const bool proven = std::equal(ping_id.begin(), ping_id.end(), current.begin()) ||
                        std::equal(ping_id.begin(), ping_id.end(), previous.begin());
    if (proven) {
        Entry e;
        e.key = key;
        e.data_key = data_key;
        e.return_to = from;
        std::copy(path_sendback.begin(), path_sendback.end(), e.sendback.begin());
        e.announced_us = now_us;
        if (Store(std::move(e), now_us)) ++m_stats.announced;
    }
    const Entry* entry = Find(searched, now_us);

    util::ByteWriter response;
    if (entry == nullptr) {
        response.WriteU8(NOT_STORED);
        response.WriteBytes(current);
    } else if (entry->key == key) {
        // The node itself: announced, unless it came back with another data key (a restart).
        response.WriteU8(entry->data_key == data_key ? ANNOUNCED : NOT_STORED);
        response.WriteBytes(current);
    } else {
        response.WriteU8(STORED);
        response.WriteBytes(entry->data_key.span());
    }
    for (const auto& n : m_closest(searched, netcore::IsLocalAddress(from.address))) wire::PackNode(n, response);

    const crypto::BoxNonce reply_nonce = crypto::BoxRandomNonce();
    util::Bytes out;
    out.reserve(1 + RETURN_3 + 1 + SENDBACK_DATA_SIZE + crypto::BOX_NONCE_SIZE + response.data().size() + 16);
    out.push_back(ONION_RESPONSE_3);
    out.insert(out.end(), path_sendback.begin(), path_sendback.end());
    out.push_back(ANNOUNCE_RESPONSE);
    out.insert(out.end(), sendback_data.begin(), sendback_data.end());
    out.insert(out.end(), reply_nonce.begin(), reply_nonce.end());
    const util::Bytes sealed = crypto::BoxSeal(*shared, reply_nonce, response.data());
    out.insert(out.end(), sealed.begin(), sealed.end());
    m_send(from, std::move(out));
}

void OnionAnnounce::HandleData(util::ByteSpan datagram, int64_t now_us) {
    if (datagram.size() <= DATA_REQUEST_MIN_SIZE + RETURN_3) {
        ++m_stats.dropped;
        return;
    }
    const auto destination = *crypto::BoxPublicKey::FromBytes(datagram.subspan(1, crypto::BOX_KEY_SIZE));
    const Entry* entry = Find(destination, now_us);
    if (entry == nullptr) {
        ++m_stats.dropped;
        return;
    }
    // [0x8c][the announcer's path sendback][0x86][nonce, temporary key, payload]
    const util::ByteSpan body = datagram.subspan(1 + crypto::BOX_KEY_SIZE,
                                                 datagram.size() - 1 - crypto::BOX_KEY_SIZE - RETURN_3);
    util::Bytes out;
    out.reserve(1 + RETURN_3 + 1 + body.size());
    out.push_back(ONION_RESPONSE_3);
    out.insert(out.end(), entry->sendback.begin(), entry->sendback.end());
    out.push_back(DATA_RESPONSE);
    out.insert(out.end(), body.begin(), body.end());
    ++m_stats.data_forwarded;
    m_send(entry->return_to, std::move(out));
}

OnionAnnounceStats OnionAnnounce::Stats(int64_t now_us) const {
    OnionAnnounceStats s = m_stats;
    s.entries = static_cast<size_t>(std::count_if(m_entries.begin(), m_entries.end(), [&](const Entry& e) {
        return now_us - e.announced_us < ANNOUNCE_TIMEOUT_US;
    }));
    return s;
}

}  // namespace tonari::tox::onion
