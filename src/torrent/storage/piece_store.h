// PieceStore: a torrent's data on disk, addressed by piece. It maps the piece space onto the
// torrent's files under the download folder (padding is never written and reads as zeros),
// creates folders and files when first written, and keeps a bounded number of files open.
//
// Every path comes from a Metainfo, whose parser already refused anything that could leave
// the download folder; files are opened through storage::Env, which refuses to follow a
// symbolic link planted at a file's place.
//
// Errors are environment errors (disk full, a file that vanished): they pause a torrent and
// are never blamed on a peer. Not thread-safe: one owner (the session's disk strand).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "storage/env.h"
#include "torrent/metainfo/metainfo.h"

namespace tonari::torrent::storage {

// Attack/limit: a torrent of a million small files must not exhaust file descriptors.
inline constexpr size_t MAX_OPEN_FILES = 64;

class PieceStore {
public:
    PieceStore(tonari::storage::Env& env, const metainfo::Metainfo& meta, std::filesystem::path download_dir);

    // Writes one whole, verified piece.
    tonari::storage::Status WritePiece(uint64_t piece, util::ByteSpan data);
    // Reads [offset, offset + out.size()) of a piece; bytes of files not yet on disk read as
    // zeros, and so does padding. *from_disk (if given) tells whether any byte came from a file.
    tonari::storage::Status Read(uint64_t piece, uint64_t offset, std::span<uint8_t> out, bool* from_disk = nullptr);
    // Makes everything written so far durable (before resume data says a piece is done).
    tonari::storage::Status Sync();
    // Where a file of the torrent lives on disk.
    std::filesystem::path FilePath(size_t file_index) const;

private:
    using Visit = std::function<tonari::storage::Status(size_t file, uint64_t file_offset, size_t buffer_offset,
                                                         size_t length)>;
    // Calls `visit` for each non-padding file range overlapping [start, start + length).
    tonari::storage::Status ForEachRange(uint64_t start, uint64_t length, const Visit& visit) const;
    tonari::storage::StorageResult<tonari::storage::RandomAccessFile*> Open(size_t file, bool create);

    tonari::storage::Env& m_env;
    const metainfo::Metainfo& m_meta;
    std::filesystem::path m_dir;
    std::map<size_t, std::unique_ptr<tonari::storage::RandomAccessFile>> m_open;
    std::vector<bool> m_dirty;  // per file: written since the last Sync
};

}  // namespace tonari::torrent::storage
