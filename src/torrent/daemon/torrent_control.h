// TorrentControl: what the Transmission RPC asks of a torrent daemon — add, list, start, stop,
// verify, remove — as an interface, so the RPC layer is tested against a fake and the daemon
// knows nothing of JSON or HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace tonari::torrent::daemon {

// Transmission's tr_torrent_activity numbers, which its clients display.
enum class Status : int { Stopped = 0, CheckWait = 1, Checking = 2, DownloadWait = 3, Downloading = 4, SeedWait = 5, Seeding = 6 };

// One file of a torrent (torrent-get "files" and "fileStats").
struct FileView {
    std::string name;  // as Transmission gives it: the torrent's name first for a multi-file torrent
    uint64_t length = 0;
    uint64_t bytes_completed = 0;  // in verified pieces
};

// One connected peer (torrent-get "peers").
struct PeerInfo {
    std::string address;  // IP literal
    uint16_t port = 0;
    std::string client;   // its extension handshake's name
    bool incoming = false;
    bool encrypted = false;
    double progress = 0;  // share of the pieces it has
    double rate_to_client = 0;  // bytes/s from it
    double rate_to_peer = 0;    // bytes/s to it
    bool client_is_choked = true;       // it refuses our requests
    bool client_is_interested = false;  // we want something it has
    bool peer_is_choked = true;         // we refuse its requests
    bool peer_is_interested = false;
};

// What one tracker said last (torrent-get "trackerStats").
struct TrackerState {
    std::string announce{};
    bool has_announced = false;
    bool succeeded = false;
    std::string error{};            // the last failure's reason
    int64_t last_announce_unix = 0;
    int64_t next_announce_unix = 0;
    int64_t last_peer_count = 0;
    int64_t seeders = -1;           // -1: unknown
    int64_t leechers = -1;
    bool backup = false;            // not first in its tier
};

// What only some requests ask for, and costs a walk over pieces, files or peers.
struct TorrentDetails {
    std::vector<FileView> files;
    std::vector<std::vector<std::string>> trackers;  // tiers of announce URLs
    std::vector<TrackerState> tracker_states;         // the running session's trackers
    std::vector<PeerInfo> peers;
};

struct TorrentView {
    int id = 0;
    std::string name;
    std::string hash;  // hex: the v1 info-hash, else the truncated v2 one
    Status status = Status::Stopped;
    uint64_t total_size = 0;    // 0 while a magnet link's metadata is fetched
    uint64_t have_bytes = 0;    // verified
    uint64_t downloaded = 0;
    uint64_t uploaded = 0;
    double rate_down = 0;       // bytes/s
    double rate_up = 0;
    size_t peers = 0;
    size_t seeds = 0;
    std::string download_dir;
    std::string error;          // empty: none
    int64_t added_unix = 0;
    int64_t done_unix = 0;      // 0: not complete
    size_t file_count = 0;
    uint64_t piece_count = 0;
    uint64_t piece_size = 0;
    bool is_private = false;
    std::string magnet;
    std::optional<TorrentDetails> details;  // only when List was asked for them
};

struct AddRequest {
    std::string torrent_file;   // the .torrent bytes, or
    std::string magnet;         // a magnet link
    std::string download_dir;   // empty: the daemon's default
    bool paused = false;
};

struct AddResult {
    int id = 0;
    std::string name;
    std::string hash;
    bool duplicate = false;  // it was there already
};

struct SessionTotals {
    double rate_down = 0;
    double rate_up = 0;
    uint64_t downloaded = 0;
    uint64_t uploaded = 0;
    size_t torrents = 0;
    size_t active = 0;
    size_t paused = 0;
    int64_t seconds_active = 0;
};

class TorrentControl {
public:
    virtual ~TorrentControl() = default;
    virtual util::Result<AddResult, std::string> Add(const AddRequest& request) = 0;
    // With `details`, each view's files, trackers and peers too.
    virtual std::vector<TorrentView> List(bool details) = 0;
    // False when the id is unknown.
    virtual bool Start(int id) = 0;
    virtual bool Stop(int id) = 0;
    virtual bool Verify(int id) = 0;
    virtual bool Remove(int id, bool delete_data) = 0;
    virtual SessionTotals Totals() = 0;
    virtual std::string DefaultDownloadDir() const = 0;
};

}  // namespace tonari::torrent::daemon
