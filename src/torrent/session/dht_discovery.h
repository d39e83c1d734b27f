// Starts the DHT (torrent/dht) for one torrent the way a session wants it: on UDP at the
// address and port peers reach us by over TCP (the BitTorrent convention), bootstrapped from
// the configured routers or the public ones, finding peers for the torrent's info-hash and
// announcing our port. Shared by Session and FetchMetadata (a magnet link's metadata phase).
#pragma once

#include <memory>

#include "torrent/dht/dht_service.h"
#include "torrent/peer/swarm.h"
#include "torrent/session/session.h"

namespace tonari::torrent::session {

// Null when the options turn the DHT off or the UDP port cannot be opened (said in the log;
// the torrent goes on with its other peer sources).
// Every hash in info_hashes is looked up and announced (a hybrid's v1 hash and its truncated v2
// hash, so peers knowing either find it).
std::unique_ptr<dht::DhtService> StartDht(const SessionOptions& options, const netcore::PeerEndpoint& tcp_listening,
                                          const std::vector<wire::Hash20>& info_hashes, const peer::LogFn& log,
                                          const dht::DhtService::PeersFn& on_peers);

}  // namespace tonari::torrent::session
