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
    PieceStore(tonari::storage::Env& env, const metainfo::Metainfo& meta, std::filesystem::path download_dir,
               size_t max_open_files = MAX_OPEN_FILES);

    // Writes one whole, verified piece.
    tonari::storage::Status WritePiece(uint64_t piece, util::ByteSpan data);
    // Reads [offset, offset + out.size()) of a piece; bytes of files not yet on disk read as
    // zeros, and so does padding. *from_disk (if given) tells whether any byte came from a file.
    tonari::storage::Status Read(uint64_t piece, uint64_t offset, std::span<uint8_t> out, bool* from_disk = nullptr);
    // The same for data we claim to have: a missing or shortened file is an error (NotFound),
    // never zeros handed to a peer as if they were the data.
    tonari::storage::Status ReadHeld(uint64_t piece, uint64_t offset, std::span<uint8_t> out);
    // Makes everything written so far durable (before resume data says a piece is done).
    tonari::storage::Status Sync();
    // Where a file of the torrent lives on disk.
    std::filesystem::path FilePath(size_t file_index) const;

private:
    using Visit = std::function<tonari::storage::Status(size_t file, uint64_t file_offset, size_t buffer_offset,
                                                         size_t length)>;
    // Calls `visit` for each non-padding file range overlapping [start, start + length).
    tonari::storage::Status ForEachRange(uint64_t start, uint64_t length, const Visit& visit) const;
    // A handle for reading (read-only, so seeding read-only files works) or for writing
    // (reopened read-write on the first write). nullptr: not on disk (reading only).
    tonari::storage::StorageResult<tonari::storage::ReadableFile*> OpenForRead(size_t file);
    tonari::storage::StorageResult<tonari::storage::RandomAccessFile*> OpenForWrite(size_t file);
    tonari::storage::Status MakeRoom();
    tonari::storage::Status ReadImpl(uint64_t piece, uint64_t offset, std::span<uint8_t> out, bool strict,
                                     bool* from_disk);

    struct Handle {
        std::unique_ptr<tonari::storage::ReadableFile> reader;      // read-only handle, or
        std::unique_ptr<tonari::storage::RandomAccessFile> writer;  // a read-write one
        tonari::storage::ReadableFile* Get() const { return writer ? writer.get() : reader.get(); }
    };

    tonari::storage::Env& m_env;
    const metainfo::Metainfo& m_meta;
    std::filesystem::path m_dir;
    size_t m_max_open;
    std::map<size_t, Handle> m_open;
    std::vector<bool> m_dirty;  // per file: written since the last Sync
};

}  // namespace tonari::torrent::storage
