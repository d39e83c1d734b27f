// HttpServer: a small HTTP/1.1 server for the JSON-RPC interface. One io thread owns every
// socket; requests are handed to a fixed pool of worker threads (so a slow RPC such as
// mining 1,000 blocks never stalls other connections) and the answer is written back by the
// io thread. Keep-alive, idle deadlines, an allow-list of client subnets, and bounded
// connections, request heads, bodies and queued work.
// Thread-safety: Start/Stop from one owning thread; the handler runs on worker threads, so it
// must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "netcore/http_message.h"
#include "netcore/subnet.h"
#include "util/result.h"

namespace tonari::netcore {

// More simultaneous connections than this are closed on accept: file-descriptor exhaustion
// by a client that opens sockets and never sends anything.
inline constexpr size_t MAX_HTTP_CONNECTIONS = 128;

struct HttpEndpoint {
    std::string address;  // "127.0.0.1", "::1", "0.0.0.0"
    uint16_t port = 0;    // 0: the system picks a free port (see HttpServer::Endpoints)
};

struct HttpServerOptions {
    std::vector<HttpEndpoint> bind;
    std::vector<Subnet> allow;  // clients allowed; others get 403
    size_t max_body_bytes = 32 * 1024 * 1024;
    // A connection that sends nothing for this long is closed (Bitcoin Core's -rpcservertimeout).
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
    size_t worker_threads = 4;  // Bitcoin Core's -rpcthreads
    // Requests waiting for a worker beyond this depth get 503 (Bitcoin Core's -rpcworkqueue):
    // a flood of requests cannot queue unbounded memory.
    size_t work_queue_depth = 64;
};

struct HttpClientInfo {
    std::string address;  // remote address as text
    uint16_t port = 0;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&, const HttpClientInfo&)>;

class HttpServer {
public:
    // Binds every endpoint (failing if none binds) and starts serving.
    static util::Result<std::unique_ptr<HttpServer>, std::string> Start(const HttpServerOptions& options,
                                                                        HttpHandler handler);
    virtual ~HttpServer() = default;

    // The endpoints actually bound ("127.0.0.1:18443"), with the ports chosen by the system.
    virtual std::vector<HttpEndpoint> Endpoints() const = 0;
    // Stops accepting, lets requests already being answered finish (up to `grace`), closes
    // everything and joins the threads. Idempotent.
    virtual void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5)) = 0;
};

}  // namespace tonari::netcore
