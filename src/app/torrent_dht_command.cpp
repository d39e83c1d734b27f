// The dht-node command: a DhtService tracking no torrent, its numbers printed every 2 s when
// they moved, a clean stop on a signal (which saves the nodes it knows).
#include "app/torrent_dht_command.h"

#include <iostream>

#include "app/stop_signals.h"
#include "torrent/dht/dht_service.h"

namespace tonari::app {

int RunDhtNode(const DhtNodeCommandOptions& o) {
    StopSignals signals;
    torrent::dht::DhtServiceOptions d;
    d.bind = {o.bind, o.port};
    d.routers = o.routers;
    d.nodes_file = o.nodes_file;
    d.log = [](const std::string& line) { std::cerr << line << std::endl; };
    auto service = torrent::dht::DhtService::Start(std::move(d));
    if (!service) {
        std::cerr << "error: " << service.error() << "\n";
        return 1;
    }
    std::cout << "dht node: udp " << (*service)->LocalEndpoint().ToString() << " ("
              << (o.routers.empty() ? std::string("no routers: others bootstrap from it")
                                    : std::to_string(o.routers.size()) + " routers")
              << ")" << std::endl;
    torrent::dht::DhtStats last{};
    while (signals.WaitFor(std::chrono::seconds(2)) == 0) {
        const auto s = (*service)->Stats();
        if (s.nodes == last.nodes && s.queries_received == last.queries_received && s.stored_peers == last.stored_peers) {
            continue;
        }
        std::cout << "dht node: " << s.nodes << " nodes, " << s.stored_peers << " peers of " << s.stored_torrents
                  << " torrents stored; " << s.queries_received << " queries in (" << s.rate_limited
                  << " over the rate limit, " << s.malformed << " malformed), " << s.queries_sent << " out" << std::endl;
        last = s;
    }
    (*service)->Stop();
    std::cout << "dht node: stopped" << std::endl;
    return 0;
}

}  // namespace tonari::app
