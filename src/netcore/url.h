// URLs as the HTTP client and server need them: splitting "scheme://host:port/path?query",
// percent-encoding of arbitrary bytes (a BitTorrent info-hash travels that way) and reading a
// query string back into decoded pairs. Pure code; errors as values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/percent.h"
#include "util/result.h"

namespace tonari::netcore {

struct Url {
    std::string scheme;  // lower-cased: "http", "udp"
    std::string host;    // "tracker.example", "127.0.0.1", "::1" (brackets removed)
    uint16_t port = 0;   // the scheme's default when absent (http 80, https 443); 0 if none
    std::string target;  // "/announce?x=1" ("/" when absent)
};

// Attack: a URL from a .torrent or a magnet link long enough to be a memory problem.
inline constexpr size_t MAX_URL_BYTES = 4096;

util::Result<Url, std::string> ParseUrl(std::string_view text);

// Percent-encoding itself is util::PercentEncode / util::PercentDecode (util/percent.h).
// "a=1&b=%20" -> {{"a","1"},{"b"," "}}; the query is what follows '?' in a target. At most
// `max_pairs` are read (attack: a query with a million parameters); an error on bad escapes.
util::Result<std::vector<std::pair<std::string, std::string>>, std::string> ParseQuery(std::string_view query,
                                                                                      size_t max_pairs = 64);

}  // namespace tonari::netcore
