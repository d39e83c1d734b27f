// `tonari torrent …`: the file-sharing commands. `create` makes a .torrent from a file or a
// folder, hashing on every core; `info` shows what a .torrent file or magnet link holds.
// Its own CLI11 parser, as `node` and `cli` have theirs, so main.cpp stays a dispatcher.
#include "app/torrent_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>

#include "app/progress_line.h"
#include "storage/env.h"
#include "torrent/create/create.h"
#include "torrent/metainfo/magnet.h"
#include "torrent/metainfo/metainfo.h"
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
    const std::string temp = output + ".part";
    std::error_code ec;
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
        if (!out.flush()) {
            fs::remove(temp, ec);
            progress.Finish("error: cannot write " + temp);
            return 1;
        }
    }
    fs::rename(temp, output, ec);
    if (ec) {
        progress.Finish("error: cannot write " + output + ": " + ec.message());
        fs::remove(temp, ec);
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
    return 1;
}

}  // namespace tonari::app
