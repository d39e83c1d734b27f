// The chat client's live dashboard (`tonari chat run --dashboard PORT`): what the client does —
// friend requests, friends coming online, messages and receipts, files, typing, its DHT — as
// events ("chat_" and the event's name) on its own bus, served with the same page and API as a
// node's dashboard. A node's dashboard shows the chat act too when it watches this one
// (-dashboardwatch=http://127.0.0.1:PORT/). Loopback only: it shows the user's messages.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "events/event_bus.h"
#include "util/json.h"
#include "util/result.h"
#include "web/dashboard_server.h"

namespace tonari::app {

// How often the client's DHT size may be published (it moves with every node that answers).
inline constexpr int64_t CHAT_DHT_EVENT_INTERVAL_MS = 1000;

class ChatDashboard {
public:
    // `state` gives the client's snapshot (called on a server thread); the dashboard adds what
    // it counted itself (messages each way, the last one), so a page opened late shows them.
    static util::Result<std::unique_ptr<ChatDashboard>, std::string> Start(uint16_t port, std::function<util::Json()> state);
    ~ChatDashboard();

    // One event; `data` is what `tonari chat run --json` prints for it.
    void Publish(const std::string& type, const util::Json& data);
    // The DHT's size, published when it changed, at most once per CHAT_DHT_EVENT_INTERVAL_MS.
    void NoteDht(size_t close_nodes, size_t good_close_nodes);
    std::string Url() const;

private:
    ChatDashboard();
    void AddCounts(util::Json& state) const;

    events::EventBus m_bus;
    mutable std::mutex m_mutex;  // the counts: published on the DHT's thread, read on the server's
    uint64_t m_messages_in = 0;
    uint64_t m_messages_out = 0;
    util::Json m_last_message;
    std::unique_ptr<web::DashboardServer> m_server;  // after the bus: stopped before it goes
    size_t m_last_good = SIZE_MAX;
    int64_t m_last_dht_ms = 0;
};

}  // namespace tonari::app
