// Piece-space to file mapping, lazy file creation, bounded open files.
#include "torrent/storage/piece_store.h"

#include <algorithm>
#include <functional>

namespace tonari::torrent::storage {

namespace ts = tonari::storage;

PieceStore::PieceStore(ts::Env& env, const metainfo::Metainfo& meta, std::filesystem::path download_dir,
                       size_t max_open_files)
    : m_env(env),
      m_meta(meta),
      m_dir(std::move(download_dir)),
      m_max_open(std::max<size_t>(max_open_files, 1)),
      m_dirty(meta.files.size(), false) {}

std::filesystem::path PieceStore::FilePath(size_t file_index) const {
    std::filesystem::path p = m_dir;
    for (const auto& part : m_meta.files[file_index].path) p /= part;
    return p;
}

ts::Status PieceStore::ForEachRange(uint64_t start, uint64_t length, const Visit& visit) const {
    const uint64_t end = start + length;
    const auto& files = m_meta.files;
    auto it = std::upper_bound(files.begin(), files.end(), start,
                               [](uint64_t pos, const metainfo::FileEntry& f) { return pos < f.offset; });
    if (it != files.begin()) --it;
    // Several files may share an offset (empty ones); step back to the first of them.
    while (it != files.begin() && std::prev(it)->offset == it->offset) --it;
    for (; it != files.end() && it->offset < end; ++it) {
        if (it->pad || it->length == 0 || it->offset + it->length <= start) continue;
        const uint64_t from = std::max(start, it->offset);
        const uint64_t to = std::min(end, it->offset + it->length);
        auto status = visit(static_cast<size_t>(it - files.begin()), from - it->offset, from - start, to - from);
        if (!status) return status;
    }
    return {};
}

ts::Status PieceStore::MakeRoom() {
    if (m_open.size() < m_max_open) return {};
    // Close a clean file first: a dirty one would need a sync before it may close.
    auto victim = std::find_if(m_open.begin(), m_open.end(), [&](const auto& e) { return !m_dirty[e.first]; });
    if (victim == m_open.end()) {
        if (auto synced = Sync(); !synced) return synced;
        victim = m_open.begin();
    }
    m_open.erase(victim);
    return {};
}

ts::StorageResult<ts::ReadableFile*> PieceStore::OpenForRead(size_t file) {
    if (auto it = m_open.find(file); it != m_open.end()) return it->second.Get();
    const std::filesystem::path path = FilePath(file);
    auto exists = m_env.FileExists(path);
    if (!exists) return util::Fail(exists.error());
    if (!*exists) return static_cast<ts::ReadableFile*>(nullptr);
    if (auto room = MakeRoom(); !room) return util::Fail(room.error());
    auto opened = m_env.OpenReadable(path);
    if (!opened) return util::Fail(opened.error());
    Handle& h = m_open[file];
    h.reader = std::move(*opened);
    return h.Get();
}

ts::StorageResult<ts::RandomAccessFile*> PieceStore::OpenForWrite(size_t file) {
    if (auto it = m_open.find(file); it != m_open.end() && it->second.writer) return it->second.writer.get();
    m_open.erase(file);  // a read-only handle is reopened read-write
    const std::filesystem::path path = FilePath(file);
    if (auto made = m_env.CreateDirs(path.parent_path()); !made) return util::Fail(made.error());
    if (auto room = MakeRoom(); !room) return util::Fail(room.error());
    auto opened = m_env.OpenRandomAccess(path);
    if (!opened) return util::Fail(opened.error());
    Handle& h = m_open[file];
    h.writer = std::move(*opened);
    return h.writer.get();
}

ts::Status PieceStore::WritePiece(uint64_t piece, util::ByteSpan data) {
    const uint64_t start = piece * m_meta.piece_length;
    return ForEachRange(start, data.size(), [&](size_t file, uint64_t file_offset, size_t buffer_offset, size_t length) {
        auto f = OpenForWrite(file);
        if (!f) return ts::Status(util::Fail(f.error()));
        m_dirty[file] = true;
        return (*f)->WriteAt(file_offset, data.subspan(buffer_offset, length));
    });
}

ts::Status PieceStore::Read(uint64_t piece, uint64_t offset, std::span<uint8_t> out, bool* from_disk) {
    return ReadImpl(piece, offset, out, false, from_disk);
}

ts::Status PieceStore::ReadHeld(uint64_t piece, uint64_t offset, std::span<uint8_t> out) {
    return ReadImpl(piece, offset, out, true, nullptr);
}

ts::Status PieceStore::ReadImpl(uint64_t piece, uint64_t offset, std::span<uint8_t> out, bool strict,
                                bool* from_disk) {
    std::fill(out.begin(), out.end(), 0);
    if (from_disk) *from_disk = false;
    const uint64_t start = piece * m_meta.piece_length + offset;
    return ForEachRange(start, out.size(), [&](size_t file, uint64_t file_offset, size_t buffer_offset, size_t length) {
        auto f = OpenForRead(file);
        if (!f) return ts::Status(util::Fail(f.error()));
        if (*f == nullptr) {
            if (!strict) return ts::Status();  // not on disk yet: zeros
            return ts::Status(util::Fail(ts::StorageError::NotFound(FilePath(file).string() + " has vanished")));
        }
        auto got = (*f)->ReadAt(file_offset, out.subspan(buffer_offset, length));
        if (!got) return ts::Status(util::Fail(got.error()));
        if (from_disk && *got > 0) *from_disk = true;
        if (strict && *got < length) {
            return ts::Status(util::Fail(ts::StorageError::NotFound(FilePath(file).string() + " has shrunk")));
        }
        return ts::Status();
    });
}

ts::Status PieceStore::Sync() {
    for (auto& [file, handle] : m_open) {
        if (!m_dirty[file] || !handle.writer) continue;
        if (auto s = handle.writer->Sync(); !s) return s;
        m_dirty[file] = false;
    }
    return {};
}

}  // namespace tonari::torrent::storage
