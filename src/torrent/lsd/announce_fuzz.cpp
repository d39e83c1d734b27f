// libFuzzer target: BEP 14 announces as any host on the local network may multicast them. Must
// never crash; an accepted announce has a port, 1 to MAX_HASHES_PER_ANNOUNCE hashes, and
// survives encoding and parsing again unchanged.
#include <cstdint>
#include <cstdlib>

#include "torrent/lsd/announce.h"

using namespace tonari::torrent::lsd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto a = ParseAnnounce(tonari::util::ByteSpan(data, size));
    if (!a) return 0;
    if (a->port == 0 || a->info_hashes.empty() || a->info_hashes.size() > MAX_HASHES_PER_ANNOUNCE) std::abort();
    Announce clean = *a;
    // A cookie is kept as sent (trimmed); one with line breaks cannot be re-encoded faithfully.
    if (clean.cookie.find_first_of("\r\n") != std::string::npos) clean.cookie.clear();
    const std::string text = EncodeAnnounce(clean, "239.192.152.143:6771");
    if (text.size() > MAX_ANNOUNCE_BYTES) return 0;
    const auto again = ParseAnnounce(tonari::util::AsBytes(text));
    if (!again || again->port != a->port || again->info_hashes != a->info_hashes) std::abort();
    return 0;
}
