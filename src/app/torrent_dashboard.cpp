// The torrent commands' event bus and dashboard server.
#include "app/torrent_dashboard.h"

#include <chrono>
#include <thread>
#include <utility>

#include "netcore/subnet.h"
#include "torrent/peer/swarm_status.h"
#include "torrent/session/session.h"
#include "util/utf8.h"

namespace tonari::app {
namespace {

int64_t WallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t SteadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

TorrentDashboard::TorrentDashboard(TorrentFacts facts) : m_facts(std::move(facts)), m_bus(WallMs) {}

TorrentDashboard::~TorrentDashboard() {
    if (m_relay) m_relay->Cancel();
    if (m_server) m_server->Stop();
    if (m_relay) m_relay->Stop();
}

util::Result<std::unique_ptr<TorrentDashboard>, std::string> TorrentDashboard::Start(uint16_t port,
                                                                                    const std::vector<std::string>& watch,
                                                                                    TorrentFacts facts) {
    std::unique_ptr<TorrentDashboard> d(new TorrentDashboard(std::move(facts)));
    web::DashboardOptions options;
    options.bind = {netcore::HttpEndpoint{"127.0.0.1", port}};
    options.allow = {netcore::Subnet::Localhost4(), netcore::Subnet::Localhost6()};
    TorrentDashboard* raw = d.get();
    options.state = [raw] { return raw->State().Dump(); };
    if (!watch.empty()) {
        auto relay = web::WatchRelay::Start(d->m_bus, watch, [raw](const std::string& line) {
            std::lock_guard lock(raw->m_mutex);
            if (raw->m_log.size() < MAX_PENDING_LOG_LINES) raw->m_log.push_back(line);
        });
        if (!relay) return util::Fail("--dashboard-watch: " + relay.error());
        d->m_relay = std::move(*relay);
        options.watched = [raw] { return raw->m_relay->StateJson(); };
    }
    auto server = web::DashboardServer::Start(std::move(options), d->m_bus);
    if (!server) return util::Fail("dashboard: " + server.error());
    d->m_server = std::move(*server);
    return d;
}

util::Json TorrentDashboard::Facts() const {
    util::Json j = util::Json::MakeObject();
    j.Set("kind", "torrent");
    j.Set("name", util::PrintableText(m_facts.name.substr(0, MAX_DASHBOARD_NAME_BYTES)));
    j.Set("info_hash", m_facts.info_hash);
    j.Set("size", m_facts.size);
    j.Set("pieces_total", m_facts.pieces);
    j.Set("piece_length", m_facts.piece_length);
    j.Set("peer_id", m_facts.peer_id);
    util::Json listen = util::Json::MakeArray();
    for (const auto& l : m_facts.listen) listen.PushBack(l);
    j.Set("listen", std::move(listen));
    j.Set("started_complete", m_facts.started_complete);
    j.Set("mode", m_facts.mode);
    return j;
}

util::Json TorrentDashboard::State() const {
    util::Json j = Facts();
    std::lock_guard lock(m_mutex);
    j.Set("status", m_status);
    return j;
}

void TorrentDashboard::Update(torrent::session::Session& session, bool now) {
    // The steady clock: a wall clock set back must not stop the statuses.
    const int64_t now_ms = SteadyMs();
    if (!now && m_last_ms != 0 && now_ms - m_last_ms < TORRENT_STATUS_INTERVAL_MS) return;
    m_last_ms = now_ms;
    util::Json status = torrent::peer::SwarmStatusJson(session.Snapshot());
    std::string text = status.Dump();
    if (text == m_last_published) return;
    m_last_published = text;
    // Each status carries the facts too: a page watching through a relay may meet this client
    // first by an event, long after its snapshot was taken.
    status.Set("torrent", Facts());
    {
        std::lock_guard lock(m_mutex);
        m_status = status;
    }
    m_bus.Publish("torrent_status", status.Dump());
}

void TorrentDashboard::Linger() const {
    if (m_server && m_server->Watchers() > 0) std::this_thread::sleep_for(DASHBOARD_LINGER);
}

void TorrentDashboard::NoteComplete(double seconds) {
    util::Json j = util::Json::MakeObject();
    j.Set("name", util::PrintableText(m_facts.name.substr(0, MAX_DASHBOARD_NAME_BYTES)));
    j.Set("size", m_facts.size);
    j.Set("seconds", seconds);
    m_bus.Publish("torrent_complete", j.Dump());
}

std::vector<std::string> TorrentDashboard::TakeLog() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_log, {});
}

std::string TorrentDashboard::Url() const {
    const auto endpoints = m_server->Endpoints();
    return endpoints.empty() ? std::string() : "http://127.0.0.1:" + std::to_string(endpoints.front().port) + "/";
}

}  // namespace tonari::app
