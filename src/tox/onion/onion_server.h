// OnionServer: everything a Tox node does for other people's onion traffic, attached to its
// DHT node — relaying the three hops each way and keeping announcements at the end of paths —
// so that a tonari node is a full member of the network, not a leech. Registers its packet
// kinds with the node; lives as long as the node does (see DhtServiceOptions::extensions).
#pragma once

#include <memory>

#include "tox/dht/dht_node.h"
#include "tox/onion/onion_announce.h"
#include "tox/onion/onion_relay.h"

namespace tonari::tox::onion {

class OnionServer {
public:
    explicit OnionServer(dht::DhtNode& node);

    const OnionRelayStats& RelayStats() const { return m_relay.Stats(); }
    // For a TCP relay on the same node: its clients' onion requests enter here.
    OnionRelay& Relay() { return m_relay; }
    OnionAnnounceStats AnnounceStats(int64_t now_us) const { return m_announce.Stats(now_us); }
    bool IsAnnounced(const crypto::BoxPublicKey& key, int64_t now_us) const { return m_announce.IsAnnounced(key, now_us); }

private:
    OnionRelay m_relay;
    OnionAnnounce m_announce;
};

}  // namespace tonari::tox::onion
