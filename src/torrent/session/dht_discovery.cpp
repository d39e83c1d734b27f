// StartDht: DhtService options from the session's.
#include "torrent/session/dht_discovery.h"

namespace tonari::torrent::session {

std::unique_ptr<dht::DhtService> StartDht(const SessionOptions& options, const netcore::PeerEndpoint& tcp_listening,
                                          const std::vector<wire::Hash20>& info_hashes, const peer::LogFn& log,
                                          const dht::DhtService::PeersFn& on_peers) {
    if (!options.dht) return nullptr;
    dht::DhtServiceOptions d;
    d.bind = tcp_listening;
    d.routers = options.dht_routers.empty() ? dht::DefaultRouters() : options.dht_routers;
    d.nodes_file = options.dht_nodes_file;
    d.log = log;
    auto service = dht::DhtService::Start(std::move(d));
    if (!service) {
        log(service.error() + "; going on without the DHT");
        return nullptr;
    }
    log("dht: listening on UDP " + (*service)->LocalEndpoint().ToString());
    for (const auto& hash : info_hashes) (*service)->Track(hash, tcp_listening.port, on_peers);
    return std::move(*service);
}

}  // namespace tonari::torrent::session
