// libFuzzer target: everything a tracker or a tracker's client reads from the network — HTTP
// announce and scrape answers, BEP 15 packets both ways, and the tracker's own handling of
// announce/scrape queries and UDP packets — must never crash and must stay within its bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "torrent/tracker/announce.h"
#include "torrent/tracker/tracker_server.h"
#include "torrent/tracker/udp_protocol.h"

using namespace tonari;
using namespace tonari::torrent::tracker;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const util::ByteSpan input(data, size);
    if (auto r = ParseAnnounceResponse(input); r && r->peers.size() > MAX_PEERS_PER_RESPONSE) std::abort();
    (void)ParseScrapeResponse(input);
    (void)udp::DecodeReply(input, false);
    (void)udp::DecodeReply(input, true);
    if (auto request = udp::DecodeRequest(input)) {
        // What decodes must encode back to the same bytes (BEP 41 options aside).
        const util::Bytes again = udp::Encode(*request);
        if (again.size() > size) std::abort();
    }

    // The tracker answering this input as a UDP packet and as an HTTP target, twice (the
    // second time with the swarm the first one may have created).
    static Tracker tracker(TrackerOptions{60, 1});
    static int64_t now = 0;
    ++now;
    (void)tracker.Udp(input, {"10.0.0.1", 6881}, now);
    tonari::netcore::HttpRequest get;
    get.method = "GET";
    get.target = std::string(reinterpret_cast<const char*>(data), size);
    for (int i = 0; i < 2; ++i) (void)tracker.Http(get, "10.0.0.2", now);
    if (tracker.Stats().torrents > MAX_TRACKED_TORRENTS) std::abort();
    return 0;
}
