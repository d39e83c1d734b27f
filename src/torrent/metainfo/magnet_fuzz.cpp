// libFuzzer target: magnet link parsing. Must never crash; an accepted link carries a hash
// and survives formatting and parsing again with the same hashes, trackers and peers.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "torrent/metainfo/magnet.h"

using namespace tonari::torrent::metainfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto link = ParseMagnet(text);
    if (!link) return 0;
    if (!link->info_hashes.v1 && !link->info_hashes.v2) std::abort();
    if (link->trackers.size() > MAX_MAGNET_TRACKERS || link->peers.size() > MAX_MAGNET_PEERS) std::abort();
    const auto again = ParseMagnet(ToMagnet(*link));
    if (!again) return 0;  // a formatted link may exceed the length limit; nothing more to check
    if (again->info_hashes != link->info_hashes || again->trackers != link->trackers) std::abort();
    return 0;
}
