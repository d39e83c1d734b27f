// Starts local service discovery (BEP 14, torrent/lsd) for one torrent the way a session wants
// it: joined on the interface peers reach us by over TCP (any interface when we listen on all),
// announcing our listening port for each of the torrent's hashes and handing on the peers
// heard. Shared by Session and FetchMetadata.
#pragma once

#include <memory>
#include <vector>

#include "torrent/lsd/lsd_service.h"
#include "torrent/peer/swarm.h"
#include "torrent/session/session.h"

namespace tonari::torrent::session {

// Null when the options turn it off, when we listen on an IPv6 address only (BEP 14's IPv6
// group is not joined yet), or when the group cannot be joined (said in the log; the torrent
// goes on with its other peer sources).
std::unique_ptr<lsd::LsdService> StartLsd(const SessionOptions& options, const netcore::PeerEndpoint& tcp_listening,
                                          const std::vector<wire::Hash20>& info_hashes, const peer::LogFn& log,
                                          const lsd::LsdService::PeersFn& on_peers);

}  // namespace tonari::torrent::session
