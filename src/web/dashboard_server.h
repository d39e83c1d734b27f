// DashboardServer: the web dashboard a node serves on its own port — the page and its assets
// (embedded in the binary at build time: nothing is fetched from anywhere), `GET /api/state`
// (a JSON snapshot carrying the bus's epoch and the last event id it includes) and
// `GET /api/events` (server-sent events from that id on; see sse_stream.h). Read-only: the
// page's buttons call the node's JSON-RPC, with its authentication. What it shows is not
// secret from whoever may connect (loopback by default): the node's peers and which
// transactions it sent itself.
//
// Defences: loopback only unless allowed subnets are given (netcore's allow-list); a Host
// header that is not an IP literal or "localhost" gets 403 (DNS rebinding, host_check.h); at
// most MAX_STREAMS event streams at once (each holds a socket); a stalled page is dropped by
// the server's write deadline; only GET; requests that browsers mark as coming from another site
// (Sec-Fetch-Site, Origin) are refused, so a foreign page cannot hold our streams.
//
// Thread-safety: Start/Stop from the owner; requests are served on the server's threads.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "events/event_bus.h"
#include "netcore/http_server.h"
#include "util/result.h"

namespace tonari::web {

// Attack: a page (or a script) opening event streams until the node runs out of sockets.
inline constexpr size_t MAX_STREAMS = 16;

struct DashboardOptions {
    std::vector<netcore::HttpEndpoint> bind;  // e.g. 127.0.0.1:PORT
    std::vector<netcore::Subnet> allow;       // who may connect (loopback always)
    // The node's state as a JSON object's text; called on a server thread.
    std::function<std::string()> state;
    // The watched nodes' states as a JSON array's text (WatchRelay::StateJson); empty: none.
    std::function<std::string()> watched;
};

class DashboardServer {
public:
    static util::Result<std::unique_ptr<DashboardServer>, std::string> Start(DashboardOptions options, const events::EventBus& bus);
    ~DashboardServer();

    std::vector<netcore::HttpEndpoint> Endpoints() const;
    // Event streams open now: nobody watching means nothing worth sampling.
    size_t Watchers() const { return *m_streams; }
    void Stop();

    // The answer to one request (what the server's handler calls; tests call it directly).
    netcore::HttpResponse Handle(const netcore::HttpRequest& request);

private:
    DashboardServer(DashboardOptions options, const events::EventBus& bus);

    DashboardOptions m_options;
    const events::EventBus& m_bus;
    std::shared_ptr<std::atomic<size_t>> m_streams = std::make_shared<std::atomic<size_t>>(0);
    std::unique_ptr<netcore::HttpServer> m_server;
};

}  // namespace tonari::web
