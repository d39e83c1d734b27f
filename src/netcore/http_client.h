// A small blocking HTTP/1.1 GET and POST for the node's own outgoing requests (BitTorrent
// tracker announces and scrapes, the dashboard's watched nodes and the calls its page makes to
// them), and a streamed GET for event streams: one request per connection, a deadline over the whole exchange, a
// bounded response, and a cancel flag checked while waiting so a stopping program never hangs
// on a silent server. Runs on the caller's thread with its own short-lived io context; Asio
// stays inside the .cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string_view>
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

struct HttpPostRequest {
    std::string content_type = "application/json";
    std::string body;
    std::string extra_headers;  // "Name: value\r\n" lines (Authorization…)
};

// POST a body; the answer as HttpGet's.
util::Result<HttpClientResponse, std::string> HttpPost(const Url& url, const HttpPostRequest& request,
                                                       const HttpGetOptions& options, const std::atomic<bool>* cancel = nullptr);

struct HttpStreamOptions {
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);  // until the response head
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(40);     // between body reads
    std::string extra_headers;  // "Name: value\r\n" lines (Last-Event-ID…)
    std::string user_agent = "Tonari/0.1.0";
};

// GET a body that never ends by itself (server-sent events): after a 200 head, each piece of
// the body is handed to on_body as it arrives, until the server closes, the body is silent for
// idle_timeout, or cancel is set. Always ends in an error saying which (the caller reconnects).
// No body bytes are held between calls: the caller bounds what it keeps.
util::Result<void, std::string> HttpGetStream(const Url& url, const HttpStreamOptions& options,
                                              const std::function<void(std::string_view)>& on_body,
                                              const std::atomic<bool>* cancel = nullptr);

}  // namespace tonari::netcore
