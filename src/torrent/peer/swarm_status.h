// The swarm as a watcher sees it, as JSON: what `tonari torrent … --dashboard` publishes as its
// `torrent_status` events — the counts, the piece map, the connections and the payload traded
// with each peer by peer id — kept under a byte budget whatever the peers send.
#pragma once

#include <cstddef>

#include "torrent/peer/swarm.h"
#include "util/json.h"

namespace tonari::torrent::peer {

// Attack: a swarm of many peers, each naming its client with 64 bytes that escape six-fold in
// JSON, making every status event (and the watchers' rings) large. The busiest peers are kept
// and the lists halved until the whole fits; relayed, an event is wrapped again, and the bus
// takes at most 64 KiB of data per event (events/event_bus.h).
inline constexpr size_t MAX_STATUS_BYTES = 32 * 1024;
// The most connections and traded peers listed, before the byte budget.
inline constexpr size_t MAX_STATUS_PEERS = 64;

// {pieces_have, bytes_have, map, uploaded, downloaded, up_rate, down_rate, peer_count,
//  hash_failures, peers_banned, peers: [{peer_id, address, client, inbound, encrypted, pieces,
//  uploaded, downloaded, up_rate, down_rate}], traded: [{peer_id, address, uploaded,
//  downloaded}]}: the lists busiest first, cut to fit `max_bytes` once dumped.
util::Json SwarmStatusJson(const SwarmSnapshot& snapshot, size_t max_bytes = MAX_STATUS_BYTES);

}  // namespace tonari::torrent::peer
