// Following other dashboards' event streams and relaying them.
#include "web/watch_relay.h"

#include <cctype>

#include "netcore/http_client.h"

namespace tonari::web {

util::Result<std::unique_ptr<WatchRelay>, std::string> WatchRelay::Start(events::EventBus& bus, const std::vector<std::string>& urls,
                                                                         LogFn log) {
    if (urls.size() > MAX_WATCHED) return util::Fail("at most " + std::to_string(MAX_WATCHED) + " nodes can be watched");
    std::unique_ptr<WatchRelay> relay(new WatchRelay(bus, std::move(log)));
    for (const auto& text : urls) {
        auto url = netcore::ParseUrl(text);
        if (!url || url->scheme != "http") return util::Fail("not a plain http:// dashboard URL: " + text);
        auto w = std::make_unique<Watched>();
        for (const char c : url->host + ":" + std::to_string(url->port)) {
            if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-' || c == '[' || c == ']') w->name += c;
        }
        w->base = *url;
        relay->m_watched.push_back(std::move(w));
    }
    for (auto& w : relay->m_watched) {
        Watched* raw = w.get();
        WatchRelay* self = relay.get();
        w->thread = std::thread([self, raw] { self->Follow(*raw); });
    }
    return relay;
}

WatchRelay::~WatchRelay() { Stop(); }

void WatchRelay::Cancel() {
    m_stop = true;
    for (auto& w : m_watched) w->cancel = true;
}

void WatchRelay::Stop() {
    m_stop = true;
    for (auto& w : m_watched) w->cancel = true;
    for (auto& w : m_watched) {
        if (w->thread.joinable()) w->thread.join();
    }
}

void WatchRelay::Follow(Watched& w) {
    std::string pending;  // a record not yet ended by a blank line
    bool too_long = false;
    while (!m_stop) {
        netcore::Url events = w.base;
        events.target = "/api/events";
        netcore::HttpStreamOptions options;
        if (w.last_id > 0) options.extra_headers = "Last-Event-ID: " + std::to_string(w.last_id) + "\r\n";
        pending.clear();
        too_long = false;
        w.cancel = m_stop.load();  // a Stop from here on sets it again
        auto ended = netcore::HttpGetStream(
            events, options,
            [&](std::string_view body) {
                if (too_long) return;
                pending.append(body);
                size_t at;
                while ((at = pending.find("\n\n")) != std::string::npos) {
                    if (!w.online.exchange(true)) {
                        m_bus.Publish("relay_status", "{\"node\":\"" + w.name + "\",\"online\":true}");
                        if (m_log) m_log("dashboard: following " + w.name);
                    }
                    Dispatch(w, pending.substr(0, at));
                    pending.erase(0, at + 2);
                }
                if (pending.size() > MAX_RELAYED_LINE) {
                    too_long = true;
                    w.cancel = true;
                }
            },
            &w.cancel);
        if (m_stop) break;
        if (w.online.exchange(false)) {
            std::string why = too_long ? std::string("an event over 64 KiB") : ended ? std::string() : ended.error();
            for (char& c : why) {
                if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = ' ';
            }
            m_bus.Publish("relay_status", "{\"node\":\"" + w.name + "\",\"online\":false,\"error\":\"" + why + "\"}");
            if (m_log) m_log("dashboard: lost " + w.name + " (" + why + "); reconnecting");
        }
        for (auto waited = std::chrono::milliseconds(0); waited < RECONNECT_DELAY && !m_stop; waited += std::chrono::milliseconds(100)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

void WatchRelay::Dispatch(Watched& w, const std::string& record) {
    std::string id;
    std::string data;
    bool named = false;
    size_t start = 0;
    while (start <= record.size()) {
        const size_t end = std::min(record.find('\n', start), record.size());
        const std::string_view line(record.data() + start, end - start);
        if (line.rfind("id: ", 0) == 0) id = std::string(line.substr(4));
        if (line.rfind("data: ", 0) == 0) data = std::string(line.substr(6));
        if (line.rfind("event: ", 0) == 0) named = true;  // hello / reset: not relayed
        start = end + 1;
    }
    if (named || data.empty() || data.front() != '{' || id.empty() || id.find_first_not_of("0123456789") != std::string::npos ||
        id.size() > 19) {
        return;
    }
    w.last_id = std::stoull(id);
    m_bus.Publish("relay", "{\"node\":\"" + w.name + "\",\"event\":" + data + "}");
}

std::string WatchRelay::StateJson() const {
    std::string out = "[";
    for (const auto& w : m_watched) {
        netcore::Url state = w->base;
        state.target = "/api/state";
        netcore::HttpGetOptions options;
        options.timeout = std::chrono::seconds(1);
        options.max_body_bytes = 1 << 20;
        const auto got = netcore::HttpGet(state, options);
        const bool ok = got && got->status == 200 && !got->body.empty() && got->body.front() == '{';
        if (out.size() > 1) out += ",";
        out += "{\"node\":\"" + w->name + "\",\"online\":" + (w->online ? "true" : "false") +
               ",\"state\":" + (ok ? got->body : std::string("null")) + "}";
    }
    return out + "]";
}

netcore::HttpResponse WatchRelay::Forward(const RpcCall& call) const {
    for (const auto& w : m_watched) {
        if (w->name != call.node) continue;
        const std::string& host = w->base.host;
        if (!(host.starts_with("127.") || host == "::1" || host == "localhost")) {
            return netcore::TextResponse(403, "text/plain; charset=utf-8",
                                         "Calls are passed only to watched nodes on this machine; " + w->name + " is not.\n");
        }
        netcore::Url target = w->base;
        target.target = "/api/rpc" + (call.target == "/" ? std::string() : call.target);
        netcore::HttpPostRequest post;
        post.body = call.body;
        if (call.authorization) post.extra_headers = "Authorization: " + *call.authorization + "\r\n";
        netcore::HttpGetOptions options;
        options.timeout = RPC_FORWARD_TIMEOUT;
        options.max_body_bytes = MAX_FORWARDED_ANSWER_BYTES;
        const auto got = netcore::HttpPost(target, post, options, &m_stop);
        if (!got) return netcore::TextResponse(502, "text/plain; charset=utf-8", w->name + " cannot be reached: " + got.error() + "\n");
        if (got->status < 200 || got->status > 599 || (got->status >= 300 && got->status < 400)) {
            return netcore::TextResponse(502, "text/plain; charset=utf-8", w->name + " answered HTTP " + std::to_string(got->status) + "\n");
        }
        const bool json = !got->body.empty() && (got->body.front() == '{' || got->body.front() == '[');
        return netcore::TextResponse(got->status, json ? "application/json" : "text/plain; charset=utf-8", got->body);
    }
    return netcore::TextResponse(404, "text/plain; charset=utf-8", "No watched node is called " + call.node + ".\n");
}

}  // namespace tonari::web
