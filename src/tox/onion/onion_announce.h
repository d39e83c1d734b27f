// OnionAnnounce: the end of an onion path (spec "Onion", announce and data-to-route packets).
// A node announces its long-term key here, proving it holds the key and can answer (a ping id
// it must echo, tied to its key, the address it came from and a 5-minute window); a friend
// searching for that key learns it is here and the temporary key to encrypt to; data packets
// for an announced key are sent back along the path the announcement came by. Every answer
// carries the 4 nodes we know closest to the key asked about, so searches converge.
// Not thread-safe: the DHT node's owner calls it.
#pragma once

#include <array>
#include <functional>
#include <vector>

#include "tox/onion/onion_relay.h"
#include "tox/wire/node_info.h"

namespace tonari::tox::onion {

inline constexpr size_t PING_ID_SIZE = 32;
inline constexpr size_t SENDBACK_DATA_SIZE = 8;
// [kind][nonce][key][sealed: ping id, searched key, data key, sendback data]
inline constexpr size_t ANNOUNCE_PLAIN_SIZE = PING_ID_SIZE + 2 * crypto::BOX_KEY_SIZE + SENDBACK_DATA_SIZE;
inline constexpr size_t ANNOUNCE_REQUEST_SIZE =
    1 + crypto::BOX_NONCE_SIZE + crypto::BOX_KEY_SIZE + ANNOUNCE_PLAIN_SIZE + crypto::BOX_MAC_SIZE;  // 177
// [kind][destination key][nonce][temporary key][sealed payload]
inline constexpr size_t DATA_REQUEST_MIN_SIZE =
    1 + crypto::BOX_KEY_SIZE + crypto::BOX_NONCE_SIZE + crypto::BOX_KEY_SIZE + crypto::BOX_MAC_SIZE;
// Announcements kept (c-toxcore: 160): the ones closest to our DHT key win when full, so a
// flood of fresh keys can push out only those further from us than itself.
inline constexpr size_t ANNOUNCE_MAX_ENTRIES = 160;
// An announcement lapses this long after it was last renewed; a ping id lives 5 to 10 minutes.
inline constexpr int64_t ANNOUNCE_TIMEOUT_US = 300'000'000;

using ClosestFn = std::function<std::vector<wire::NodeInfo>(const crypto::BoxPublicKey& target, bool include_local)>;

struct OnionAnnounceStats {
    uint64_t announce_requests = 0;
    uint64_t announced = 0;       // requests that stored or renewed an entry
    uint64_t data_forwarded = 0;
    uint64_t dropped = 0;
    size_t entries = 0;
};

class OnionAnnounce {
public:
    OnionAnnounce(const crypto::BoxPublicKey& self_dht_key, SharedKeyFn shared_key, SendFn send, ClosestFn closest);

    // Handles announce requests (0x83) and data requests (0x85) that reached the end of a path.
    void OnPacket(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us);
    bool IsAnnounced(const crypto::BoxPublicKey& key, int64_t now_us) const;
    OnionAnnounceStats Stats(int64_t now_us) const;

private:
    struct Entry {
        crypto::BoxPublicKey key;
        crypto::BoxPublicKey data_key;
        netcore::PeerEndpoint return_to;
        std::array<uint8_t, RETURN_3> sendback{};
        int64_t announced_us = 0;
    };

    void HandleAnnounce(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us);
    void HandleData(util::ByteSpan datagram, int64_t now_us);
    std::array<uint8_t, PING_ID_SIZE> PingId(const crypto::BoxPublicKey& key, const netcore::PeerEndpoint& from,
                                             int64_t window) const;
    const Entry* Find(const crypto::BoxPublicKey& key, int64_t now_us) const;
    bool Store(Entry entry, int64_t now_us);

    crypto::BoxPublicKey m_self;
    SharedKeyFn m_shared_key;
    SendFn m_send;
    ClosestFn m_closest;
    std::array<uint8_t, 32> m_ping_secret{};
    std::vector<Entry> m_entries;
    OnionAnnounceStats m_stats;
};

}  // namespace tonari::tox::onion
