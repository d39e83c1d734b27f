// A small blocking HTTP/1.1 GET for the node's own outgoing requests (BitTorrent tracker
// announces and scrapes): one request per connection, a deadline over the whole exchange, a
// bounded response, and a cancel flag checked while waiting so a stopping program never hangs
// on a silent server. Runs on the caller's thread with its own short-lived io context; Asio
// stays inside the .cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "netcore/http_response_parser.h"
#include "netcore/url.h"
#include "util/result.h"

namespace tonari::netcore {

struct HttpGetOptions {
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
    // A tracker answer is a few KiB; more than this is a server (or an impostor) streaming.
    size_t max_body_bytes = 1024 * 1024;
    std::string user_agent = "Tonari/0.1.0";
};

// GET url.target from url.host:url.port over plain HTTP. Any status is returned as a value;
// errors (resolve, connect, timeout, cancelled, malformed or oversized response) as text.
util::Result<HttpClientResponse, std::string> HttpGet(const Url& url, const HttpGetOptions& options,
                                                      const std::atomic<bool>* cancel = nullptr);

}  // namespace tonari::netcore
