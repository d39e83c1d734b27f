// `tonari torrent …`: the BitTorrent commands (create, info; downloading and seeding come
// with the peer wire). argv[0] is "torrent". Returns the process exit code.
#pragma once

namespace tonari::app {

int RunTorrent(int argc, char** argv);

}  // namespace tonari::app
