// `tonari torrent …`: the file-sharing commands. `create` makes a .torrent from a file or a
// folder, hashing on every core; `info` shows what a .torrent file or magnet link holds;
// `get` downloads and `seed` seeds, with a live progress line.
// Its own CLI11 parser, as `node` and `cli` have theirs, so main.cpp stays a dispatcher.
#include "app/torrent_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "app/progress_line.h"
#include "app/stop_signals.h"
#include "app/torrent_dashboard.h"
#include "app/torrent_daemon_command.h"
#include "app/torrent_dht_command.h"
#include "app/torrent_tracker_command.h"
#include "storage/env.h"
#include "storage/whole_file.h"
#include "torrent/create/create.h"
#include "torrent/metainfo/magnet.h"
#include "torrent/metainfo/metainfo.h"
#include "torrent/session/metadata_fetch.h"
#include "torrent/session/session.h"
#include "util/json.h"

namespace tonari::app {

namespace {

namespace fs = std::filesystem;
using torrent::metainfo::Metainfo;
using torrent::metainfo::TorrentVersion;

constexpr const char* CREATED_BY = "tonari 0.1.0";

// "256K", "4M", "16384": a piece size in bytes; 0 on malformed input.
uint64_t ParseSize(const std::string& text) {
    if (text.empty()) return 0;
    uint64_t scale = 1;
    std::string digits = text;
    const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
    if (last == 'K' || last == 'M') {
        scale = last == 'K' ? 1024 : 1024 * 1024;
        digits.pop_back();
    }
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 12) return 0;
    return std::stoull(digits) * scale;
}

util::Json MetainfoJson(const Metainfo& m) {
    util::Json j = util::Json::MakeObject();
    j.Set("name", m.name);
    j.Set("version", torrent::metainfo::VersionName(m.version));
    if (m.info_hashes.v1) j.Set("info_hash_v1", torrent::metainfo::ToHex(*m.info_hashes.v1));
    if (m.info_hashes.v2) j.Set("info_hash_v2", torrent::metainfo::ToHex(*m.info_hashes.v2));
    j.Set("size", m.ContentSize());
    j.Set("piece_length", m.piece_length);
    j.Set("pieces", m.PieceCount());
    j.Set("private", m.is_private);
    util::Json files = util::Json::MakeArray();
    for (const auto& f : m.files) {
        if (f.pad) continue;
        util::Json e = util::Json::MakeObject();
        e.Set("path", f.JoinedPath());
        e.Set("length", f.length);
        files.PushBack(std::move(e));
    }
    j.Set("files", std::move(files));
    util::Json tiers = util::Json::MakeArray();
    for (const auto& tier : m.trackers) {
        util::Json t = util::Json::MakeArray();
        for (const auto& url : tier) t.PushBack(url);
        tiers.PushBack(std::move(t));
    }
    j.Set("trackers", std::move(tiers));
    util::Json seeds = util::Json::MakeArray();
    for (const auto& u : m.web_seeds) seeds.PushBack(u);
    j.Set("web_seeds", std::move(seeds));
    if (!m.comment.empty()) j.Set("comment", m.comment);
    if (!m.created_by.empty()) j.Set("created_by", m.created_by);
    if (m.creation_date > 0) j.Set("creation_date", m.creation_date);
    torrent::metainfo::MagnetLink link;
    link.info_hashes = m.info_hashes;
    link.display_name = m.name;
    for (const auto& tier : m.trackers) link.trackers.insert(link.trackers.end(), tier.begin(), tier.end());
    j.Set("magnet", torrent::metainfo::ToMagnet(link));
    return j;
}

void PrintMetainfo(const Metainfo& m, std::ostream& out) {
    out << "name:         " << m.name << "\n";
    out << "version:      " << torrent::metainfo::VersionName(m.version) << (m.is_private ? " (private)" : "")
        << "\n";
    if (m.info_hashes.v1) out << "info-hash v1: " << torrent::metainfo::ToHex(*m.info_hashes.v1) << "\n";
    if (m.info_hashes.v2) out << "info-hash v2: " << torrent::metainfo::ToHex(*m.info_hashes.v2) << "\n";
    out << "size:         " << FormatBytes(static_cast<double>(m.ContentSize())) << " (" << m.ContentSize()
        << " bytes)\n";
    out << "pieces:       " << m.PieceCount() << " x " << FormatBytes(static_cast<double>(m.piece_length)) << "\n";
    if (!m.comment.empty()) out << "comment:      " << m.comment << "\n";
    if (!m.created_by.empty()) out << "created by:   " << m.created_by << "\n";
    for (size_t t = 0; t < m.trackers.size(); ++t) {
        for (const auto& url : m.trackers[t]) out << "tracker:      " << url << " (tier " << t << ")\n";
    }
    for (const auto& u : m.web_seeds) out << "web seed:     " << u << "\n";
    size_t shown = 0;
    for (const auto& f : m.files) {
        if (f.pad) continue;
        if (++shown > 100) {
            out << "  … and more files (--json lists them all)\n";
            break;
        }
        out << "  " << f.JoinedPath() << "  (" << f.length << " bytes)\n";
    }
}

int RunCreate(const std::string& input, std::string output, const std::string& version_name,
              const std::string& piece_size, const std::vector<std::string>& trackers,
              const std::vector<std::string>& web_seeds, bool is_private, const std::string& comment, bool no_date,
              size_t threads) {
    torrent::create::CreateOptions options;
    options.version = version_name == "v1"   ? TorrentVersion::V1
                      : version_name == "v2" ? TorrentVersion::V2
                                             : TorrentVersion::Hybrid;
    if (!piece_size.empty()) {
        options.piece_length = ParseSize(piece_size);
        if (options.piece_length == 0) {
            std::cerr << "error: --piece-size takes bytes, or a number with K or M (e.g. 256K)\n";
            return 1;
        }
    }
    options.trackers = trackers;
    options.web_seeds = web_seeds;
    options.is_private = is_private;
    options.comment = comment;
    options.created_by = CREATED_BY;
    if (!no_date) options.creation_date = static_cast<int64_t>(std::time(nullptr));

    const fs::path root = fs::path(input).lexically_normal();
    auto files = torrent::create::CollectFiles(root);
    if (!files) {
        std::cerr << "error: " << files.error() << "\n";
        return 1;
    }
    std::string name = (root.has_filename() ? root.filename() : root.parent_path().filename()).string();
    if (name.empty() || name == "." || name == "..") name = fs::absolute(root).lexically_normal().filename().string();
    if (output.empty()) output = name + ".torrent";

    uint64_t total = 0;
    for (const auto& f : *files) total += f.length;
    auto env = storage::Env::MakePosix();
    util::WorkerPool pool(threads);
    ProgressLine progress(std::cerr, ::isatty(STDERR_FILENO) != 0);
    const auto started = std::chrono::steady_clock::now();
    auto seconds_since_start = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    auto report = [&](uint64_t pieces_done, uint64_t pieces_total) {
        const double fraction = static_cast<double>(pieces_done) / static_cast<double>(std::max<uint64_t>(pieces_total, 1));
        const double secs = std::max(seconds_since_start(), 1e-3);
        char line[160];
        std::snprintf(line, sizeof line, "hashing %s: %5.1f%%  %s/s", name.c_str(), 100.0 * fraction,
                      FormatBytes(fraction * static_cast<double>(total) / secs).c_str());
        progress.Update(line);
    };
    auto bytes = torrent::create::CreateTorrent(*env, name, *files, options, pool, report);
    if (!bytes) {
        progress.Finish("error: " + bytes.error());
        return 1;
    }
    const double secs = seconds_since_start();
    // Checked before anything is written: what we hand out must be what we can read.
    auto parsed = torrent::metainfo::ParseTorrentFile(util::AsBytes(*bytes));
    if (!parsed) {
        progress.Finish("error: the new torrent does not parse back: " + parsed.error().message);
        return 1;
    }
    // Written whole to a temporary name, then renamed: an interrupted run leaves no torn file.
    if (const std::string error = storage::ReplaceFile(output, *bytes); !error.empty()) {
        progress.Finish("error: " + error);
        return 1;
    }
    char line[200];
    std::snprintf(line, sizeof line, "hashed %s in %.2f s (%s/s) on %zu threads", FormatBytes(static_cast<double>(total)).c_str(),
                  secs, FormatBytes(static_cast<double>(total) / std::max(secs, 1e-3)).c_str(), pool.ThreadCount());
    progress.Finish(line);
    std::cout << "wrote " << output << "\n";
    PrintMetainfo(*parsed, std::cout);
    return 0;
}

int RunInfo(const std::string& source, bool json) {
    if (source.rfind("magnet:", 0) == 0) {
        auto link = torrent::metainfo::ParseMagnet(source);
        if (!link) {
            std::cerr << "error: " << link.error() << "\n";
            return 1;
        }
        util::Json j = util::Json::MakeObject();
        if (link->info_hashes.v1) j.Set("info_hash_v1", torrent::metainfo::ToHex(*link->info_hashes.v1));
        if (link->info_hashes.v2) j.Set("info_hash_v2", torrent::metainfo::ToHex(*link->info_hashes.v2));
        if (!link->display_name.empty()) j.Set("name", link->display_name);
        util::Json trackers = util::Json::MakeArray();
        for (const auto& t : link->trackers) trackers.PushBack(t);
        j.Set("trackers", std::move(trackers));
        util::Json peers = util::Json::MakeArray();
        for (const auto& p : link->peers) peers.PushBack(p);
        j.Set("peers", std::move(peers));
        std::cout << j.Dump(json ? -1 : 2) << "\n";
        return 0;
    }
    std::error_code ec;
    const auto size = fs::file_size(source, ec);
    if (ec) {
        std::cerr << "error: " << source << ": " << ec.message() << "\n";
        return 1;
    }
    if (size > torrent::metainfo::MAX_TORRENT_FILE_SIZE) {
        std::cerr << "error: " << source << ": larger than any .torrent file should be\n";
        return 1;
    }
    std::ifstream in(source, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto m = torrent::metainfo::ParseTorrentFile(util::AsBytes(data));
    if (!m) {
        std::cerr << "error: " << source << ": " << m.error().message << "\n";
        return 1;
    }
    if (json) {
        std::cout << MetainfoJson(*m).Dump() << "\n";
    } else {
        PrintMetainfo(*m, std::cout);
    }
    return 0;
}

std::string FormatDuration(double seconds) {
    if (seconds < 0 || seconds > 99 * 3600) return "--:--";
    const auto s = static_cast<long>(seconds);
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    }
    return buf;
}

struct TransferOptions {
    std::string source;
    std::string dir = ".";
    std::string bind = "0.0.0.0";
    uint16_t port = 6881;
    std::vector<std::string> connect;
    size_t max_peers = 50;
    bool seed_after = false;   // get: keep seeding once complete
    double seed_ratio = 0;     // get: seed until uploaded >= ratio x size
    std::string max_down;      // "8M": a download rate limit
    std::string max_up;        // an upload rate limit
    bool sequential = false;
    bool super_seed = false;   // seed: BEP 16
    std::vector<std::string> trackers;  // announce URLs added to the torrent's own
    bool no_trackers = false;           // leave out the torrent's own trackers
    std::string encryption = "prefer";  // MSE/PE: prefer, require or off
    bool no_dht = false;
    bool no_lsd = false;
    std::vector<std::string> dht_bootstrap;  // HOST:PORT routers (default: the public ones)
    std::optional<uint16_t> dashboard;       // serve the live dashboard on this loopback port
    std::vector<std::string> dashboard_watch;  // other members' dashboards to show on ours
};

// `get` and `seed`: one torrent in the terminal until it is done (or forever, seeding), with
// a live progress line; SIGINT/SIGTERM stop it cleanly.
// A .torrent file read and checked, or the error to print.
util::Result<Metainfo, std::string> ReadTorrentFile(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > torrent::metainfo::MAX_TORRENT_FILE_SIZE) {
        return util::Fail(path + ": " + (ec ? ec.message() : std::string("too large for a .torrent file")));
    }
    std::ifstream in(path, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto meta = torrent::metainfo::ParseTorrentFile(util::AsBytes(data));
    if (!meta) return util::Fail(path + ": " + meta.error().message);
    return std::move(*meta);
}

// The metadata a magnet link names, fetched from peers (its x.pe, --connect, its trackers and
// --tracker) and checked against the info-hash. The link's trackers and peers join `options`
// for the download that follows.
util::Result<Metainfo, std::string> FetchFromMagnet(const std::string& uri, torrent::session::SessionOptions& options,
                                                    bool no_trackers, StopSignals& signals, ProgressLine& progress) {
    auto link = torrent::metainfo::ParseMagnet(uri);
    if (!link) return util::Fail("magnet link: " + link.error());
    std::vector<std::vector<std::string>> tiers;
    if (!no_trackers) {
        for (const auto& t : link->trackers) tiers.push_back({t});
    }
    for (auto& t : options.trackers) tiers.push_back(std::move(t));
    options.trackers = tiers;
    for (const auto& p : link->peers) {
        if (auto ep = netcore::PeerEndpoint::Parse(p)) options.connect.push_back(*ep);
    }
    if (options.trackers.empty() && options.connect.empty() && !options.dht && !options.lsd) {
        return util::Fail(std::string("magnet link: no tracker, no peer, no DHT and no local discovery to ask (give --tracker or --connect, or leave the DHT or local discovery on)"));
    }
    auto file = torrent::session::FetchMetadata(
        link->info_hashes, options, [&progress](const std::string& line) { progress.Finish(line); },
        [&signals] { return signals.WaitFor(std::chrono::milliseconds(0)) != 0; },
        [&progress](const torrent::session::FetchProgress& p) {
            if (p.layer_runs_total > 0) {
                progress.Update("fetching piece layers: " + std::to_string(p.layer_runs_have) + " of " +
                                std::to_string(p.layer_runs_total) + " runs of hashes");
                return;
            }
            progress.Update("fetching metadata: " + std::to_string(p.pieces_have) + " of " +
                            (p.pieces_total ? std::to_string(p.pieces_total) : std::string("?")) + " pieces, " +
                            std::to_string(p.peers) + " peers offer it");
        });
    if (!file) return util::Fail("metadata: " + file.error());
    options.banned = file->banned;
    auto meta = torrent::metainfo::ParseTorrentFile(util::AsBytes(file->torrent_file));
    if (!meta) return util::Fail("metadata from peers: " + meta.error().message);
    meta->trackers = tiers;
    progress.Finish("metadata: " + meta->name + ", " + std::to_string(meta->info_bytes.size()) +
                    " bytes, checked against the info-hash");
    return std::move(*meta);
}

int RunTransfer(const TransferOptions& o, bool seed_mode) {
    // SIGINT/SIGTERM are waited for below, so they end the loop cleanly.
    StopSignals signals;
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    ProgressLine progress(std::cerr, tty);
    const bool magnet = o.source.rfind("magnet:", 0) == 0;
    torrent::session::SessionOptions options;
    options.listen.push_back({o.bind, o.port});
    for (const auto& c : o.connect) {
        auto ep = netcore::PeerEndpoint::Parse(c);
        if (!ep) {
            std::cerr << "error: --connect takes HOST:PORT, not '" << c << "'\n";
            return 1;
        }
        options.connect.push_back(*ep);
    }
    for (const auto& t : o.trackers) options.trackers.push_back({t});
    options.max_peers = o.max_peers;
    options.sequential = o.sequential;
    options.super_seed = o.super_seed;
    options.dht = !o.no_dht;
    options.lsd = !o.no_lsd;
    for (const auto& b : o.dht_bootstrap) {
        auto ep = netcore::PeerEndpoint::Parse(b);
        if (!ep) {
            std::cerr << "error: --dht-bootstrap takes HOST:PORT, not '" << b << "'\n";
            return 1;
        }
        options.dht_routers.push_back(*ep);
    }
    options.dht_nodes_file = fs::path(o.dir) / ".tonari" / "dht.nodes";
    if (!torrent::mse::ParsePolicy(o.encryption, options.encryption)) {
        std::cerr << "error: --encryption takes prefer, require or off, not '" << o.encryption << "'\n";
        return 1;
    }
    if (!o.max_down.empty()) {
        options.max_download_bytes_per_sec = static_cast<double>(ParseSize(o.max_down));
        if (options.max_download_bytes_per_sec <= 0) {
            std::cerr << "error: --max-down takes bytes per second, or a number with K or M (e.g. 8M)\n";
            return 1;
        }
    }
    if (!o.max_up.empty()) {
        options.max_upload_bytes_per_sec = static_cast<double>(ParseSize(o.max_up));
        if (options.max_upload_bytes_per_sec <= 0) {
            std::cerr << "error: --max-up takes bytes per second, or a number with K or M (e.g. 2M)\n";
            return 1;
        }
    }

    if (!o.dashboard_watch.empty() && !o.dashboard) {
        std::cerr << "error: --dashboard-watch shows other dashboards on ours: give --dashboard too\n";
        return 1;
    }
    if (magnet && seed_mode) {
        std::cerr << "error: seeding needs the .torrent file (a magnet link has no metadata to check the files against)\n";
        return 1;
    }
    auto meta = magnet ? FetchFromMagnet(o.source, options, o.no_trackers, signals, progress) : ReadTorrentFile(o.source);
    if (!meta) {
        progress.Finish("error: " + meta.error());
        return 1;
    }
    if (!magnet && !o.no_trackers) {
        auto own = meta->trackers;
        own.insert(own.end(), options.trackers.begin(), options.trackers.end());
        options.trackers = std::move(own);
    }
    auto env = storage::Env::MakePosix();
    const auto started = std::chrono::steady_clock::now();
    auto log = [&progress](const std::string& line) { progress.Finish(line); };
    auto recheck = [&](uint64_t done, uint64_t total) {
        progress.Update("checking " + meta->name + ": " + std::to_string(done * 100 / std::max<uint64_t>(total, 1)) + "%");
    };
    auto session = torrent::session::Session::Start(*env, *meta, o.dir, options, log, recheck);
    if (!session) {
        progress.Finish("error: " + session.error());
        return 1;
    }
    auto& s = **session;
    const auto first = s.Stats();
    for (const auto& ep : s.ListenEndpoints()) std::cout << "listening on " << ep.ToString() << std::endl;
    progress.Finish(meta->name + ": " + std::to_string(first.pieces_have) + " of " + std::to_string(first.pieces_total) +
                    " pieces already here" + (seed_mode ? ", seeding" : ""));
    if (seed_mode && first.pieces_have < first.pieces_total) {
        progress.Finish("note: the data is incomplete; the missing pieces will be downloaded too");
    }

    const double total = static_cast<double>(meta->ContentSize());
    bool announced_complete = first.pieces_have == first.pieces_total;
    std::unique_ptr<TorrentDashboard> dashboard;
    if (o.dashboard) {
        TorrentFacts facts;
        facts.name = meta->name;
        facts.info_hash = meta->info_hashes.v1 ? torrent::metainfo::ToHex(*meta->info_hashes.v1)
                                               : torrent::metainfo::ToHex(*meta->info_hashes.v2);
        facts.size = meta->ContentSize();
        facts.pieces = first.pieces_total;
        facts.piece_length = meta->piece_length;
        facts.peer_id = s.PeerIdHex();
        for (const auto& ep : s.ListenEndpoints()) facts.listen.push_back(ep.ToString());
        facts.started_complete = announced_complete;
        facts.mode = seed_mode ? "seed" : "get";
        auto started_dashboard = TorrentDashboard::Start(*o.dashboard, o.dashboard_watch, std::move(facts));
        if (!started_dashboard) {
            progress.Finish("error: " + started_dashboard.error());
            return 1;
        }
        dashboard = std::move(*started_dashboard);
        std::cout << "dashboard on " << dashboard->Url() << std::endl;
    }
    int exit_code = 0;
    while (true) {
        if (dashboard) {
            dashboard->Update(s);
            for (const auto& line : dashboard->TakeLog()) progress.Finish(line);
        }
        if (signals.WaitFor(std::chrono::milliseconds(250)) != 0) {
            progress.Finish("stopping");
            exit_code = seed_mode || announced_complete ? 0 : 1;
            break;
        }
        if (auto error = s.Error()) {
            progress.Finish("error: " + *error);
            exit_code = 1;
            break;
        }
        const auto st = s.Stats();
        const double have = static_cast<double>(st.bytes_have);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        char line[256];
        std::snprintf(line, sizeof line, "%s %5.1f%%  down %s/s  up %s/s  peers %zu (seeds %zu)  ETA %s",
                      st.pieces_have == st.pieces_total ? "seeding" : "getting", 100.0 * have / std::max(total, 1.0),
                      FormatBytes(st.download_rate).c_str(), FormatBytes(st.upload_rate).c_str(), st.peers, st.seeds,
                      FormatDuration(st.download_rate > 0 ? (total - have) / st.download_rate : -1).c_str());
        progress.Update(line);
        if (st.pieces_have == st.pieces_total && !announced_complete) {
            announced_complete = true;
            char done[256];
            std::snprintf(done, sizeof done, "complete: %s, %s in %.1f s, every piece checked", meta->name.c_str(),
                          FormatBytes(total).c_str(), secs);
            // Published before the line is printed, so whoever waits for the line finds them.
            if (dashboard) {
                dashboard->Update(s, true);
                dashboard->NoteComplete(secs);
            }
            progress.Finish(done);
        }
        if (announced_complete && !seed_mode && !o.seed_after &&
            (o.seed_ratio <= 0 || static_cast<double>(st.uploaded) >= o.seed_ratio * total)) {
            break;
        }
    }
    if (dashboard) {
        dashboard->Update(s, true);
        dashboard->Linger();
    }
    s.Stop();
    const auto last = s.Stats();
    progress.Finish("downloaded " + FormatBytes(static_cast<double>(last.downloaded)) + " (" +
                    std::to_string(last.downloaded) + " bytes), uploaded " + FormatBytes(static_cast<double>(last.uploaded)) +
                    " (" + std::to_string(last.uploaded) + " bytes)" +
                    (last.hash_failures ? ", " + std::to_string(last.hash_failures) + " pieces failed their check" : "") +
                    (last.peers_banned ? ", " + std::to_string(last.peers_banned) + " peers banned" : ""));
    return exit_code;
}

}  // namespace

int RunTorrent(int argc, char** argv) {
    CLI::App app{"tonari torrent: BitTorrent file sharing (v1, v2 and hybrid torrents, magnet links)"};
    app.name("tonari torrent");
    app.require_subcommand(1);

    std::string input, output, piece_size, comment, version = "hybrid";
    std::vector<std::string> trackers, web_seeds;
    bool is_private = false, no_date = false, v1 = false, v2 = false, hybrid = false;
    size_t threads = 0;
    CLI::App* create = app.add_subcommand("create", "Make a .torrent file from a file or a folder");
    create->add_option("path", input, "The file or folder to share")->required();
    create->add_option("-o,--output", output, "Where to write the .torrent (default: NAME.torrent here)");
    create->add_flag("--v1", v1, "A v1 torrent (SHA-1 pieces), for old clients only");
    create->add_flag("--v2", v2, "A v2 torrent (BEP 52: SHA-256 merkle trees per file)");
    create->add_flag("--hybrid", hybrid, "Both at once, for every client (the default)");
    create->add_option("--piece-size", piece_size,
                       "Piece size in bytes, or with K or M (a power of two from 16K for v2 and hybrid; "
                       "default: chosen from the size, 16K to 16M)");
    create->add_option("--tracker", trackers, "Announce URL (repeatable; each one its own tier)");
    create->add_option("--web-seed", web_seeds, "Web seed URL (BEP 19, repeatable)");
    create->add_flag("--private", is_private, "Private torrent (BEP 27): trackers only, no DHT or peer exchange");
    create->add_option("--comment", comment, "Free text stored in the torrent");
    create->add_flag("--no-date", no_date, "Leave out the creation date (the same input then gives the same file)");
    create->add_option("--threads", threads, "Hashing threads (default: one per core)");

    std::string source;
    bool json = false;
    CLI::App* info = app.add_subcommand("info", "Show what a .torrent file or a magnet link holds");
    info->add_option("source", source, "A .torrent file or a magnet: link")->required();
    info->add_flag("--json", json, "Print JSON (every file, the magnet link)");

    TransferOptions transfer;
    auto add_network = [&transfer](CLI::App* cmd) {
        cmd->add_option("-d,--dir", transfer.dir, "Folder the torrent's files are in (or go to)")->capture_default_str();
        cmd->add_option("--port", transfer.port, "Port to accept peers on (0: any free port)")->capture_default_str();
        cmd->add_option("--bind", transfer.bind, "Address to accept peers on")->capture_default_str();
        cmd->add_option("--connect", transfer.connect, "A peer to connect to and keep, HOST:PORT (repeatable)");
        cmd->add_option("--max-peers", transfer.max_peers, "Connections accepted at once")->capture_default_str();
        cmd->add_option("--max-down", transfer.max_down, "Download rate limit for all peers together, bytes per second or with K or M");
        cmd->add_option("--max-up", transfer.max_up, "Upload rate limit for all peers together, bytes per second or with K or M");
        cmd->add_option("--tracker", transfer.trackers, "Also announce to this tracker URL, http:// or udp:// (repeatable)");
        cmd->add_flag("--no-trackers", transfer.no_trackers, "Leave out the torrent's own trackers (those given with --tracker are still used)");
        cmd->add_option("--encryption", transfer.encryption,
                        "Message Stream Encryption: prefer (RC4 with peers that speak it, plain with the rest), "
                        "require (RC4 only; plain peers refused) or off")
            ->capture_default_str();
        cmd->add_flag("--no-dht", transfer.no_dht, "Do not use the DHT to find peers (it is never used for private torrents)");
        cmd->add_flag("--no-lsd", transfer.no_lsd,
                      "Do not announce on, or take peers from, the local network's multicast group (BEP 14 local "
                      "service discovery; never used for private torrents)");
        cmd->add_option("--dht-bootstrap", transfer.dht_bootstrap,
                        "A DHT node to join the DHT through, HOST:PORT (repeatable; default: the public routers)");
        cmd->add_option("--dashboard", transfer.dashboard,
                        "Serve the live dashboard on this port, loopback only (0: any free port): the piece map, "
                        "the peers and the bytes each way");
        cmd->add_option("--dashboard-watch", transfer.dashboard_watch,
                        "Also show this dashboard's swarm member on ours, http://127.0.0.1:PORT/ (repeatable, at most 16)");
    };
    CLI::App* get = app.add_subcommand("get", "Download a torrent, checking every piece; exit 0 once complete");
    get->add_option("torrent", transfer.source, "The .torrent file, or a magnet: link (its metadata is fetched from peers)")->required();
    add_network(get);
    get->add_flag("--seed", transfer.seed_after, "Keep seeding once complete, until stopped");
    get->add_option("--seed-ratio", transfer.seed_ratio, "Keep seeding until uploaded is this many times the size");
    get->add_flag("--sequential", transfer.sequential, "Fetch pieces in order (for playing while downloading)");
    CLI::App* seed = app.add_subcommand("seed", "Seed a torrent's files after checking them, until stopped");
    seed->add_option("torrent", transfer.source, "The .torrent file")->required();
    add_network(seed);
    seed->add_flag("--super-seed", transfer.super_seed,
                   "Offer pieces a few at a time so each leaves this seed about once (BEP 16): for the "
                   "first seeder of new content");

    TrackerCommandOptions tracker_options;
    CLI::App* tracker = app.add_subcommand("tracker", "Run a BitTorrent tracker (HTTP and UDP on one port) until stopped");
    tracker->add_option("--port", tracker_options.port, "Port for both HTTP and UDP (0: any free port)")->capture_default_str();
    tracker->add_option("--bind", tracker_options.bind, "Address to serve on")->capture_default_str();
    tracker->add_option("--interval", tracker_options.interval_s, "Seconds between a client's announces")->capture_default_str();
    tracker->add_flag("!--no-udp", tracker_options.udp, "Serve HTTP only");

    DhtNodeCommandOptions dht_options;
    std::vector<std::string> dht_routers;
    CLI::App* dht_node = app.add_subcommand("dht-node", "Run a DHT node with no torrents of its own (a bootstrap node) until stopped");
    dht_node->add_option("--port", dht_options.port, "UDP port (0: any free port)")->capture_default_str();
    dht_node->add_option("--bind", dht_options.bind, "Address to serve on")->capture_default_str();
    dht_node->add_option("--dht-bootstrap", dht_routers, "A DHT node to join through, HOST:PORT (repeatable; default: none)");
    std::string nodes_file;
    dht_node->add_option("--nodes-file", nodes_file, "Where to keep the nodes it knows across restarts");

    DaemonCommandOptions daemon_options;
    const char* home = std::getenv("HOME");
    daemon_options.datadir = (fs::path(home ? home : ".") / ".tonari-torrent").string();
    bool daemon_no_dht = false;
    bool daemon_no_lsd = false;
    std::vector<std::string> daemon_routers;
    std::string daemon_encryption = "prefer";
    CLI::App* daemon = app.add_subcommand("daemon", "Run many torrents, driven over Transmission's RPC (transmission-remote), until stopped");
    daemon->add_option("--datadir", daemon_options.datadir, "Where the daemon keeps its torrents and state")->capture_default_str();
    daemon->add_option("--download-dir", daemon_options.download_dir, "Default folder for downloads (default: DATADIR/downloads)");
    daemon->add_option("--rpcport", daemon_options.rpcport, "RPC port (Transmission's is 9091)")->capture_default_str();
    daemon->add_option("--rpcbind", daemon_options.rpcbind, "Address the RPC listens on")->capture_default_str();
    daemon->add_option("--rpcallowip", daemon_options.rpcallowip, "Also take RPC from this address or subnet (repeatable; loopback always)");
    daemon->add_option("--rpcuser", daemon_options.rpcuser, "RPC user name (with --rpcpassword; default: a cookie file in DATADIR)");
    daemon->add_option("--rpcpassword", daemon_options.rpcpassword, "RPC password");
    daemon->add_option("--rpcauth", daemon_options.rpcauth, "USER:SALT$HASH as bitcoind's -rpcauth (repeatable)");
    daemon->add_option("--bind", daemon_options.bind, "Address torrents take peers on (each on a free port)")->capture_default_str();
    daemon->add_option("--encryption", daemon_encryption, "Message Stream Encryption: prefer, require or off")->capture_default_str();
    daemon->add_flag("--no-dht", daemon_no_dht, "Do not use the DHT");
    daemon->add_flag("--no-lsd", daemon_no_lsd, "Do not use local service discovery (BEP 14)");
    daemon->add_option("--dht-bootstrap", daemon_routers, "A DHT node to join through, HOST:PORT (repeatable)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (*create) {
        if (static_cast<int>(v1) + static_cast<int>(v2) + static_cast<int>(hybrid) > 1) {
            std::cerr << "error: choose one of --v1, --v2, --hybrid\n";
            return 1;
        }
        version = v1 ? "v1" : v2 ? "v2" : "hybrid";
        return RunCreate(input, output, version, piece_size, trackers, web_seeds, is_private, comment, no_date,
                         threads);
    }
    if (*info) return RunInfo(source, json);
    if (*get) return RunTransfer(transfer, false);
    if (*seed) return RunTransfer(transfer, true);
    if (*tracker) return RunTrackerServer(tracker_options);
    if (*daemon) {
        daemon_options.session.dht = !daemon_no_dht;
        daemon_options.session.lsd = !daemon_no_lsd;
        if (!torrent::mse::ParsePolicy(daemon_encryption, daemon_options.session.encryption)) {
            std::cerr << "error: --encryption takes prefer, require or off\n";
            return 1;
        }
        for (const auto& r : daemon_routers) {
            auto ep = netcore::PeerEndpoint::Parse(r);
            if (!ep) {
                std::cerr << "error: --dht-bootstrap takes HOST:PORT, not '" << r << "'\n";
                return 1;
            }
            daemon_options.session.dht_routers.push_back(*ep);
        }
        return RunTorrentDaemon(daemon_options);
    }
    if (*dht_node) {
        for (const auto& r : dht_routers) {
            auto ep = netcore::PeerEndpoint::Parse(r);
            if (!ep) {
                std::cerr << "error: --dht-bootstrap takes HOST:PORT, not '" << r << "'\n";
                return 1;
            }
            dht_options.routers.push_back(*ep);
        }
        dht_options.nodes_file = nodes_file;
        return RunDhtNode(dht_options);
    }
    return 1;
}

}  // namespace tonari::app
