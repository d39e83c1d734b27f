// Routing for the dashboard: assets, state, events, and the buttons' calls.
#include "web/dashboard_server.h"

#include <cstdlib>

#include "netcore/url.h"
#include "web/host_check.h"
#include "web/sse_stream.h"
#include "web/web_assets.h"

namespace tonari::web {
namespace {

netcore::HttpResponse Text(int status, std::string body) {
    return netcore::TextResponse(status, "text/plain; charset=utf-8", std::move(body));
}

// Counts an open event stream for as long as the server holds it.
class CountedStream final : public netcore::HttpStream {
public:
    CountedStream(const events::EventBus& bus, uint64_t last, std::shared_ptr<std::atomic<size_t>> count)
        : m_inner(bus, last), m_count(std::move(count)) {}
    ~CountedStream() override { --*m_count; }
    std::string Take() override { return m_inner.Take(); }
    bool Finished() const override { return m_inner.Finished(); }

private:
    SseStream m_inner;
    std::shared_ptr<std::atomic<size_t>> m_count;
};

// "Last-Event-ID: 42" (a reconnecting EventSource) or "?last_event_id=42" (a first connection
// resuming from /api/state); anything else starts at the newest event.
uint64_t LastSeen(const netcore::HttpRequest& request, std::string_view query, uint64_t newest) {
    std::string text;
    if (auto header = request.Header("last-event-id")) {
        text = std::string(*header);
    } else if (const size_t at = query.find("last_event_id="); at != std::string_view::npos) {
        text = std::string(query.substr(at + 14, query.find('&', at) == std::string_view::npos ? std::string_view::npos
                                                                                                 : query.find('&', at) - at - 14));
    } else {
        return newest;
    }
    if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) return newest;
    return std::strtoull(text.c_str(), nullptr, 10);
}

// An address on this machine, as the HTTP server writes a client's address.
bool IsLoopbackText(const std::string& address) {
    return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

// Counts a call in flight for as long as it is answered.
class CallSlot {
public:
    explicit CallSlot(std::atomic<size_t>& calls) : m_calls(calls), m_taken(calls.fetch_add(1) < MAX_CALLS_IN_FLIGHT) {}
    ~CallSlot() { --m_calls; }
    CallSlot(const CallSlot&) = delete;
    CallSlot& operator=(const CallSlot&) = delete;
    bool Taken() const { return m_taken; }

private:
    std::atomic<size_t>& m_calls;
    bool m_taken;
};

}  // namespace

DashboardServer::DashboardServer(DashboardOptions options, const events::EventBus& bus) : m_options(std::move(options)), m_bus(bus) {}

DashboardServer::~DashboardServer() { Stop(); }

util::Result<std::unique_ptr<DashboardServer>, std::string> DashboardServer::Start(DashboardOptions options, const events::EventBus& bus) {
    std::unique_ptr<DashboardServer> server(new DashboardServer(std::move(options), bus));
    netcore::HttpServerOptions http;
    http.bind = server->m_options.bind;
    http.allow = server->m_options.allow;
    http.max_body_bytes = MAX_RPC_BODY_BYTES;  // the only upload: a button's JSON-RPC call
    http.worker_threads = DASHBOARD_WORKERS;
    http.work_queue_depth = DASHBOARD_QUEUE_DEPTH;
    DashboardServer* raw = server.get();
    auto started = netcore::HttpServer::Start(http, [raw](const netcore::HttpRequest& request, const netcore::HttpClientInfo& client) {
        return raw->Handle(request, IsLoopbackText(client.address));
    });
    if (!started) return util::Fail("dashboard: " + started.error());
    server->m_server = std::move(*started);
    return server;
}

std::vector<netcore::HttpEndpoint> DashboardServer::Endpoints() const {
    return m_server ? m_server->Endpoints() : std::vector<netcore::HttpEndpoint>{};
}

void DashboardServer::Stop() {
    if (m_server) m_server->Stop(std::chrono::milliseconds(500));
}

netcore::HttpResponse DashboardServer::Handle(const netcore::HttpRequest& request, bool from_loopback) {
    if (!HostAllowed(request.Header("host"))) {
        return Text(403, "The dashboard answers only to an IP address or localhost in the Host header.\n");
    }
    const bool rpc_path = request.target == "/api/rpc" || request.target.starts_with("/api/rpc?") ||
                          request.target.starts_with("/api/rpc/");
    if (request.method != "GET" && !(request.method == "POST" && rpc_path)) {
        auto r = Text(405, rpc_path ? "Calls go as POST.\n" : "GET only here; calls go to /api/rpc as POST.\n");
        r.headers.emplace_back("Allow", rpc_path ? "POST" : "GET");
        return r;
    }
    // Another site's page may not hold our streams or read our state through a browser: what
    // browsers say about where a request comes from must be this origin.
    if (auto site = request.Header("sec-fetch-site"); site && *site == "cross-site") {
        return Text(403, "The dashboard serves only its own page.\n");
    }
    if (auto origin = request.Header("origin")) {
        const auto host = request.Header("host");
        if (!host || (*origin != "http://" + std::string(*host) && *origin != "https://" + std::string(*host))) {
            return Text(403, "The dashboard serves only its own page.\n");
        }
    }
    const std::string_view target = request.target;
    const size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    if (rpc_path) {
        if (request.method != "POST") {
            auto r = Text(405, "Calls go as POST.\n");
            r.headers.emplace_back("Allow", "POST");
            return r;
        }
        if (!m_options.rpc) return Text(404, "This dashboard takes no calls.\n");
        // -dashboardallowip lets others look, not act: calls come from this machine, as the
        // RPC port's own default.
        if (!from_loopback) return Text(403, "Calls are taken from this machine only; use the RPC port.\n");
        // A JSON body: a type another site's form cannot send, and its script only after a
        // preflight this server refuses.
        const auto type = request.Header("content-type");
        if (!type || !type->starts_with("application/json")) return Text(415, "Calls are JSON-RPC (Content-Type: application/json).\n");
        if (!request.Header("authorization")) return Text(401, "Calls need the node's RPC user and password.\n");
        RpcCall call;
        const std::string_view rest = path.substr(8);  // after "/api/rpc"
        call.target = rest.empty() ? "/" : std::string(rest);
        auto params = netcore::ParseQuery(query);
        if (!params) return Text(400, "Bad query: " + params.error() + "\n");
        for (const auto& [key, value] : *params) {
            if (key == "node") call.node = value;
        }
        call.authorization = std::string(*request.Header("authorization"));
        call.body = request.body;
        const CallSlot slot(m_calls);
        if (!slot.Taken()) return Text(503, "Another call is being answered; try again.\n");
        auto r = m_options.rpc(call);
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    }
    if (path == "/api/state") {
        // The id first, the snapshot second: events between them are sent again, never missed.
        const uint64_t last = m_bus.LastId();
        const std::string node = m_options.state ? m_options.state() : std::string("{}");
        netcore::HttpResponse r;
        r.body = "{\"epoch\":\"" + m_bus.Epoch() + "\",\"last_event_id\":" + std::to_string(last) +
                 ",\"watchers\":" + std::to_string(Watchers()) + ",\"node\":" + node +
                 (m_options.watched ? ",\"watched\":" + m_options.watched() : std::string()) + "}";
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    }
    if (path == "/api/events") {
        if (m_streams->fetch_add(1) >= MAX_STREAMS) {
            --*m_streams;
            return Text(503, "Too many event streams open; close a dashboard tab.\n");
        }
        netcore::HttpResponse r;
        r.content_type = "text/event-stream";
        r.headers.emplace_back("Cache-Control", "no-store");
        r.stream = std::make_shared<CountedStream>(m_bus, LastSeen(request, query, m_bus.LastId()), m_streams);
        return r;
    }
    const Asset* asset = FindAsset(path == "/" ? std::string_view("/index.html") : path);
    if (asset == nullptr) return Text(404, "Not found.\n");
    netcore::HttpResponse r;
    r.content_type = std::string(asset->content_type);
    r.body = std::string(asset->body);
    // The page may run only its own scripts and talk only to where it came from.
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
}

}  // namespace tonari::web
