// Piece-space to file mapping, lazy file creation, bounded open files.
#include "torrent/storage/piece_store.h"

#include <algorithm>
#include <functional>

namespace tonari::torrent::storage {

namespace ts = tonari::storage;

PieceStore::PieceStore(ts::Env& env, const metainfo::Metainfo& meta, std::filesystem::path download_dir)
    : m_env(env), m_meta(meta), m_dir(std::move(download_dir)), m_dirty(meta.files.size(), false) {}

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

ts::StorageResult<ts::RandomAccessFile*> PieceStore::Open(size_t file, bool create) {
    if (auto it = m_open.find(file); it != m_open.end()) return it->second.get();
    const std::filesystem::path path = FilePath(file);
    if (!create) {
        auto exists = m_env.FileExists(path);
        if (!exists) return util::Fail(exists.error());
        if (!*exists) return static_cast<ts::RandomAccessFile*>(nullptr);
    } else if (auto made = m_env.CreateDirs(path.parent_path()); !made) {
        return util::Fail(made.error());
    }
    if (m_open.size() >= MAX_OPEN_FILES) {
        // Evict a clean file first: a dirty one would need a sync before it may close.
        auto victim = std::find_if(m_open.begin(), m_open.end(), [&](const auto& e) { return !m_dirty[e.first]; });
        if (victim == m_open.end()) {
            if (auto synced = Sync(); !synced) return util::Fail(synced.error());
            victim = m_open.begin();
        }
        m_open.erase(victim);
    }
    auto opened = m_env.OpenRandomAccess(path);
    if (!opened) return util::Fail(opened.error());
    return (m_open[file] = std::move(*opened)).get();
}

ts::Status PieceStore::WritePiece(uint64_t piece, util::ByteSpan data) {
    const uint64_t start = piece * m_meta.piece_length;
    return ForEachRange(start, data.size(), [&](size_t file, uint64_t file_offset, size_t buffer_offset, size_t length) {
        auto f = Open(file, true);
        if (!f) return ts::Status(util::Fail(f.error()));
        m_dirty[file] = true;
        return (*f)->WriteAt(file_offset, data.subspan(buffer_offset, length));
    });
}

ts::Status PieceStore::Read(uint64_t piece, uint64_t offset, std::span<uint8_t> out, bool* from_disk) {
    std::fill(out.begin(), out.end(), 0);
    if (from_disk) *from_disk = false;
    const uint64_t start = piece * m_meta.piece_length + offset;
    return ForEachRange(start, out.size(), [&](size_t file, uint64_t file_offset, size_t buffer_offset, size_t length) {
        auto f = Open(file, false);
        if (!f) return ts::Status(util::Fail(f.error()));
        if (*f == nullptr) return ts::Status();  // not on disk yet: zeros
        auto got = (*f)->ReadAt(file_offset, out.subspan(buffer_offset, length));
        if (!got) return ts::Status(util::Fail(got.error()));
        if (from_disk && *got > 0) *from_disk = true;
        return ts::Status();
    });
}

ts::Status PieceStore::Sync() {
    for (auto& [file, handle] : m_open) {
        if (!m_dirty[file]) continue;
        if (auto s = handle->Sync(); !s) return s;
        m_dirty[file] = false;
    }
    return {};
}

}  // namespace tonari::torrent::storage
