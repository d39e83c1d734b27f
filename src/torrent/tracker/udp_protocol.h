// The UDP tracker protocol (BEP 15) as values: connect, announce, scrape and error packets in
// both directions, so the same code serves the client (announcer.h) and the tracker
// (tracker_server.h). Pure code, fuzzed. All integers big-endian.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "torrent/tracker/announce.h"
#include "util/bytes.h"

namespace tonari::torrent::tracker::udp {

inline constexpr uint64_t PROTOCOL_ID = 0x41727101980ull;  // the connect request's magic
enum class Action : uint32_t { Connect = 0, Announce = 1, Scrape = 2, Error = 3 };
// BEP 15: a scrape packet holds at most about 74 info-hashes.
inline constexpr size_t MAX_SCRAPE_HASHES = 74;
// BEP 15's retransmission: wait 15 * 2^n seconds before attempt n + 1.
inline constexpr int64_t RETRANSMIT_BASE_S = 15;
// A connection id may be used for a minute by the client; the tracker accepts it for two.
inline constexpr int64_t CONNECTION_ID_LIFETIME_S = 60;

struct ConnectRequest {
    uint32_t transaction = 0;
};
struct ConnectResponse {
    uint32_t transaction = 0;
    uint64_t connection_id = 0;
};
struct AnnouncePacket {
    uint64_t connection_id = 0;
    uint32_t transaction = 0;
    AnnounceRequest request;
};
struct AnnounceReply {
    uint32_t transaction = 0;
    uint32_t interval = 0;
    uint32_t leechers = 0;
    uint32_t seeders = 0;
    std::vector<netcore::PeerEndpoint> peers;
};
struct ScrapePacket {
    uint64_t connection_id = 0;
    uint32_t transaction = 0;
    std::vector<Hash20> info_hashes;
};
struct ScrapeReply {
    uint32_t transaction = 0;
    std::vector<ScrapeEntry> entries;  // in the order asked
};
struct ErrorReply {
    uint32_t transaction = 0;
    std::string message;
};

using Request = std::variant<ConnectRequest, AnnouncePacket, ScrapePacket>;
using Reply = std::variant<ConnectResponse, AnnounceReply, ScrapeReply, ErrorReply>;

util::Bytes Encode(const Request& request);
// `ipv6` chooses the peer width of an announce reply (18 bytes when answering over IPv6).
util::Bytes Encode(const Reply& reply, bool ipv6);

// What a tracker receives. nullopt for anything malformed (a tracker answers nothing then).
std::optional<Request> DecodeRequest(util::ByteSpan packet);
// What a client receives; `ipv6` as the socket the reply came on.
std::optional<Reply> DecodeReply(util::ByteSpan packet, bool ipv6);

}  // namespace tonari::torrent::tracker::udp
