// `tonari torrent …`: the BitTorrent commands (create, info, get, seed). argv[0] is
// "torrent". Returns the process exit code.
#pragma once

namespace tonari::app {

int RunTorrent(int argc, char** argv);

}  // namespace tonari::app
