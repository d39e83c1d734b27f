// The chat client's event bus and dashboard server.
#include "app/chat_dashboard.h"

#include <chrono>

#include "netcore/subnet.h"

namespace tonari::app {
namespace {

int64_t WallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

ChatDashboard::ChatDashboard() : m_bus(WallMs) {}

ChatDashboard::~ChatDashboard() {
    if (m_server) m_server->Stop();
}

util::Result<std::unique_ptr<ChatDashboard>, std::string> ChatDashboard::Start(uint16_t port,
                                                                              std::function<util::Json()> state) {
    std::unique_ptr<ChatDashboard> d(new ChatDashboard());
    web::DashboardOptions options;
    options.bind = {netcore::HttpEndpoint{"127.0.0.1", port}};
    options.allow = {netcore::Subnet::Localhost4(), netcore::Subnet::Localhost6()};
    options.state = [raw = d.get(), state = std::move(state)] {
        util::Json j = state();
        raw->AddCounts(j);
        return j.Dump();
    };
    auto server = web::DashboardServer::Start(std::move(options), d->m_bus);
    if (!server) return util::Fail("dashboard: " + server.error());
    d->m_server = std::move(*server);
    return d;
}

void ChatDashboard::Publish(const std::string& type, const util::Json& data) {
    const bool incoming = type == "message" || type == "action";
    if (incoming || type == "sent") {
        std::lock_guard lock(m_mutex);
        ++(incoming ? m_messages_in : m_messages_out);
        m_last_message = util::Json::MakeObject();
        if (const util::Json* f = data.Find("friend")) m_last_message.Set("friend", *f);
        if (const util::Json* t = data.Find("text")) m_last_message.Set("text", *t);
        m_last_message.Set("incoming", incoming);
    }
    m_bus.Publish("chat_" + type, data.Dump());
}

void ChatDashboard::AddCounts(util::Json& state) const {
    std::lock_guard lock(m_mutex);
    state.Set("messages_in", m_messages_in);
    state.Set("messages_out", m_messages_out);
    if (m_last_message.IsObject()) state.Set("last_message", m_last_message);
}

void ChatDashboard::NoteDht(size_t close_nodes, size_t good_close_nodes) {
    const int64_t now = WallMs();
    if (good_close_nodes == m_last_good || now - m_last_dht_ms < CHAT_DHT_EVENT_INTERVAL_MS) return;
    m_last_good = good_close_nodes;
    m_last_dht_ms = now;
    util::Json j = util::Json::MakeObject();
    j.Set("close_nodes", static_cast<uint64_t>(close_nodes));
    j.Set("good_close_nodes", static_cast<uint64_t>(good_close_nodes));
    Publish("dht", j);
}

std::string ChatDashboard::Url() const {
    const auto endpoints = m_server->Endpoints();
    return endpoints.empty() ? std::string() : "http://127.0.0.1:" + std::to_string(endpoints.front().port) + "/";
}

}  // namespace tonari::app
