// Hashing files into a .torrent: the piece-space layout, parallel piece hashing, and the
// bencoded result.
#include "torrent/create/create.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <system_error>

#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "torrent/bencode/bencode.h"
#include "torrent/metainfo/merkle.h"

namespace tonari::torrent::create {

namespace fs = std::filesystem;
using bencode::Value;
using metainfo::Sha256Hash;
using metainfo::TorrentVersion;

namespace {

bool IsExecutable(const fs::path& p, std::error_code& ec) {
    const auto perms = fs::status(p, ec).permissions();
    return (perms & fs::perms::owner_exec) != fs::perms::none;
}

}  // namespace

util::Result<std::vector<InputFile>, std::string> CollectFiles(const fs::path& root) {
    std::error_code ec;
    const auto status = fs::status(root, ec);
    if (ec) return util::Fail(root.string() + ": " + ec.message());
    std::vector<InputFile> files;
    if (fs::is_regular_file(status)) {
        InputFile f;
        f.disk_path = root;
        f.length = fs::file_size(root, ec);
        if (!ec) f.executable = IsExecutable(root, ec);
        if (ec) return util::Fail(root.string() + ": " + ec.message());
        files.push_back(std::move(f));
        return files;
    }
    if (!fs::is_directory(status)) return util::Fail(root.string() + ": not a file or folder");
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec) || ec) continue;
        InputFile f;
        f.disk_path = it->path();
        f.length = it->file_size(ec);
        if (!ec) f.executable = IsExecutable(it->path(), ec);
        if (ec) break;
        for (const auto& part : it->path().lexically_relative(root)) f.path.push_back(part.string());
        files.push_back(std::move(f));
    }
    if (ec) return util::Fail(root.string() + ": " + ec.message());
    if (files.empty()) return util::Fail(root.string() + ": the folder holds no files");
    std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
    return files;
}

uint64_t AutoPieceLength(uint64_t total_size) {
    uint64_t piece = metainfo::MERKLE_BLOCK_SIZE;
    while (total_size / piece > 1500 && piece < (16u << 20)) piece *= 2;
    return piece;
}

namespace {

uint64_t AlignUp(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }

// One entry of the piece space: a file, or (hybrid) the padding after one.
struct Span {
    uint64_t offset;
    uint64_t length;
    int64_t file;  // index into the input files; -1 for padding
};

struct Layout {
    std::vector<Span> spans;
    std::vector<uint64_t> file_offsets;
    uint64_t total = 0;
};

Layout PlanLayout(const std::vector<InputFile>& files, uint64_t piece_length, TorrentVersion version) {
    Layout l;
    const bool aligned = version != TorrentVersion::V1;
    size_t last_data = 0;  // in a v2 torrent the last file with data needs no padding after it
    for (size_t i = 0; i < files.size(); ++i) {
        if (files[i].length > 0) last_data = i;
    }
    for (size_t i = 0; i < files.size(); ++i) {
        l.file_offsets.push_back(l.total);
        l.spans.push_back({l.total, files[i].length, static_cast<int64_t>(i)});
        l.total += files[i].length;
        // Padding straight after the file that needs it, as libtorrent places it: in a hybrid
        // after every file with data (so its v1 pieces match libtorrent's byte for byte), in
        // a v2 torrent only between files.
        // One file (alone, or alone in a folder) gets no padding, as with libtorrent.
        const bool pad_here = (version == TorrentVersion::Hybrid && files.size() > 1) || i < last_data;
        if (aligned && files[i].length > 0 && pad_here && l.total % piece_length != 0) {
            const uint64_t next = AlignUp(l.total, piece_length);
            if (version == TorrentVersion::Hybrid) l.spans.push_back({l.total, next - l.total, -1});
            l.total = next;
        }
    }
    return l;
}

struct Hashes {
    std::vector<metainfo::Sha1Hash> v1;
    std::vector<std::vector<Sha256Hash>> leaves;  // per file
};

// Reads piece space [start, start + out.size()) into `out`; padding and gaps read as zeros.
// Keeps one open file between calls (`open_index`), since consecutive pieces mostly share it.
util::Result<bool, std::string> ReadRange(storage::Env& env, const std::vector<InputFile>& files, const Layout& layout,
                                          uint64_t start, std::span<uint8_t> out,
                                          std::unique_ptr<storage::ReadableFile>& open, int64_t& open_index) {
    std::fill(out.begin(), out.end(), 0);
    const uint64_t end = start + out.size();
    auto it = std::upper_bound(layout.spans.begin(), layout.spans.end(), start,
                               [](uint64_t pos, const Span& s) { return pos < s.offset; });
    if (it != layout.spans.begin()) --it;
    for (; it != layout.spans.end() && it->offset < end; ++it) {
        if (it->file < 0 || it->length == 0 || it->offset + it->length <= start) continue;
        const uint64_t from = std::max(start, it->offset);
        const uint64_t to = std::min(end, it->offset + it->length);
        if (open_index != it->file) {
            auto f = env.OpenReadable(files[static_cast<size_t>(it->file)].disk_path);
            if (!f) return util::Fail(files[static_cast<size_t>(it->file)].disk_path.string() + ": " + f.error().message);
            open = std::move(*f);
            open_index = it->file;
        }
        auto got = open->ReadAt(from - it->offset, out.subspan(from - start, to - from));
        if (!got) return util::Fail(files[static_cast<size_t>(it->file)].disk_path.string() + ": " + got.error().message);
        if (*got != to - from) {
            return util::Fail(files[static_cast<size_t>(it->file)].disk_path.string() + ": the file shrank while hashing");
        }
    }
    return true;
}

Value FileTree(const std::vector<InputFile>& files, const std::string& name,
               const std::vector<Sha256Hash>& roots) {
    Value tree = Value::Dict();
    for (size_t i = 0; i < files.size(); ++i) {
        Value* dir = &tree;
        const std::vector<std::string> path = files[i].path.empty() ? std::vector<std::string>{name} : files[i].path;
        for (const auto& part : path) {
            Value* existing = dir->Find(part);
            dir = existing ? existing : &dir->Set(part, Value::Dict());
        }
        Value leaf = Value::Dict();
        if (files[i].executable) leaf.Set("attr", Value::Str("x"));
        leaf.Set("length", Value::Int(static_cast<int64_t>(files[i].length)));
        if (files[i].length > 0) leaf.Set("pieces root", Value::Str(util::ByteSpan(roots[i].data(), 32)));
        dir->Set("", std::move(leaf));
    }
    return tree;
}

}  // namespace

util::Result<std::string, std::string> CreateTorrent(storage::Env& env, const std::string& name,
                                                     const std::vector<InputFile>& files,
                                                     const CreateOptions& options, util::WorkerPool& pool,
                                                     const Progress& progress) {
    if (files.empty()) return util::Fail(std::string("no files"));
    uint64_t content = 0;
    for (const auto& f : files) content += f.length;
    if (content == 0) return util::Fail(std::string("the files hold no data"));
    const bool single = files.size() == 1 && files[0].path.empty();
    const uint64_t piece_length = options.piece_length ? options.piece_length : AutoPieceLength(content);
    const bool want_v1 = options.version != TorrentVersion::V2;
    const bool want_v2 = options.version != TorrentVersion::V1;
    if (want_v2 && (piece_length < metainfo::MERKLE_BLOCK_SIZE || (piece_length & (piece_length - 1)) != 0)) {
        return util::Fail(std::string("a v2 or hybrid piece length must be a power of two of at least 16 KiB"));
    }
    if (piece_length > metainfo::MAX_PIECE_LENGTH) return util::Fail(std::string("piece length too large"));
    if (piece_length % metainfo::MERKLE_BLOCK_SIZE != 0) {
        return util::Fail(std::string("the piece length must be a multiple of 16 KiB"));
    }

    const Layout layout = PlanLayout(files, piece_length, options.version);
    const uint64_t piece_count = (layout.total + piece_length - 1) / piece_length;
    Hashes hashes;
    if (want_v1) hashes.v1.resize(piece_count);
    if (want_v2) {
        hashes.leaves.resize(files.size());
        for (size_t i = 0; i < files.size(); ++i) {
            hashes.leaves[i].resize((files[i].length + metainfo::MERKLE_BLOCK_SIZE - 1) / metainfo::MERKLE_BLOCK_SIZE);
        }
    }

    // Consecutive pieces per task, so a task reuses its buffer and its open file.
    const size_t tasks = std::min<uint64_t>(piece_count, pool.ThreadCount() * 16);
    if (piece_count > metainfo::MAX_PIECES) return util::Fail(std::string("too many pieces: choose a larger piece size"));
    std::atomic<uint64_t> pieces_done{0};
    std::atomic<bool> failed{false};
    std::string error;
    std::mutex error_mutex;
    pool.ParallelFor(tasks, [&](size_t task) {
        const uint64_t first = piece_count * task / tasks;
        const uint64_t last = piece_count * (task + 1) / tasks;
        std::vector<uint8_t> buffer(piece_length);
        std::unique_ptr<storage::ReadableFile> open;
        int64_t open_index = -1;
        for (uint64_t p = first; p < last && !failed.load(std::memory_order_relaxed); ++p) {
            const uint64_t start = p * piece_length;
            const uint64_t size = std::min(piece_length, layout.total - start);
            const std::span<uint8_t> piece(buffer.data(), size);
            auto read = ReadRange(env, files, layout, start, piece, open, open_index);
            if (!read) {
                std::lock_guard lock(error_mutex);
                if (!failed.exchange(true)) error = read.error();
                return;
            }
            if (want_v1) hashes.v1[p] = crypto::Sha1(piece);
            if (want_v2) {
                // In an aligned layout a piece holds data of one file at most.
                auto it = std::upper_bound(layout.file_offsets.begin(), layout.file_offsets.end(), start);
                const size_t f = static_cast<size_t>(it - layout.file_offsets.begin()) - 1;
                const uint64_t file_start = layout.file_offsets[f];
                const uint64_t file_end = file_start + files[f].length;
                for (uint64_t pos = start; pos < std::min(start + size, file_end); pos += metainfo::MERKLE_BLOCK_SIZE) {
                    const uint64_t block_len = std::min(metainfo::MERKLE_BLOCK_SIZE, file_end - pos);
                    hashes.leaves[f][(pos - file_start) / metainfo::MERKLE_BLOCK_SIZE] =
                        crypto::Sha256Hash(util::ByteSpan(buffer.data() + (pos - start), block_len));
                }
            }
            const uint64_t done = pieces_done.fetch_add(1) + 1;
            if (progress) progress(done, piece_count);
        }
    });
    if (failed) return util::Fail(error);

    Value info = Value::Dict();
    info.Set("name", Value::Str(name));
    info.Set("piece length", Value::Int(static_cast<int64_t>(piece_length)));
    if (options.is_private) info.Set("private", Value::Int(1));
    Value top = Value::Dict();
    if (want_v2) {
        std::vector<Sha256Hash> roots(files.size());
        Value layers = Value::Dict();
        const uint64_t blocks_per_piece = piece_length / metainfo::MERKLE_BLOCK_SIZE;
        for (size_t i = 0; i < files.size(); ++i) {
            if (files[i].length == 0) continue;
            roots[i] = metainfo::RootFromLeaves(hashes.leaves[i]);
            if (files[i].length > piece_length) {
                std::string layer;
                for (const auto& h : metainfo::PieceLayerFromLeaves(hashes.leaves[i], blocks_per_piece)) {
                    layer.append(reinterpret_cast<const char*>(h.data()), h.size());
                }
                layers.Set(std::string(reinterpret_cast<const char*>(roots[i].data()), 32), Value::Str(layer));
            }
        }
        info.Set("meta version", Value::Int(2));
        info.Set("file tree", FileTree(files, name, roots));
        top.Set("piece layers", std::move(layers));
    }
    if (want_v1) {
        std::string pieces;
        pieces.reserve(hashes.v1.size() * 20);
        for (const auto& h : hashes.v1) pieces.append(reinterpret_cast<const char*>(h.data()), h.size());
        info.Set("pieces", Value::Str(pieces));
        if (single) {
            info.Set("length", Value::Int(static_cast<int64_t>(files[0].length)));
            if (files[0].executable) info.Set("attr", Value::Str("x"));
        } else {
            Value list = Value::List();
            for (const Span& s : layout.spans) {
                Value entry = Value::Dict();
                entry.Set("length", Value::Int(static_cast<int64_t>(s.length)));
                Value path = Value::List();
                if (s.file < 0) {
                    entry.Set("attr", Value::Str("p"));
                    path.Push(Value::Str(".pad"));
                    path.Push(Value::Str(std::to_string(s.length)));
                } else {
                    const InputFile& f = files[static_cast<size_t>(s.file)];
                    for (const auto& part : f.path) path.Push(Value::Str(part));
                    if (f.executable) entry.Set("attr", Value::Str("x"));
                }
                entry.Set("path", std::move(path));
                list.Push(std::move(entry));
            }
            info.Set("files", std::move(list));
        }
    }

    if (!options.trackers.empty()) {
        top.Set("announce", Value::Str(options.trackers[0]));
        if (options.trackers.size() > 1) {
            Value tiers = Value::List();
            for (const auto& t : options.trackers) {
                Value tier = Value::List();
                tier.Push(Value::Str(t));
                tiers.Push(std::move(tier));
            }
            top.Set("announce-list", std::move(tiers));
        }
    }
    if (!options.comment.empty()) top.Set("comment", Value::Str(options.comment));
    if (!options.created_by.empty()) top.Set("created by", Value::Str(options.created_by));
    if (options.creation_date > 0) top.Set("creation date", Value::Int(options.creation_date));
    if (!options.web_seeds.empty()) {
        Value urls = Value::List();
        for (const auto& u : options.web_seeds) urls.Push(Value::Str(u));
        top.Set("url-list", std::move(urls));
    }
    top.Set("info", std::move(info));
    return bencode::Encode(top);
}

}  // namespace tonari::torrent::create
