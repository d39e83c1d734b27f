// Wiring the relay and the announce store into a DHT node.
#include "tox/onion/onion_server.h"

namespace tonari::tox::onion {

OnionServer::OnionServer(dht::DhtNode& node)
    : m_relay([&node](const crypto::BoxPublicKey& key) { return node.SharedKey(key); },
              [&node](const netcore::PeerEndpoint& to, util::Bytes d) { node.Send(to, std::move(d)); }),
      m_announce(
          node.SelfKey(), [&node](const crypto::BoxPublicKey& key) { return node.SharedKey(key); },
          [&node](const netcore::PeerEndpoint& to, util::Bytes d) { node.Send(to, std::move(d)); },
          [&node](const crypto::BoxPublicKey& target, bool include_local) {
              return node.ClosestNodes(target, wire::MAX_SENT_NODES, include_local);
          }) {
    auto relay = [this](const netcore::PeerEndpoint& from, util::ByteSpan d, int64_t now) { m_relay.OnPacket(from, d, now); };
    auto announce = [this](const netcore::PeerEndpoint& from, util::ByteSpan d, int64_t now) {
        m_announce.OnPacket(from, d, now);
    };
    using wire::PacketKind;
    for (auto kind : {PacketKind::ONION_REQUEST_0, PacketKind::ONION_REQUEST_1, PacketKind::ONION_REQUEST_2,
                      PacketKind::ONION_RESPONSE_3, PacketKind::ONION_RESPONSE_2, PacketKind::ONION_RESPONSE_1}) {
        node.SetHandler(kind, relay);
    }
    node.SetHandler(PacketKind::ANNOUNCE_REQUEST, announce);
    node.SetHandler(PacketKind::ONION_DATA_REQUEST, announce);
}

}  // namespace tonari::tox::onion
