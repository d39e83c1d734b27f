// DashboardServer: the web dashboard a node serves on its own port — the page and its assets
// (embedded in the binary at build time: nothing is fetched from anywhere), `GET /api/state`
// (a JSON snapshot carrying the bus's epoch and the last event id it includes) and
// `GET /api/events` (server-sent events from that id on; see sse_stream.h). Looking needs no
// password; acting does: the page's buttons `POST /api/rpc` (or `/api/rpc/wallet/<name>`, with
// `?node=<name>` for a watched node), which the node hands to its JSON-RPC server — or a watched
// node's dashboard — with the browser's Authorization header, so the RPC's own credentials
// decide. Calls are taken from this machine only (loopback), whatever -dashboardallowip lets
// view. What it shows is not secret from whoever may connect (loopback by default): the node's
// peers, which transactions it sent itself, and its wallets' balances and latest payments.
//
// Defences: loopback only unless allowed subnets are given (netcore's allow-list); a Host
// header that is not an IP literal or "localhost" gets 403 (DNS rebinding, host_check.h); at
// most MAX_STREAMS event streams at once (each holds a socket); a stalled page is dropped by
// the server's write deadline; GET, and POST only to /api/rpc with a small JSON body (a type
// no other site's form can send without asking first); requests that browsers mark as coming
// from another site (Sec-Fetch-Site, Origin) are refused, so a foreign page can neither hold our
// streams nor make a browser act (CSRF); one call at a time, refused at once without
// credentials, so calls cannot take the workers the page's views need.
//
// Thread-safety: Start/Stop from the owner; requests are served on the server's threads.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/event_bus.h"
#include "netcore/http_server.h"
#include "util/result.h"

namespace tonari::web {

// Attack: a page (or a script) opening event streams until the node runs out of sockets.
inline constexpr size_t MAX_STREAMS = 16;
// Attack: a large upload to the one path that takes a body. A button's call is one small
// JSON-RPC request.
inline constexpr size_t MAX_RPC_BODY_BYTES = 16 * 1024;
// Attack: calls (each may wait on a watched node, or sleep out a failed login) holding every
// worker, so the page's state and streams go unanswered. More at once get 503.
inline constexpr size_t MAX_CALLS_IN_FLIGHT = 1;
// The server's workers and queue: a page makes a handful of requests at once.
inline constexpr size_t DASHBOARD_WORKERS = 2;
inline constexpr size_t DASHBOARD_QUEUE_DEPTH = 32;

// A call from the page's buttons: `node` empty for this node, else a watched node's name;
// `target` the RPC path ("/" or "/wallet/<name>"); the Authorization header as sent.
struct RpcCall {
    std::string node;
    std::string target;
    std::optional<std::string> authorization;
    std::string body;
};

struct DashboardOptions {
    std::vector<netcore::HttpEndpoint> bind;  // e.g. 127.0.0.1:PORT
    std::vector<netcore::Subnet> allow;       // who may connect (loopback always)
    // The node's state as a JSON object's text; called on a server thread.
    std::function<std::string()> state;
    // The watched nodes' states as a JSON array's text (WatchRelay::StateJson); empty: none.
    std::function<std::string()> watched;
    // Answers a button's call (the node's RPC server decides who may); empty: 404.
    std::function<netcore::HttpResponse(const RpcCall&)> rpc;
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
    // `from_loopback`: the client is on this machine (only such may call /api/rpc).
    netcore::HttpResponse Handle(const netcore::HttpRequest& request, bool from_loopback = true);

private:
    DashboardServer(DashboardOptions options, const events::EventBus& bus);

    DashboardOptions m_options;
    const events::EventBus& m_bus;
    std::shared_ptr<std::atomic<size_t>> m_streams = std::make_shared<std::atomic<size_t>>(0);
    std::atomic<size_t> m_calls{0};  // /api/rpc calls being answered
    std::unique_ptr<netcore::HttpServer> m_server;
};

}  // namespace tonari::web
