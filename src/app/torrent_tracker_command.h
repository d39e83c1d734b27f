// `tonari torrent tracker`: a small BitTorrent tracker over HTTP and UDP on one port, so a
// swarm can run with no outside service (the demo and the tests use it).
#pragma once

#include <cstdint>
#include <string>

namespace tonari::app {

struct TrackerCommandOptions {
    std::string bind = "0.0.0.0";
    uint16_t port = 6969;
    int64_t interval_s = 1800;
    bool udp = true;
};

// Serves until SIGINT/SIGTERM. Returns the process exit code.
int RunTrackerServer(const TrackerCommandOptions& options);

}  // namespace tonari::app
