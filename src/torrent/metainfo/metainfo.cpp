// Parsing and checking .torrent files and info dictionaries (v1, v2, hybrid).
#include "torrent/metainfo/metainfo.h"

#include <algorithm>
#include <set>

namespace tonari::torrent::metainfo {

const char* VersionName(TorrentVersion v) {
    switch (v) {
        case TorrentVersion::V1: return "v1";
        case TorrentVersion::V2: return "v2";
        case TorrentVersion::Hybrid: return "hybrid";
    }
    return "?";
}

uint64_t Metainfo::PieceCount() const { return piece_length == 0 ? 0 : (total_size + piece_length - 1) / piece_length; }

uint64_t Metainfo::PieceSize(uint64_t piece) const {
    if (piece >= PieceCount()) return 0;
    const uint64_t start = piece * piece_length;
    return std::min(piece_length, total_size - start);
}

uint64_t Metainfo::PieceDataSize(uint64_t piece) const {
    const uint64_t start = piece * piece_length;
    const uint64_t size = PieceSize(piece);
    if (version == TorrentVersion::V1 || size == 0) return size;
    // The last data file starting at or before the piece's end.
    auto it = std::upper_bound(files.begin(), files.end(), start + size - 1,
                               [](uint64_t pos, const FileEntry& f) { return pos < f.offset; });
    while (it != files.begin()) {
        --it;
        if (it->pad || it->length == 0) continue;
        const uint64_t end = it->offset + it->length;
        return end <= start ? 0 : std::min(size, end - start);
    }
    return 0;
}

uint64_t Metainfo::ContentSize() const {
    uint64_t n = 0;
    for (const auto& f : files) {
        if (!f.pad) n += f.length;
    }
    return n;
}

namespace {

using bencode::Value;

util::Unexpected<MetainfoError> Err(MetainfoErrorCode code, std::string msg) {
    return util::Fail(MetainfoError{code, std::move(msg)});
}

uint64_t AlignUp(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }

// "attr" of BEP 47: a string of flag letters.
// Bytes of all paths of a torrent, bounded as a whole (MAX_TOTAL_PATH_BYTES) and per path.
class PathBudget {
public:
    MetainfoResult<bool> Charge(const std::vector<std::string>& path) {
        size_t bytes = 0;
        for (const auto& p : path) bytes += p.size() + 1;
        if (path.size() > MAX_PATH_COMPONENTS + 1 || bytes > MAX_PATH_BYTES) {
            return Err(MetainfoErrorCode::TooLarge, "a file path is too long");
        }
        m_total += bytes;
        if (m_total > MAX_TOTAL_PATH_BYTES) return Err(MetainfoErrorCode::TooLarge, "the file paths are too long in all");
        return true;
    }

private:
    size_t m_total = 0;
};

void ReadAttributes(const Value& file_dict, FileEntry& f) {
    const Value* attr = file_dict.FindString("attr");
    if (!attr) return;
    const std::string& a = attr->AsString();
    f.pad = a.find('p') != std::string::npos;
    f.executable = a.find('x') != std::string::npos;
    f.hidden = a.find('h') != std::string::npos;
}

MetainfoResult<std::vector<std::string>> ReadPathList(const Value& list, std::string_view what) {
    std::vector<std::string> out;
    if (list.Items().size() > MAX_PATH_COMPONENTS) {
        return Err(MetainfoErrorCode::TooLarge, std::string(what) + " has too many components");
    }
    for (const Value& part : list.Items()) {
        if (!part.IsString()) return Err(MetainfoErrorCode::BadField, std::string(what) + " holds a non-string");
        auto safe = SanitizePathComponent(part.AsString());
        if (!safe) return util::Fail(safe.error());
        out.push_back(std::move(*safe));
    }
    if (out.empty()) return Err(MetainfoErrorCode::UnsafePath, std::string(what) + " is empty");
    return out;
}

MetainfoResult<int64_t> ReadLength(const Value& dict) {
    const Value* len = dict.FindInt("length");
    if (!len) return Err(MetainfoErrorCode::MissingField, "a file has no integer 'length'");
    if (len->AsInt() < 0) return Err(MetainfoErrorCode::BadField, "a file has a negative length");
    if (static_cast<uint64_t>(len->AsInt()) > MAX_TOTAL_SIZE) return Err(MetainfoErrorCode::TooLarge, "a file is too large");
    return len->AsInt();
}

// The v1 file list: "length" (one file named `name`) or "files".
MetainfoResult<std::vector<FileEntry>> ReadV1Files(const Value& info, const std::string& name, bool& single) {
    std::vector<FileEntry> files;
    PathBudget budget;
    if (const Value* len = info.Find("length")) {
        if (!len->IsInt()) return Err(MetainfoErrorCode::BadField, "'length' is not an integer");
        auto n = ReadLength(info);
        if (!n) return util::Fail(n.error());
        FileEntry f;
        f.path = {name};
        f.length = static_cast<uint64_t>(*n);
        ReadAttributes(info, f);
        files.push_back(std::move(f));
        single = true;
        return files;
    }
    const Value* list = info.FindList("files");
    if (!list) return Err(MetainfoErrorCode::MissingField, "info has neither 'length' nor a 'files' list");
    if (list->Items().size() > MAX_FILES) return Err(MetainfoErrorCode::TooLarge, "too many files");
    if (list->Items().empty()) return Err(MetainfoErrorCode::BadField, "'files' is empty");
    for (const Value& item : list->Items()) {
        if (!item.IsDict()) return Err(MetainfoErrorCode::BadField, "an entry of 'files' is not a dictionary");
        FileEntry f;
        auto n = ReadLength(item);
        if (!n) return util::Fail(n.error());
        f.length = static_cast<uint64_t>(*n);
        ReadAttributes(item, f);
        const Value* path = item.FindList("path");
        if (!path) return Err(MetainfoErrorCode::MissingField, "a file has no 'path' list");
        if (f.pad) {
            // Padding is never written, so its name does not matter (BEP 47 suggests .pad/N).
            f.path = {name, ".pad"};
        } else {
            auto parts = ReadPathList(*path, "a file path");
            if (!parts) return util::Fail(parts.error());
            f.path = {name};
            f.path.insert(f.path.end(), parts->begin(), parts->end());
            if (auto ok = budget.Charge(f.path); !ok) return util::Fail(ok.error());
        }
        if (f.pad && f.length == 0) return Err(MetainfoErrorCode::BadField, "an empty padding file");
        if (const Value* link = item.FindList("symlink path"); link && item.FindString("attr") &&
                                                                 item.FindString("attr")->AsString().find('l') != std::string::npos) {
            auto target = ReadPathList(*link, "a symlink target");
            if (!target) return util::Fail(target.error());
            f.symlink_target = std::move(*target);
        }
        files.push_back(std::move(f));
    }
    return files;
}

// The v2 "file tree": nested dictionaries whose leaves are {"": {length, pieces root}}.
class FileTreeReader {
public:
    explicit FileTreeReader(std::vector<FileEntry>& out) : m_out(out) {}

    MetainfoResult<bool> Walk(const Value& dir, std::vector<std::string>& prefix) {
        if (!dir.IsDict()) return Err(MetainfoErrorCode::BadField, "a 'file tree' node is not a dictionary");
        // Piece space follows the tree's sorted order, whatever order the keys arrived in.
        // Piece space follows the tree's order, so it must be the canonical (sorted) one:
        // libtorrent maps pieces in the order received, and an unsorted tree would make two
        // clients disagree on where each file lies.
        if (prefix.size() > MAX_PATH_COMPONENTS) return Err(MetainfoErrorCode::TooLarge, "'file tree' is too deep");
        std::vector<const Value::Entry*> entries;
        for (const auto& e : dir.Entries()) {
            if (!entries.empty() && !(entries.back()->first < e.first)) {
                return Err(MetainfoErrorCode::BadField, "'file tree' keys are not in sorted order");
            }
            entries.push_back(&e);
        }
        for (const auto* e : entries) {
            if (e->first.empty()) return Err(MetainfoErrorCode::BadField, "a 'file tree' folder holds an empty name");
            auto safe = SanitizePathComponent(e->first);
            if (!safe) return util::Fail(safe.error());
            prefix.push_back(std::move(*safe));
            const Value& node = e->second;
            if (!node.IsDict()) return Err(MetainfoErrorCode::BadField, "a 'file tree' node is not a dictionary");
            if (const Value* leaf = node.Find("")) {
                if (node.Entries().size() != 1) {
                    return Err(MetainfoErrorCode::BadField, "a 'file tree' file node has other keys");
                }
                auto r = AddFile(*leaf, prefix);
                if (!r) return r;
            } else {
                if (node.Entries().empty()) return Err(MetainfoErrorCode::BadField, "an empty folder in 'file tree'");
                auto r = Walk(node, prefix);
                if (!r) return r;
            }
            prefix.pop_back();
        }
        return true;
    }

private:
    MetainfoResult<bool> AddFile(const Value& leaf, const std::vector<std::string>& path) {
        if (!leaf.IsDict()) return Err(MetainfoErrorCode::BadField, "a 'file tree' file is not a dictionary");
        if (m_out.size() >= MAX_FILES) return Err(MetainfoErrorCode::TooLarge, "too many files");
        FileEntry f;
        auto n = ReadLength(leaf);
        if (!n) return util::Fail(n.error());
        f.length = static_cast<uint64_t>(*n);
        f.path = path;
        if (auto ok = m_budget.Charge(f.path); !ok) return util::Fail(ok.error());
        ReadAttributes(leaf, f);
        if (f.pad) return Err(MetainfoErrorCode::BadField, "a padding file in 'file tree'");
        if (f.length > 0) {
            const Value* root = leaf.FindString("pieces root");
            if (!root || root->AsString().size() != 32) {
                return Err(MetainfoErrorCode::MissingField, "a non-empty file has no 32-byte 'pieces root'");
            }
            Sha256Hash h;
            std::copy_n(root->AsBytes().begin(), 32, h.begin());
            if (h == Sha256Hash{}) return Err(MetainfoErrorCode::BadField, "a file has an all-zero 'pieces root'");
            f.pieces_root = h;
        }
        m_out.push_back(std::move(f));
        return true;
    }

    std::vector<FileEntry>& m_out;
    PathBudget m_budget;
};

// No two files at one path and no file where a folder is needed. Folders are interned as
// (parent id, name), so the cost is linear in the total path length however deep the tree.
MetainfoResult<bool> CheckPathsDistinct(const std::vector<FileEntry>& files) {
    std::map<std::pair<uint32_t, std::string_view>, uint32_t> folders;  // (parent, name) -> id; root is 0
    std::set<std::pair<uint32_t, std::string_view>> file_names;
    for (const auto& f : files) {
        if (f.pad) continue;
        uint32_t parent = 0;
        for (size_t i = 0; i + 1 < f.path.size(); ++i) {
            auto [it, added] = folders.try_emplace({parent, f.path[i]}, static_cast<uint32_t>(folders.size() + 1));
            parent = it->second;
        }
        if (!file_names.emplace(parent, f.path.back()).second) {
            return Err(MetainfoErrorCode::UnsafePath, "two files at one path: " + f.JoinedPath());
        }
    }
    for (const auto& key : file_names) {
        if (folders.count(key)) {
            return Err(MetainfoErrorCode::UnsafePath, "a file stands where a folder is needed: " + std::string(key.second));
        }
    }
    return true;
}

MetainfoResult<bool> CheckHybridAgrees(const std::vector<FileEntry>& v1, const std::vector<FileEntry>& v2) {
    size_t j = 0;
    for (const auto& f : v1) {
        if (f.pad) continue;
        if (j >= v2.size() || f.path != v2[j].path || f.length != v2[j].length) {
            return Err(MetainfoErrorCode::Inconsistent, "the v1 and v2 file lists of a hybrid torrent differ");
        }
        if (f.length > 0 && f.offset != v2[j].offset) {
            return Err(MetainfoErrorCode::Inconsistent, "a hybrid torrent's v1 file is not aligned as in v2: " +
                                                            f.JoinedPath());
        }
        ++j;
    }
    if (j != v2.size()) return Err(MetainfoErrorCode::Inconsistent, "the v1 and v2 file lists of a hybrid torrent differ");
    return true;
}

// Padding may only do its job: each pad shorter than a piece, and the v1 piece space ending
// where v2's does (or at the next piece boundary, after libtorrent's tail padding).
MetainfoResult<bool> CheckHybridPadding(const std::vector<FileEntry>& v1, uint64_t v1_total, uint64_t v2_total,
                                        uint64_t piece_length) {
    for (const auto& f : v1) {
        if (f.pad && f.length >= piece_length) {
            return Err(MetainfoErrorCode::Inconsistent, "a padding file of a piece or more");
        }
    }
    if (v1_total != v2_total && v1_total != AlignUp(v2_total, piece_length)) {
        return Err(MetainfoErrorCode::Inconsistent, "the v1 and v2 parts of a hybrid torrent differ in size");
    }
    return true;
}

MetainfoResult<Metainfo> ParseInfo(const Value& info, util::ByteSpan info_bytes) {
    if (!info.IsDict()) return Err(MetainfoErrorCode::MissingField, "'info' is not a dictionary");
    Metainfo m;
    m.info_bytes.assign(info_bytes.begin(), info_bytes.end());

    const Value* name = info.FindString("name");
    if (!name) return Err(MetainfoErrorCode::MissingField, "info has no 'name'");
    auto safe_name = SanitizePathComponent(name->AsString());
    if (!safe_name) return util::Fail(safe_name.error());
    m.name = *safe_name;

    const Value* piece_length = info.FindInt("piece length");
    if (!piece_length) return Err(MetainfoErrorCode::MissingField, "info has no 'piece length'");
    if (piece_length->AsInt() <= 0) return Err(MetainfoErrorCode::BadField, "'piece length' is not positive");
    if (static_cast<uint64_t>(piece_length->AsInt()) > MAX_PIECE_LENGTH) {
        return Err(MetainfoErrorCode::TooLarge, "'piece length' is over " + std::to_string(MAX_PIECE_LENGTH));
    }
    m.piece_length = static_cast<uint64_t>(piece_length->AsInt());
    // BEP 27 says 1; any other non-zero value is treated as private too, as libtorrent does,
    // so a torrent never leaks to the DHT because of an odd value.
    if (const Value* priv = info.FindInt("private")) m.is_private = priv->AsInt() != 0;

    const Value* pieces = info.Find("pieces");
    const Value* meta_version = info.Find("meta version");
    bool has_v2 = false;
    if (meta_version) {
        if (!meta_version->IsInt() || meta_version->AsInt() != 2) {
            return Err(MetainfoErrorCode::BadField, "unsupported 'meta version'");
        }
        has_v2 = true;
    }
    const bool has_v1 = pieces != nullptr;
    if (!has_v1 && !has_v2) return Err(MetainfoErrorCode::MissingField, "info has neither 'pieces' nor 'meta version'");
    m.version = has_v1 && has_v2 ? TorrentVersion::Hybrid : has_v2 ? TorrentVersion::V2 : TorrentVersion::V1;
    m.info_hashes = InfoHashes::Of(info_bytes, has_v1, has_v2);

    std::vector<FileEntry> v2_files;
    if (has_v2) {
        if (m.piece_length < MERKLE_BLOCK_SIZE || (m.piece_length & (m.piece_length - 1)) != 0) {
            return Err(MetainfoErrorCode::BadField, "a v2 'piece length' must be a power of two of at least 16 KiB");
        }
        const Value* tree = info.FindDict("file tree");
        if (!tree) return Err(MetainfoErrorCode::MissingField, "a v2 info has no 'file tree'");
        if (tree->Entries().empty()) return Err(MetainfoErrorCode::BadField, "'file tree' is empty");
        FileTreeReader reader(v2_files);
        std::vector<std::string> prefix{m.name};
        auto walked = reader.Walk(*tree, prefix);
        if (!walked) return util::Fail(walked.error());
        // One file at the root is a single-file torrent (its path is the file's own name),
        // as libtorrent reads it, unless a hybrid's v1 part lists it inside a folder.
        const bool root_file = v2_files.size() == 1 && v2_files[0].path.size() == 2;
        const bool single = root_file && (has_v1 ? info.FindInt("length") != nullptr : true);
        if (single) {
            v2_files[0].path.erase(v2_files[0].path.begin());
            m.single_file = true;
        }
        uint64_t pos = 0;
        for (auto& f : v2_files) {
            if (f.length > 0) pos = AlignUp(pos, m.piece_length);
            f.offset = pos;
            pos += f.length;
            if (pos > MAX_TOTAL_SIZE) return Err(MetainfoErrorCode::TooLarge, "the torrent is too large");
        }
        m.total_size = pos;
    }

    if (has_v1) {
        if (!pieces->IsString() || pieces->AsString().size() % 20 != 0) {
            return Err(MetainfoErrorCode::BadField, "'pieces' is not a string of 20-byte hashes");
        }
        bool single = false;
        auto files = ReadV1Files(info, m.name, single);
        if (!files) return util::Fail(files.error());
        uint64_t pos = 0;
        for (auto& f : *files) {
            f.offset = pos;
            pos += f.length;
            if (pos > MAX_TOTAL_SIZE) return Err(MetainfoErrorCode::TooLarge, "the torrent is too large");
        }
        if (has_v2) {
            auto agree = CheckHybridAgrees(*files, v2_files);
            if (!agree) return util::Fail(agree.error());
            auto padded = CheckHybridPadding(*files, pos, m.total_size, m.piece_length);
            if (!padded) return util::Fail(padded.error());
            // v2 knows the piece roots, v1 the padding: keep both.
            size_t j = 0;
            for (auto& f : *files) {
                if (!f.pad) f.pieces_root = v2_files[j++].pieces_root;
            }
        } else {
            m.single_file = single;
        }
        m.files = std::move(*files);
        m.total_size = pos;
        const std::string& hashes = pieces->AsString();
        m.v1_piece_hashes.resize(hashes.size() / 20);
        for (size_t i = 0; i < m.v1_piece_hashes.size(); ++i) {
            std::copy_n(hashes.begin() + static_cast<std::ptrdiff_t>(20 * i), 20, m.v1_piece_hashes[i].begin());
        }
        if (m.v1_piece_hashes.size() != m.PieceCount()) {
            return Err(MetainfoErrorCode::Inconsistent, "'pieces' holds " + std::to_string(m.v1_piece_hashes.size()) +
                                                            " hashes for " + std::to_string(m.PieceCount()) + " pieces");
        }
    } else {
        m.files = std::move(v2_files);
    }
    if (m.PieceCount() > MAX_PIECES) return Err(MetainfoErrorCode::TooLarge, "the torrent has too many pieces");
    if (m.ContentSize() == 0) return Err(MetainfoErrorCode::BadField, "the torrent holds no data");
    auto distinct = CheckPathsDistinct(m.files);
    if (!distinct) return util::Fail(distinct.error());
    return m;
}

// BEP 52 "piece layers": for every file larger than a piece, the hashes of its pieces.
MetainfoResult<bool> ReadPieceLayers(const Value& layers, Metainfo& m) {
    std::map<Sha256Hash, uint64_t> wanted;  // root -> piece count, for files over one piece
    for (const auto& f : m.files) {
        if (f.pieces_root && f.length > m.piece_length) wanted[*f.pieces_root] = (f.length + m.piece_length - 1) / m.piece_length;
    }
    const uint64_t blocks_per_piece = m.piece_length / MERKLE_BLOCK_SIZE;
    for (const auto& [key, value] : layers.Entries()) {
        if (key.size() != 32 || !value.IsString() || value.AsString().size() % 32 != 0) {
            return Err(MetainfoErrorCode::BadField, "a 'piece layers' entry is malformed");
        }
        Sha256Hash root;
        std::copy_n(key.begin(), 32, root.begin());
        auto it = wanted.find(root);
        if (it == wanted.end()) return Err(MetainfoErrorCode::Inconsistent, "a piece layer for no file of the torrent");
        const std::string& bytes = value.AsString();
        if (bytes.size() / 32 != it->second) {
            return Err(MetainfoErrorCode::Inconsistent, "a piece layer has the wrong number of hashes");
        }
        std::vector<Sha256Hash> layer(bytes.size() / 32);
        for (size_t i = 0; i < layer.size(); ++i) {
            std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(32 * i), 32, layer[i].begin());
        }
        if (RootFromPieceLayer(layer, blocks_per_piece) != root) {
            return Err(MetainfoErrorCode::Inconsistent, "a piece layer does not hash to its file's pieces root");
        }
        m.piece_layers.emplace(root, std::move(layer));
    }
    return true;
}

std::vector<std::string> StringsOf(const Value& list) {
    std::vector<std::string> out;
    for (const Value& v : list.Items()) {
        if (v.IsString() && !v.AsString().empty()) out.push_back(v.AsString());
    }
    return out;
}

bencode::Limits TorrentLimits() {
    bencode::Limits limits;
    limits.max_items = MAX_TORRENT_ITEMS;
    return limits;
}

}  // namespace

MetainfoResult<Metainfo> ParseInfoDictionary(util::ByteSpan info_bytes) {
    if (info_bytes.size() > MAX_TORRENT_FILE_SIZE) return Err(MetainfoErrorCode::TooLarge, "the info dictionary is too large");
    auto v = bencode::Decode(info_bytes, TorrentLimits());
    if (!v) return Err(MetainfoErrorCode::NotBencode, "info dictionary: " + v.error().Message());
    return ParseInfo(*v, info_bytes);
}

MetainfoResult<Metainfo> ParseTorrentFile(util::ByteSpan data) {
    if (data.size() > MAX_TORRENT_FILE_SIZE) return Err(MetainfoErrorCode::TooLarge, "the .torrent file is too large");
    auto v = bencode::Decode(data, TorrentLimits());
    if (!v) return Err(MetainfoErrorCode::NotBencode, v.error().Message());
    if (!v->IsDict()) return Err(MetainfoErrorCode::MissingField, "a .torrent file is a dictionary");
    const Value* info = v->Find("info");
    if (!info) return Err(MetainfoErrorCode::MissingField, "no 'info' dictionary");
    auto m = ParseInfo(*info, data.subspan(info->begin(), info->end() - info->begin()));
    if (!m) return m;

    if (const Value* tiers = v->FindList("announce-list")) {
        for (const Value& tier : tiers->Items()) {
            if (!tier.IsList()) continue;
            auto urls = StringsOf(tier);
            if (!urls.empty()) m->trackers.push_back(std::move(urls));
        }
    }
    if (m->trackers.empty()) {
        if (const Value* announce = v->FindString("announce"); announce && !announce->AsString().empty()) {
            m->trackers.push_back({announce->AsString()});
        }
    }
    if (const Value* urls = v->Find("url-list")) {
        if (urls->IsString() && !urls->AsString().empty()) m->web_seeds.push_back(urls->AsString());
        if (urls->IsList()) m->web_seeds = StringsOf(*urls);
    }
    if (const Value* c = v->FindString("comment")) m->comment = c->AsString();
    if (const Value* c = v->FindString("created by")) m->created_by = c->AsString();
    if (const Value* d = v->FindInt("creation date")) m->creation_date = d->AsInt();
    if (m->HasV2()) {
        if (const Value* layers = v->FindDict("piece layers")) {
            auto ok = ReadPieceLayers(*layers, *m);
            if (!ok) return util::Fail(ok.error());
        }
    }
    return m;
}

}  // namespace tonari::torrent::metainfo
