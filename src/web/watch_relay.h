// WatchRelay: one dashboard showing a whole network (-dashboardwatch=URL, repeatable). For each
// watched node a thread follows its /api/events and republishes every event on our bus as
//   relay {node: "127.0.0.1:8081", event: {id, type, time, data}}
// and says when the stream opens or drops with relay_status {node, online, error?}, so a
// browser holds a single stream however many nodes it watches (browsers allow six connections
// per host). A dropped stream is reopened every RECONNECT_DELAY, resuming after the last event
// relayed (a node restarted since answers with a reset and its oldest events). StateJson()
// fetches each watched node's /api/state for ours.
//
// Bounds: at most MAX_WATCHED nodes; an event line longer than MAX_RELAYED_LINE ends that
// stream (a watched node gone wrong must not fill our memory). Node names (host:port) keep only
// the characters a host and port are made of.
//
// Thread-safety: the constructor starts the threads, Stop (or the destructor) joins them;
// StateJson may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/event_bus.h"
#include "web/dashboard_server.h"
#include "netcore/url.h"
#include "util/result.h"

namespace tonari::web {

inline constexpr size_t MAX_WATCHED = 16;
inline constexpr size_t MAX_RELAYED_LINE = 64 * 1024;
inline constexpr auto RECONNECT_DELAY = std::chrono::seconds(2);
// Attack: a watched node that never answers a forwarded call, holding the dashboard's call slot
// (MAX_CALLS_IN_FLIGHT). Mining one regtest block is quick.
inline constexpr auto RPC_FORWARD_TIMEOUT = std::chrono::seconds(10);
// Attack: a watched node answering a call with an endless body. A button's answer is small.
inline constexpr size_t MAX_FORWARDED_ANSWER_BYTES = 1 << 20;

class WatchRelay {
public:
    using LogFn = std::function<void(const std::string&)>;

    // Each URL is a dashboard's base ("http://127.0.0.1:8081/"). Errors name the bad one.
    static util::Result<std::unique_ptr<WatchRelay>, std::string> Start(events::EventBus& bus,
                                                                        const std::vector<std::string>& urls, LogFn log);
    ~WatchRelay();
    void Stop();

    // [{"node", "online", "state": <its /api/state>|null}], fetched now (1 s each at most).
    std::string StateJson() const;
    // A button's call for watched node `call.node`, passed to its dashboard's /api/rpc with the
    // same Authorization header (its RPC credentials decide). Only to watched nodes on this
    // machine: the password must not cross a network in clear, nor reach a node elsewhere that
    // would learn it. 404 for a node not watched, 403 for one elsewhere, 502 when it cannot be
    // reached or answers oddly. The answer is passed on as JSON (or plain text), never with the
    // watched node's own headers.
    netcore::HttpResponse Forward(const RpcCall& call) const;
    // Makes every exchange in progress give up (Forward's too) without waiting for the threads:
    // before the dashboard's server joins its workers.
    void Cancel();

private:
    struct Watched {
        std::string name;  // host:port
        netcore::Url base;
        std::atomic<bool> online{false};
        std::atomic<bool> cancel{false};  // ends its stream: Stop, or an oversized event
        uint64_t last_id = 0;  // its thread only
        std::thread thread;
    };

    WatchRelay(events::EventBus& bus, LogFn log) : m_bus(bus), m_log(std::move(log)) {}
    void Follow(Watched& w);
    // One SSE record (the lines before a blank line): relayed, or noted.
    void Dispatch(Watched& w, const std::string& record);

    events::EventBus& m_bus;
    LogFn m_log;
    std::atomic<bool> m_stop{false};
    std::vector<std::unique_ptr<Watched>> m_watched;
};

}  // namespace tonari::web
