// `tonari torrent dht-node`: a standalone BitTorrent DHT node (BEP 5) with no torrents of its
// own — a bootstrap node for a private network of peers, or one more node for the public DHT.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "netcore/peer_network.h"

namespace tonari::app {

struct DhtNodeCommandOptions {
    std::string bind = "0.0.0.0";
    uint16_t port = 6881;
    std::vector<netcore::PeerEndpoint> routers;  // empty: none (this node is the first)
    std::filesystem::path nodes_file;
};

// Serves until SIGINT/SIGTERM, printing its state when it changes. Returns the exit code.
int RunDhtNode(const DhtNodeCommandOptions& options);

}  // namespace tonari::app
