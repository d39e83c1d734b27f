// A torrent's live dashboard (`tonari torrent get|seed --dashboard PORT`): what the swarm does —
// which pieces this client has, each peer it trades with and how many bytes went each way — as
// events ("torrent_status" about twice a second while anything changes, "torrent_complete" once)
// on its own bus, served with the same page and API as a node's dashboard. With
// --dashboard-watch the page shows the other members of the swarm too, so one page shows each
// peer's piece map filling in, who uploads to whom, and the origin's upload against the file
// size. Loopback only.
//
// Threads: Update, NoteComplete, TakeLog, Linger and Url are called from the command's loop; the
// server's threads read the state (the last status under the mutex, the facts fixed at start);
// the relay's threads add log lines (under the mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "events/event_bus.h"
#include "util/json.h"
#include "util/result.h"
#include "web/dashboard_server.h"
#include "web/watch_relay.h"

namespace tonari::torrent::session {
class Session;
}

namespace tonari::app {

// A status is published at most this often (the page redraws on each).
inline constexpr int64_t TORRENT_STATUS_INTERVAL_MS = 500;
// Attack: a torrent named by hostile metadata (a magnet's) with a name of megabytes, carried in
// every status event. (The status itself is bounded by torrent/peer/swarm_status.h.)
inline constexpr size_t MAX_DASHBOARD_NAME_BYTES = 256;
// A client about to exit keeps its dashboard this long, when someone watches, so the last
// status and torrent_complete reach them (a stream polls the bus every 100 ms).
inline constexpr auto DASHBOARD_LINGER = std::chrono::milliseconds(500);
// Relay log lines kept for the terminal between two reads of them.
inline constexpr size_t MAX_PENDING_LOG_LINES = 100;

// What does not change while the torrent runs.
struct TorrentFacts {
    std::string name;
    std::string info_hash;  // v1 hex if there is one, else v2
    uint64_t size = 0;
    uint64_t pieces = 0;
    uint64_t piece_length = 0;
    std::string peer_id;    // ours, hex
    std::vector<std::string> listen;
    bool started_complete = false;  // it had every piece when it started: the origin
    std::string mode;               // "get" or "seed"
};

class TorrentDashboard {
public:
    static util::Result<std::unique_ptr<TorrentDashboard>, std::string> Start(uint16_t port,
                                                                              const std::vector<std::string>& watch,
                                                                              TorrentFacts facts);
    ~TorrentDashboard();

    // Reads the session and publishes a status when one is due (or `now`) and something
    // changed. Called from the command's loop, and with `now` before it ends.
    void Update(torrent::session::Session& session, bool now = false);
    void NoteComplete(double seconds);
    // Before exiting: a moment for watching streams to send what was published last.
    void Linger() const;
    // What the relay had to say since the last call (streams opening and dropping).
    std::vector<std::string> TakeLog();
    std::string Url() const;

private:
    explicit TorrentDashboard(TorrentFacts facts);
    util::Json Facts() const;
    util::Json State() const;

    TorrentFacts m_facts;
    events::EventBus m_bus;
    mutable std::mutex m_mutex;  // the last status and the log: written by the loop, read by the server
    util::Json m_status;
    std::string m_last_published;
    int64_t m_last_ms = 0;
    std::vector<std::string> m_log;
    std::unique_ptr<web::WatchRelay> m_relay;
    std::unique_ptr<web::DashboardServer> m_server;  // after the bus and the relay: stopped first
};

}  // namespace tonari::app
