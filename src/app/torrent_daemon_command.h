// `tonari torrent daemon`: many torrents at once, kept across restarts, driven over
// Transmission's RPC protocol (transmission-remote and the front-ends written for it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "torrent/session/session.h"

namespace tonari::app {

struct DaemonCommandOptions {
    std::string datadir;
    std::string download_dir;             // empty: <datadir>/downloads
    std::string rpcbind = "127.0.0.1";
    uint16_t rpcport = 9091;              // Transmission's
    std::vector<std::string> rpcallowip;  // subnets beyond loopback
    std::string rpcuser;
    std::string rpcpassword;
    std::vector<std::string> rpcauth;     // "user:salt$hash", as bitcoind's -rpcauth
    std::string bind = "0.0.0.0";         // where torrents take peers
    torrent::session::SessionOptions session;
};

// Serves until SIGINT/SIGTERM. Returns the exit code.
int RunTorrentDaemon(const DaemonCommandOptions& options);

}  // namespace tonari::app
