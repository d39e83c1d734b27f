// Resume data as a bencoded dictionary: {"info-hash", "pieces" (a bitfield), "files" [[size, mtime]...]}.
#include "torrent/storage/resume_data.h"

#include <system_error>

#include "torrent/bencode/bencode.h"
#include "util/hex.h"

namespace tonari::torrent::storage {
namespace {

std::string HashText(const metainfo::Metainfo& meta) {
    const auto h = meta.info_hashes.HandshakeHash();
    return util::HexEncode(util::ByteSpan(h.data(), h.size()));
}

std::filesystem::path FilePath(const std::filesystem::path& dir, const metainfo::FileEntry& f) {
    std::filesystem::path p = dir;
    for (const auto& part : f.path) p /= part;
    return p;
}

}  // namespace

std::filesystem::path ResumePath(const std::filesystem::path& download_dir, const metainfo::Metainfo& meta) {
    return download_dir / ".tonari" / (HashText(meta) + ".resume");
}

std::vector<FileStamp> StampFiles(const metainfo::Metainfo& meta, const std::filesystem::path& download_dir) {
    std::vector<FileStamp> out;
    for (const auto& f : meta.files) {
        if (f.pad) continue;
        FileStamp stamp;
        std::error_code ec;
        const auto path = FilePath(download_dir, f);
        const auto status = std::filesystem::symlink_status(path, ec);
        if (status.type() == std::filesystem::file_type::not_found) {
            // missing: {0, 0}
        } else if (!ec && std::filesystem::is_regular_file(status)) {
            stamp.size = std::filesystem::file_size(path, ec);
            if (!ec) stamp.mtime_ns = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
            if (ec) stamp = FileStamp{UINT64_MAX, -1};  // unreadable: never equal to a record
        } else {
            stamp = FileStamp{UINT64_MAX, -1};  // a link, a folder, a device: nothing we can vouch for
        }
        out.push_back(stamp);
    }
    return out;
}

std::string EncodeResumeData(const metainfo::Metainfo& meta, const ResumeData& data) {
    bencode::Value v = bencode::Value::Dict();
    v.Set("info-hash", bencode::Value::Str(HashText(meta)));
    std::string bits((data.have.size() + 7) / 8, '\0');
    for (size_t i = 0; i < data.have.size(); ++i) {
        if (data.have[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (0x80 >> (i % 8)));
    }
    v.Set("pieces", bencode::Value::Str(bits));
    bencode::Value files = bencode::Value::List();
    for (const auto& f : data.files) {
        bencode::Value entry = bencode::Value::List();
        entry.Push(bencode::Value::Int(static_cast<int64_t>(f.size)));
        entry.Push(bencode::Value::Int(f.mtime_ns));
        files.Push(std::move(entry));
    }
    v.Set("files", std::move(files));
    return bencode::Encode(v);
}

util::Result<ResumeData, std::string> DecodeResumeData(const metainfo::Metainfo& meta, std::string_view bytes) {
    bencode::Limits limits;
    limits.max_depth = 4;
    limits.max_items = 4 * meta.files.size() + 16;
    auto v = bencode::Decode(bytes, limits);
    if (!v || !v->IsDict()) return util::Fail(std::string("not a resume record"));
    const auto* hash = v->FindString("info-hash");
    if (!hash || hash->AsString() != HashText(meta)) return util::Fail(std::string("a record of another torrent"));
    const auto* bits = v->FindString("pieces");
    const uint64_t pieces = meta.PieceCount();
    if (!bits || bits->AsString().size() != (pieces + 7) / 8) return util::Fail(std::string("a bitfield of the wrong size"));
    ResumeData out;
    out.have.resize(pieces);
    for (uint64_t i = 0; i < pieces; ++i) out.have[i] = (static_cast<uint8_t>(bits->AsString()[i / 8]) >> (7 - i % 8)) & 1;
    const auto* files = v->FindList("files");
    size_t expected = 0;
    for (const auto& f : meta.files) expected += f.pad ? 0 : 1;
    if (!files || files->Items().size() != expected) return util::Fail(std::string("a file list of the wrong length"));
    for (const auto& entry : files->Items()) {
        if (!entry.IsList() || entry.Items().size() != 2 || !entry.Items()[0].IsInt() || !entry.Items()[1].IsInt()) {
            return util::Fail(std::string("a malformed file stamp"));
        }
        out.files.push_back(FileStamp{static_cast<uint64_t>(entry.Items()[0].AsInt()), entry.Items()[1].AsInt()});
    }
    // Every byte of a piece said to be had must be inside its files as stamped (files grow as
    // pieces arrive, so a file may be short, but never shorter than the pieces it holds).
    size_t stamp = 0;
    for (const auto& f : meta.files) {
        if (f.pad) continue;
        const FileStamp& s = out.files[stamp++];
        if (f.length == 0) continue;
        const uint64_t first = f.offset / meta.piece_length;
        const uint64_t last = std::min<uint64_t>((f.offset + f.length - 1) / meta.piece_length, pieces - 1);
        for (uint64_t p = last + 1; p-- > first;) {
            if (!out.have[p]) continue;
            const uint64_t need = std::min(f.length, (p + 1) * meta.piece_length - f.offset);
            if (s.size < need) return util::Fail(std::string("a piece marked had beyond the end of its file"));
            break;  // the highest had piece needs the most
        }
    }
    return out;
}

}  // namespace tonari::torrent::storage
