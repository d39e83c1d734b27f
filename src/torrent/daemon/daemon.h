// TorrentDaemon: many torrents at once, each a session::Session while it runs, kept across
// restarts in the data directory — every .torrent under `torrents/`, and `daemon.state`
// (replaced atomically) saying where each downloads to and whether it is stopped. A magnet
// link's metadata is fetched on a thread of its own and the torrent then starts like any
// other. Implements TorrentControl for the Transmission RPC. Thread-safe (one mutex; a
// session's start, which rechecks its files, runs under it).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/env.h"
#include "torrent/daemon/torrent_control.h"
#include "torrent/session/session.h"

namespace tonari::torrent::daemon {

// Attack: an RPC client (or a corrupt state file) adding torrents without end.
inline constexpr size_t MAX_TORRENTS = 1000;
// Magnet links whose metadata is being fetched at once: each fetch has its own network, DHT
// and announcer, so a flood of them would exhaust descriptors and threads.
inline constexpr size_t MAX_CONCURRENT_FETCHES = 8;

struct DaemonOptions {
    std::filesystem::path datadir;
    std::filesystem::path download_dir;  // default for new torrents (datadir/downloads if empty)
    std::string bind = "0.0.0.0";        // where each torrent takes peers (a free port each)
    session::SessionOptions session;     // encryption, DHT, peers… for every torrent
    std::function<void(const std::string&)> log;
};

class TorrentDaemon final : public TorrentControl {
public:
    // Loads the state of the last run and starts every torrent that was not stopped.
    static util::Result<std::unique_ptr<TorrentDaemon>, std::string> Open(DaemonOptions options);
    ~TorrentDaemon() override;

    util::Result<AddResult, std::string> Add(const AddRequest& request) override;
    std::vector<TorrentView> List(bool details) override;
    bool Start(int id) override;
    bool Stop(int id) override;
    bool Verify(int id) override;
    bool Remove(int id, bool delete_data) override;
    SessionTotals Totals() override;
    std::string DefaultDownloadDir() const override;
    // Stops every torrent (saving their resume data) and the metadata fetches. Idempotent.
    void Shutdown();

    struct Torrent;

private:
    explicit TorrentDaemon(DaemonOptions options);
    util::Result<AddResult, std::string> AddParsedLocked(std::string torrent_file, const std::string& dir, bool paused,
                                                         int64_t added_unix, bool save);
    void StartLocked(Torrent& t);
    void SaveStateLocked();
    Torrent* FindLocked(int id);
    void FetchMagnet(int id, std::string magnet);

    DaemonOptions m_options;
    std::unique_ptr<tonari::storage::Env> m_env;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Torrent>> m_torrents;
    std::vector<std::string> m_removing;  // hashes whose files are being deleted: not re-added meanwhile
    int m_next_id = 1;
    int64_t m_started_unix = 0;
    bool m_shutdown = false;
};

}  // namespace tonari::torrent::daemon
