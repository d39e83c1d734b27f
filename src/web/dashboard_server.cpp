// Routing for the dashboard: assets, state, events.
#include "web/dashboard_server.h"

#include <cstdlib>

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

}  // namespace

DashboardServer::DashboardServer(DashboardOptions options, const events::EventBus& bus) : m_options(std::move(options)), m_bus(bus) {}

DashboardServer::~DashboardServer() { Stop(); }

util::Result<std::unique_ptr<DashboardServer>, std::string> DashboardServer::Start(DashboardOptions options, const events::EventBus& bus) {
    std::unique_ptr<DashboardServer> server(new DashboardServer(std::move(options), bus));
    netcore::HttpServerOptions http;
    http.bind = server->m_options.bind;
    http.allow = server->m_options.allow;
    http.max_body_bytes = 4096;  // GET only: nothing to upload
    http.worker_threads = 2;
    http.work_queue_depth = 32;
    DashboardServer* raw = server.get();
    auto started = netcore::HttpServer::Start(http, [raw](const netcore::HttpRequest& request, const netcore::HttpClientInfo&) {
        return raw->Handle(request);
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

netcore::HttpResponse DashboardServer::Handle(const netcore::HttpRequest& request) {
    if (!HostAllowed(request.Header("host"))) {
        return Text(403, "The dashboard answers only to an IP address or localhost in the Host header.\n");
    }
    if (request.method != "GET") {
        auto r = Text(405, "The dashboard is read-only: GET only.\n");
        r.headers.emplace_back("Allow", "GET");
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
