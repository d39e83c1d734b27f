// Reading an HTTP/1.x response from bytes as they arrive: the client side of netcore's HTTP,
// used to talk to BitTorrent trackers (and anything else the node fetches). Pure code with no
// I/O, so it is unit-tested and fuzzed directly. Never trusts its input: the head and the body
// are bounded, and a body is delimited by Content-Length, chunked coding or the connection's end.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tonari::netcore {

struct HttpClientResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;

    std::optional<std::string_view> Header(std::string_view name) const;
};

enum class HttpParseState { NeedMore, Done, Error };

struct HttpResponseParse {
    HttpParseState state = HttpParseState::NeedMore;
    HttpClientResponse response;  // when Done
    std::string error;            // when Error
};

// Parses everything received so far. `eof` says the server closed the connection, which ends a
// body that had neither a length nor chunks. A head over MAX_HEADER_BYTES or a body over
// `max_body` is an error (a server, or whoever answers in its place, streaming without end).
HttpResponseParse ParseHttpResponse(std::string_view received, bool eof, size_t max_body);

}  // namespace tonari::netcore
