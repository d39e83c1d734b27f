// TorrentDaemon: the torrents, their sessions, and the state file.
#include "torrent/daemon/daemon.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "storage/whole_file.h"
#include "torrent/metainfo/info_hash.h"
#include "torrent/metainfo/magnet.h"
#include "torrent/session/metadata_fetch.h"
#include "torrent/storage/resume_data.h"

namespace tonari::torrent::daemon {
namespace fs = std::filesystem;

namespace {

// The state file: one line per torrent, "hash<TAB>stopped<TAB>added<TAB>download dir"; a
// pending magnet link is "magnet<TAB>…<TAB>link". A few hundred bytes a torrent.
constexpr std::uintmax_t MAX_STATE_FILE = 4 << 20;
constexpr const char* STATE_FILE = "daemon.state";

// The state file is tab- and line-separated: fields must not carry control characters.
bool HasControlCharacters(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

int64_t UnixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string HashHex(const metainfo::Metainfo& meta) { return metainfo::ToHex(meta.info_hashes.HandshakeHash()); }

}  // namespace

struct TorrentDaemon::Torrent {
    int id = 0;
    std::string hash;                         // hex
    std::string torrent_file;                 // empty while a magnet's metadata is fetched
    std::unique_ptr<metainfo::Metainfo> meta; // stable address: the session refers to it
    std::string magnet;
    std::string name;
    std::string dir;
    bool stopped = false;
    bool verifying = false;
    int64_t added_unix = 0;
    int64_t done_unix = 0;
    std::string error;
    std::set<std::string> banned;             // peers its metadata fetch caught lying
    std::unique_ptr<session::Session> session;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
    std::thread fetcher;
};

TorrentDaemon::TorrentDaemon(DaemonOptions options) : m_options(std::move(options)), m_env(tonari::storage::Env::MakePosix()) {
    if (!m_options.log) m_options.log = [](const std::string&) {};
    if (m_options.download_dir.empty()) m_options.download_dir = m_options.datadir / "downloads";
    m_started_unix = UnixNow();
}

TorrentDaemon::~TorrentDaemon() { Shutdown(); }

util::Result<std::unique_ptr<TorrentDaemon>, std::string> TorrentDaemon::Open(DaemonOptions options) {
    std::error_code ec;
    fs::create_directories(options.datadir / "torrents", ec);
    if (ec) return util::Fail("cannot create " + (options.datadir / "torrents").string() + ": " + ec.message());
    auto daemon = std::unique_ptr<TorrentDaemon>(new TorrentDaemon(std::move(options)));
    const auto state = tonari::storage::ReadSmallFile(daemon->m_options.datadir / STATE_FILE, MAX_STATE_FILE);
    if (!state) return daemon;
    std::istringstream lines(*state);
    std::string line;
    std::lock_guard lock(daemon->m_mutex);
    while (std::getline(lines, line) && daemon->m_torrents.size() < MAX_TORRENTS) {
        std::vector<std::string> f;
        std::istringstream cols(line);
        for (std::string c; std::getline(cols, c, '\t');) f.push_back(c);
        if (f.size() < 4) continue;
        const bool stopped = f[1] == "1";
        const int64_t added = std::atoll(f[2].c_str());
        if (f[0] == "magnet") {
            // Resumed fetch: added again from the link.
            auto t = std::make_unique<Torrent>();
            t->id = daemon->m_next_id++;
            t->magnet = f.size() > 4 ? f[4] : "";
            t->dir = f[3];
            t->stopped = stopped;
            t->added_unix = added;
            auto link = metainfo::ParseMagnet(t->magnet);
            if (!link) continue;
            t->hash = metainfo::ToHex(link->info_hashes.HandshakeHash());
            t->name = link->display_name.empty() ? t->hash : link->display_name;
            const int id = t->id;
            daemon->m_torrents.push_back(std::move(t));
            daemon->m_torrents.back()->fetcher = std::thread([d = daemon.get(), id, m = daemon->m_torrents.back()->magnet] {
                d->FetchMagnet(id, m);
            });
            continue;
        }
        auto bytes = tonari::storage::ReadSmallFile(daemon->m_options.datadir / "torrents" / (f[0] + ".torrent"),
                                            metainfo::MAX_TORRENT_FILE_SIZE);
        if (!bytes) {
            daemon->m_options.log("daemon: " + f[0] + ".torrent is missing from the data directory: left out");
            continue;
        }
        auto added_torrent = daemon->AddParsedLocked(std::move(*bytes), f[3], stopped, added, false);
        if (!added_torrent) daemon->m_options.log("daemon: " + f[0] + ": " + added_torrent.error());
    }
    return daemon;
}

void TorrentDaemon::StartLocked(Torrent& t) {
    if (t.session || !t.meta) return;
    session::SessionOptions options = m_options.session;
    options.listen = {{m_options.bind, 0}};
    if (options.trackers.empty()) options.trackers = t.meta->trackers;
    options.dht_nodes_file = fs::path(t.dir) / ".tonari" / "dht.nodes";
    options.banned = t.banned;
    const int id = t.id;
    auto log = [this, id, name = t.name](const std::string& line) { m_options.log("[" + std::to_string(id) + " " + name + "] " + line); };
    auto started = session::Session::Start(*m_env, *t.meta, t.dir, std::move(options), log);
    if (!started) {
        t.error = started.error();
        m_options.log("daemon: cannot start " + t.name + ": " + t.error);
        return;
    }
    t.error.clear();
    t.session = std::move(*started);
    if (t.session->Complete() && t.done_unix == 0) t.done_unix = UnixNow();
}

util::Result<AddResult, std::string> TorrentDaemon::AddParsedLocked(std::string torrent_file, const std::string& dir,
                                                                    bool paused, int64_t added_unix, bool save) {
    auto meta = metainfo::ParseTorrentFile(util::AsBytes(torrent_file));
    if (!meta) return util::Fail("invalid or corrupt torrent file: " + meta.error().message);
    const std::string hash = HashHex(*meta);
    if (std::find(m_removing.begin(), m_removing.end(), hash) != m_removing.end()) {
        return util::Fail(std::string("this torrent is being removed; add it again in a moment"));
    }
    for (const auto& t : m_torrents) {
        if (t->hash == hash) return AddResult{t->id, t->name, t->hash, true};
    }
    if (m_torrents.size() >= MAX_TORRENTS) return util::Fail(std::string("too many torrents"));
    auto t = std::make_unique<Torrent>();
    t->id = m_next_id++;
    t->hash = hash;
    t->name = meta->name;
    t->meta = std::make_unique<metainfo::Metainfo>(std::move(*meta));
    t->torrent_file = std::move(torrent_file);
    t->dir = dir.empty() ? m_options.download_dir.string() : dir;
    t->stopped = paused;
    t->added_unix = added_unix;
    std::error_code ec;
    fs::create_directories(t->dir, ec);
    if (save) {
        const std::string error = tonari::storage::ReplaceFile(m_options.datadir / "torrents" / (hash + ".torrent"), t->torrent_file);
        if (!error.empty()) return util::Fail("cannot keep the torrent file: " + error);
    }
    Torrent& ref = *t;
    m_torrents.push_back(std::move(t));
    if (!ref.stopped) StartLocked(ref);
    if (save) SaveStateLocked();
    m_options.log("daemon: added " + ref.name + " (" + hash + ") as #" + std::to_string(ref.id));
    return AddResult{ref.id, ref.name, ref.hash, false};
}

util::Result<AddResult, std::string> TorrentDaemon::Add(const AddRequest& request) {
    std::lock_guard lock(m_mutex);
    if (m_shutdown) return util::Fail(std::string("shutting down"));
    if (HasControlCharacters(request.download_dir) || HasControlCharacters(request.magnet)) {
        return util::Fail(std::string("control characters in the download folder or the magnet link"));
    }
    if (!request.torrent_file.empty()) {
        return AddParsedLocked(request.torrent_file, request.download_dir, request.paused, UnixNow(), true);
    }
    auto link = metainfo::ParseMagnet(request.magnet);
    if (!link) return util::Fail("invalid magnet link: " + link.error());
    // As HashHex names a torrent: the v1 hash, else the truncated v2 hash.
    const std::string hash = metainfo::ToHex(link->info_hashes.HandshakeHash());
    if (std::find(m_removing.begin(), m_removing.end(), hash) != m_removing.end()) {
        return util::Fail(std::string("this torrent is being removed; add it again in a moment"));
    }
    for (const auto& t : m_torrents) {
        if (t->hash == hash) return AddResult{t->id, t->name, t->hash, true};
    }
    if (m_torrents.size() >= MAX_TORRENTS) return util::Fail(std::string("too many torrents"));
    const auto fetching = std::count_if(m_torrents.begin(), m_torrents.end(), [](const auto& t) { return !t->meta; });
    if (static_cast<size_t>(fetching) >= MAX_CONCURRENT_FETCHES) {
        return util::Fail("already fetching " + std::to_string(fetching) + " magnet links' metadata; try again later");
    }
    auto t = std::make_unique<Torrent>();
    t->id = m_next_id++;
    t->hash = hash;
    t->name = link->display_name.empty() ? hash : link->display_name;
    t->magnet = request.magnet;
    t->dir = request.download_dir.empty() ? m_options.download_dir.string() : request.download_dir;
    t->stopped = request.paused;
    t->added_unix = UnixNow();
    const int id = t->id;
    m_torrents.push_back(std::move(t));
    m_torrents.back()->fetcher = std::thread([this, id, magnet = request.magnet] { FetchMagnet(id, magnet); });
    SaveStateLocked();
    return AddResult{id, m_torrents.back()->name, hash, false};
}

void TorrentDaemon::FetchMagnet(int id, std::string magnet) {
    std::shared_ptr<std::atomic<bool>> cancel;
    session::SessionOptions options = m_options.session;
    {
        std::lock_guard lock(m_mutex);
        Torrent* t = FindLocked(id);
        if (t == nullptr) return;
        cancel = t->cancel;
        options.dht_nodes_file = fs::path(t->dir) / ".tonari" / "dht.nodes";
    }
    auto link = metainfo::ParseMagnet(magnet);
    if (!link) return;
    options.listen = {{m_options.bind, 0}};
    for (const auto& tr : link->trackers) options.trackers.push_back({tr});
    for (const auto& p : link->peers) {
        if (auto endpoint = netcore::PeerEndpoint::Parse(p)) options.connect.push_back(std::move(*endpoint));
    }
    auto fetched = session::FetchMetadata(
        link->info_hashes, options, [this, id](const std::string& line) { m_options.log("[" + std::to_string(id) + "] " + line); },
        [cancel] { return cancel->load(); }, {});
    std::lock_guard lock(m_mutex);
    Torrent* t = FindLocked(id);
    if (t == nullptr || m_shutdown) return;
    if (!fetched) {
        t->error = "metadata: " + fetched.error();
        return;
    }
    // The .torrent is the info dictionary as received (its hash unchanged), with a v2
    // torrent's piece layers.
    std::string file = std::move(fetched->torrent_file);
    t->banned = std::move(fetched->banned);
    auto meta = metainfo::ParseTorrentFile(util::AsBytes(file));
    if (!meta) {
        t->error = "metadata from peers: " + meta.error().message;
        return;
    }
    meta->trackers.clear();
    for (const auto& tr : link->trackers) meta->trackers.push_back({tr});
    // A v2-only link to a hybrid torrent: the torrent goes by its v1 hash from now on.
    if (const std::string named = HashHex(*meta); named != t->hash) {
        const bool taken = std::any_of(m_torrents.begin(), m_torrents.end(), [&named](const auto& o) { return o->hash == named; });
        if (taken) {
            t->error = "this torrent is already added under its v1 info-hash";
            return;
        }
        t->hash = named;
    }
    t->name = meta->name;
    t->meta = std::make_unique<metainfo::Metainfo>(std::move(*meta));
    t->torrent_file = file;
    t->magnet.clear();
    const std::string error = tonari::storage::ReplaceFile(m_options.datadir / "torrents" / (t->hash + ".torrent"), file);
    if (!error.empty()) t->error = "cannot keep the torrent file: " + error;
    if (!t->stopped) StartLocked(*t);
    SaveStateLocked();
}

TorrentDaemon::Torrent* TorrentDaemon::FindLocked(int id) {
    for (auto& t : m_torrents) {
        if (t->id == id) return t.get();
    }
    return nullptr;
}

void TorrentDaemon::SaveStateLocked() {
    std::string text;
    for (const auto& t : m_torrents) {
        if (t->meta) {
            text += t->hash + "\t" + (t->stopped ? "1" : "0") + "\t" + std::to_string(t->added_unix) + "\t" + t->dir + "\n";
        } else {
            text += std::string("magnet\t") + (t->stopped ? "1" : "0") + "\t" + std::to_string(t->added_unix) + "\t" + t->dir +
                    "\t" + t->magnet + "\n";
        }
    }
    const std::string error = tonari::storage::ReplaceFile(m_options.datadir / STATE_FILE, text);
    if (!error.empty()) m_options.log("daemon: cannot save its state: " + error);
}

namespace {

// Each file's bytes in pieces we have (a piece shared by two files counts for each its share).
std::vector<FileView> FileViews(const metainfo::Metainfo& meta, const std::vector<bool>& have) {
    std::vector<FileView> out;
    const uint64_t piece_length = meta.piece_length;
    for (const auto& f : meta.files) {
        if (f.pad) continue;
        FileView v;
        v.name = f.JoinedPath();
        v.length = f.length;
        if (f.length > 0 && piece_length > 0) {
            const uint64_t end = f.offset + f.length;
            for (uint64_t piece = f.offset / piece_length; piece * piece_length < end && piece < have.size(); ++piece) {
                if (!have[piece]) continue;
                const uint64_t from = std::max(f.offset, piece * piece_length);
                const uint64_t to = std::min(end, piece * piece_length + meta.PieceSize(piece));
                if (to > from) v.bytes_completed += to - from;
            }
        }
        out.push_back(std::move(v));
    }
    return out;
}

PeerInfo PeerInfoOf(const peer::PeerView& p, uint64_t pieces) {
    PeerInfo i;
    i.address = p.remote.address;
    i.port = p.remote.port;
    i.client = p.client;
    i.incoming = p.inbound;
    i.encrypted = p.encrypted;
    i.progress = pieces == 0 ? 0.0 : static_cast<double>(p.pieces) / static_cast<double>(pieces);
    i.rate_to_client = p.down_rate;
    i.rate_to_peer = p.up_rate;
    i.client_is_choked = p.peer_choking;
    i.client_is_interested = p.am_interested;
    i.peer_is_choked = p.am_choking;
    i.peer_is_interested = p.peer_interested;
    return i;
}

}  // namespace

std::vector<TorrentView> TorrentDaemon::List(bool details) {
    std::lock_guard lock(m_mutex);
    std::vector<TorrentView> out;
    for (auto& t : m_torrents) {
        TorrentView v;
        v.id = t->id;
        v.name = t->name;
        v.hash = t->hash;
        v.download_dir = t->dir;
        v.error = t->error;
        v.added_unix = t->added_unix;
        v.magnet = t->magnet;
        if (t->meta) {
            v.total_size = t->meta->ContentSize();
            v.file_count = t->meta->files.size();
            v.piece_count = t->meta->PieceCount();
            v.piece_size = t->meta->piece_length;
            v.is_private = t->meta->is_private;
        }
        if (details) {
            v.details.emplace();
            if (t->meta) {
                v.details->trackers = t->meta->trackers;
                v.details->files = FileViews(*t->meta, {});  // stopped: nothing known checked
            }
        }
        if (t->session) {
            std::optional<peer::SwarmSnapshot> snapshot;
            if (details) snapshot = t->session->Snapshot();
            const auto s = snapshot ? snapshot->stats : t->session->Stats();
            if (snapshot) {
                for (const auto& tr : t->session->Trackers()) {
                    v.details->tracker_states.push_back(TrackerState{
                        .announce = tr.url,
                        .has_announced = tr.last_announce_unix != 0,
                        .succeeded = tr.working,
                        .error = tr.last_error,
                        .last_announce_unix = tr.last_announce_unix,
                        .next_announce_unix = tr.next_announce_unix,
                        .last_peer_count = static_cast<int64_t>(tr.last_peer_count),
                        .seeders = tr.seeders,
                        .leechers = tr.leechers,
                        .backup = tr.backup});
                }
                v.details->files = FileViews(*t->meta, snapshot->have);
                for (const auto& p : snapshot->peers) v.details->peers.push_back(PeerInfoOf(p, s.pieces_total));
            }
            v.have_bytes = s.bytes_have;
            v.downloaded = s.downloaded;
            v.uploaded = s.uploaded;
            v.rate_down = s.download_rate;
            v.rate_up = s.upload_rate;
            v.peers = s.peers;
            v.seeds = s.seeds;
            const bool complete = s.pieces_have == s.pieces_total;
            if (complete && t->done_unix == 0) t->done_unix = UnixNow();
            v.status = complete ? Status::Seeding : Status::Downloading;
            if (auto error = t->session->Error()) v.error = *error;
        } else {
            v.status = t->stopped ? Status::Stopped : Status::Downloading;  // a magnet being fetched
        }
        v.done_unix = t->done_unix;
        out.push_back(std::move(v));
    }
    return out;
}

bool TorrentDaemon::Start(int id) {
    std::lock_guard lock(m_mutex);
    Torrent* t = FindLocked(id);
    if (t == nullptr || m_shutdown) return false;
    t->stopped = false;
    StartLocked(*t);
    SaveStateLocked();
    return true;
}

bool TorrentDaemon::Stop(int id) {
    std::unique_ptr<session::Session> stopping;  // stopped outside the lock (it may take seconds)
    {
        std::lock_guard lock(m_mutex);
        Torrent* t = FindLocked(id);
        if (t == nullptr || m_shutdown) return false;
        t->stopped = true;
        stopping = std::move(t->session);
        SaveStateLocked();
    }
    if (stopping) stopping->Stop();
    return true;
}

bool TorrentDaemon::Verify(int id) {
    std::unique_ptr<session::Session> stopping;
    {
        std::lock_guard lock(m_mutex);
        Torrent* t = FindLocked(id);
        if (t == nullptr || !t->meta || m_shutdown) return false;
        stopping = std::move(t->session);
    }
    if (stopping) stopping->Stop();  // writes its resume data…
    stopping.reset();
    std::lock_guard lock(m_mutex);
    Torrent* t = FindLocked(id);
    if (t == nullptr || m_shutdown) return false;
    // …which goes: without it the next start hashes every piece on disk.
    std::error_code ec;
    fs::remove(storage::ResumePath(t->dir, *t->meta), ec);
    if (!t->stopped) StartLocked(*t);
    return true;
}

bool TorrentDaemon::Remove(int id, bool delete_data) {
    std::unique_ptr<Torrent> gone;
    {
        std::lock_guard lock(m_mutex);
        if (m_shutdown) return false;
        auto it = std::find_if(m_torrents.begin(), m_torrents.end(), [id](const auto& t) { return t->id == id; });
        if (it == m_torrents.end()) return false;
        gone = std::move(*it);
        m_torrents.erase(it);
        m_removing.push_back(gone->hash);
        SaveStateLocked();
    }
    gone->cancel->store(true);
    if (gone->fetcher.joinable()) gone->fetcher.join();
    if (gone->session) gone->session->Stop();
    std::error_code ec;
    fs::remove(m_options.datadir / "torrents" / (gone->hash + ".torrent"), ec);
    if (delete_data && gone->meta) {
        // The torrent's own files only (their paths were checked at parse: inside the folder),
        // then the folders they leave empty — never a folder that holds anything else.
        std::vector<fs::path> folders;
        for (const auto& f : gone->meta->files) {
            if (f.pad || f.path.empty()) continue;
            fs::path p = gone->dir;
            for (const auto& part : f.path) p /= part;
            fs::remove(p, ec);
            for (fs::path up = p.parent_path(); up != fs::path(gone->dir) && up.has_relative_path(); up = up.parent_path()) {
                folders.push_back(up);
            }
        }
        std::sort(folders.begin(), folders.end(), [](const fs::path& a, const fs::path& b) {
            return a.string().size() > b.string().size();  // deepest first
        });
        for (const auto& folder : folders) {
            if (fs::is_directory(folder, ec) && fs::is_empty(folder, ec)) fs::remove(folder, ec);
        }
        fs::remove(storage::ResumePath(gone->dir, *gone->meta), ec);
    }
    {
        std::lock_guard lock(m_mutex);
        m_removing.erase(std::remove(m_removing.begin(), m_removing.end(), gone->hash), m_removing.end());
    }
    m_options.log("daemon: removed #" + std::to_string(id) + " " + gone->name + (delete_data ? " and its data" : ""));
    return true;
}

SessionTotals TorrentDaemon::Totals() {
    SessionTotals totals;
    for (const auto& v : List(false)) {
        totals.rate_down += v.rate_down;
        totals.rate_up += v.rate_up;
        totals.downloaded += v.downloaded;
        totals.uploaded += v.uploaded;
        ++totals.torrents;
        if (v.status == Status::Stopped) {
            ++totals.paused;
        } else {
            ++totals.active;
        }
    }
    totals.seconds_active = UnixNow() - m_started_unix;
    return totals;
}

std::string TorrentDaemon::DefaultDownloadDir() const { return m_options.download_dir.string(); }

void TorrentDaemon::Shutdown() {
    std::vector<std::unique_ptr<Torrent>> all;
    {
        std::lock_guard lock(m_mutex);
        if (m_shutdown) return;
        m_shutdown = true;
        for (auto& t : m_torrents) t->cancel->store(true);
        all = std::move(m_torrents);
        m_torrents.clear();
    }
    // Fetch threads take the lock when they finish (and find nothing): joined without it.
    for (auto& t : all) {
        if (t->fetcher.joinable()) t->fetcher.join();
    }
    // Stopped together: each says "stopped" to its trackers and drains its network.
    std::vector<std::thread> stoppers;
    for (auto& t : all) {
        if (t->session) stoppers.emplace_back([s = t->session.get()] { s->Stop(); });
    }
    for (auto& s : stoppers) s.join();
}

}  // namespace tonari::torrent::daemon
