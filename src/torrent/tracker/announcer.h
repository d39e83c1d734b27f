// Announcer: a torrent's conversation with its trackers — HTTP (BEP 3, 23, 7) and UDP (BEP 15)
// announces on a thread of its own; every tier is announced to (as Transmission and qBittorrent
// do), the trackers within a tier tried in order and a working one moved to the front (BEP 12);
// intervals honoured, failures retried with back-off, "started",
// "completed" and "stopped" events sent when they happen. The peers it learns go to a callback
// (the session hands them to the swarm). Thread-safety: every public method may be called
// from any thread; the callbacks run on the announcer's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "netcore/peer_network.h"
#include "torrent/tracker/announce.h"

namespace tonari::torrent::tracker {

// UDP announces tried this many times (BEP 15 timing: 15 s, then 30 s, then 60 s) before the
// tracker counts as failed and the next in the tier is asked; BEP 15's full eight tries would
// hold a tier for an hour on a dead tracker.
inline constexpr int UDP_ATTEMPTS = 3;
// A tier whose trackers all failed is tried again after 60 s, doubling up to this.
inline constexpr int64_t MAX_RETRY_S = 1800;
// The "stopped" announces on exit take at most this long in all: leaving must not hang.
inline constexpr auto STOPPED_TIMEOUT = std::chrono::seconds(3);

struct AnnouncerOptions {
    std::vector<std::vector<std::string>> tiers;  // the metainfo's announce-list
    std::vector<Hash20> info_hashes;               // v1 and/or v2 truncated (a hybrid has both)
    Hash20 peer_id{};
    uint16_t port = 0;
    int32_t numwant = 50;
    std::chrono::milliseconds http_timeout = std::chrono::seconds(30);
    int64_t udp_retransmit_base_ms = 15'000;       // BEP 15's 15 s
    uint64_t seed = 0;                             // tier shuffles and transaction ids; 0: OS
};

struct TransferTotals {
    uint64_t uploaded = 0;
    uint64_t downloaded = 0;
    uint64_t left = 0;
};

struct TrackerStatus {
    std::string url;
    bool working = false;
    std::string last_error;
    size_t peers_received = 0;
    int64_t seeders = -1;  // from the last answer; -1 when unknown
    int64_t leechers = -1;
    int64_t last_announce_unix = 0;  // when it last answered or failed; 0: not yet
    size_t last_peer_count = 0;      // peers in its last answer
    int64_t next_announce_unix = 0;  // when its tier announces next (or retries); 0: unknown
    bool backup = false;             // not first in its tier: asked only if those before it fail
};

class Announcer {
public:
    using TotalsFn = std::function<TransferTotals()>;
    using PeersFn = std::function<void(std::vector<netcore::PeerEndpoint>)>;
    using LogFn = std::function<void(const std::string&)>;

    Announcer(AnnouncerOptions options, TotalsFn totals, PeersFn peers, LogFn log);
    ~Announcer();
    Announcer(const Announcer&) = delete;
    Announcer& operator=(const Announcer&) = delete;

    // The download finished: every tier hears "completed" now.
    void Completed();
    // Sends "stopped" to the trackers that know us (bounded by STOPPED_TIMEOUT) and joins the
    // thread. Idempotent.
    void Stop();
    std::vector<TrackerStatus> Status() const;

private:
    struct Tier;
    void Run();
    bool AnnounceTier(Tier& tier, AnnounceEvent event, const std::atomic<bool>* cancel);
    // `budget`: one try within this time (the "stopped" announce); otherwise the usual
    // timeouts and retransmissions.
    util::Result<AnnounceResponse, std::string> AnnounceOne(const std::string& url, const Hash20& info_hash,
                                                           AnnounceEvent event, const std::atomic<bool>* cancel,
                                                           std::optional<std::chrono::milliseconds> budget);
    util::Result<AnnounceResponse, std::string> AnnounceUdp(const std::string& host, uint16_t port,
                                                           const AnnounceRequest& request,
                                                           const std::atomic<bool>* cancel,
                                                           std::optional<std::chrono::milliseconds> budget);
    void Record(const std::string& url, const util::Result<AnnounceResponse, std::string>& result);
    // The tier's next announce and order, into its trackers' status.
    void NoteTier(const Tier& tier);

    AnnouncerOptions m_options;
    TotalsFn m_totals;
    PeersFn m_peers;
    LogFn m_log;
    uint32_t m_key = 0;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::atomic<bool> m_stop{false};
    bool m_completed_pending = false;
    std::vector<TrackerStatus> m_status;
    std::thread m_thread;
};

}  // namespace tonari::torrent::tracker
