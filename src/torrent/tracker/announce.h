// The HTTP tracker protocol as values (BEP 3 announce, BEP 23 compact peers, BEP 7 IPv6 peers,
// BEP 48 scrape): the query a client sends and the bencoded answers it reads back. Pure code,
// fuzzed; the talking is in announcer.h, the serving in tracker_server.h.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netcore/compact_endpoint.h"
#include "netcore/peer_network.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::torrent::tracker {

using Hash20 = std::array<uint8_t, 20>;

// Attack: an answer listing a million peers, each becoming a connection attempt and memory.
inline constexpr size_t MAX_PEERS_PER_RESPONSE = 2000;
// Attack: a tracker saying "interval 0" to make every client hammer it (and us with it).
inline constexpr int64_t MIN_ANNOUNCE_INTERVAL_S = 10;
inline constexpr int64_t MAX_ANNOUNCE_INTERVAL_S = 24 * 3600;
inline constexpr int64_t DEFAULT_ANNOUNCE_INTERVAL_S = 1800;

enum class AnnounceEvent : uint8_t { None, Completed, Started, Stopped };  // BEP 15's numbering
const char* EventName(AnnounceEvent event);  // "", "completed", "started", "stopped"

struct AnnounceRequest {
    Hash20 info_hash{};
    Hash20 peer_id{};
    uint16_t port = 0;
    uint64_t uploaded = 0;
    uint64_t downloaded = 0;
    uint64_t left = 0;
    AnnounceEvent event = AnnounceEvent::None;
    uint32_t key = 0;  // lets the tracker know us across address changes
    int32_t numwant = 50;
};

// `base_target` is the announce URL's path and query ("/announce", "/a?passkey=x"); the
// announce parameters are appended, the info-hash and peer id percent-encoded byte by byte.
std::string AnnounceTarget(const std::string& base_target, const AnnounceRequest& request);

struct AnnounceResponse {
    int64_t interval = DEFAULT_ANNOUNCE_INTERVAL_S;  // clamped to the bounds above
    int64_t min_interval = 0;
    std::optional<int64_t> complete;    // seeds
    std::optional<int64_t> incomplete;  // leechers
    std::string warning;
    std::string tracker_id;
    std::vector<netcore::PeerEndpoint> peers;  // compact (BEP 23), peers6 (BEP 7) or dicts
};

// A "failure reason" is an error whose text is the tracker's own.
util::Result<AnnounceResponse, std::string> ParseAnnounceResponse(util::ByteSpan body);

// BEP 48: the scrape target from an announce target, when its last path segment begins with
// "announce" ("/x/announce.php?k=1" -> "/x/scrape.php?k=1"); nullopt when scrape is not offered.
std::optional<std::string> ScrapeTarget(const std::string& announce_target);
// The scrape query for these info-hashes, appended to a scrape target.
std::string ScrapeQuery(const std::string& scrape_target, const std::vector<Hash20>& info_hashes);

struct ScrapeEntry {
    int64_t complete = 0;    // seeds
    int64_t downloaded = 0;  // completed downloads ever
    int64_t incomplete = 0;  // leechers
};
util::Result<std::map<Hash20, ScrapeEntry>, std::string> ParseScrapeResponse(util::ByteSpan body);


}  // namespace tonari::torrent::tracker
