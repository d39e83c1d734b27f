// Resume data: which pieces of a torrent were verified, with the size and modification time of
// every file at that moment, kept beside the download so a restart need not hash everything
// again. Trusted only when every file is exactly as recorded; any difference (a file touched,
// truncated, replaced, or written after the record — as after a kill -9 mid-download) means a
// full recheck instead, so a piece is never taken as good on the word of a stale record.
// Pure encoding plus a filesystem stamp; the session reads and writes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "torrent/metainfo/metainfo.h"
#include "util/result.h"

namespace tonari::torrent::storage {

// Attack (a resume file planted or corrupted): more than a bitfield of MAX_PIECES and a stamp
// per file can hold is not read.
inline constexpr uint64_t MAX_RESUME_FILE_BYTES = 64u << 20;

struct FileStamp {
    uint64_t size = 0;
    int64_t mtime_ns = 0;  // 0 with size 0: the file does not exist
    bool operator==(const FileStamp&) const = default;
};

struct ResumeData {
    std::vector<bool> have;        // one per piece
    std::vector<FileStamp> files;  // one per non-padding file, in metainfo order
};

// Where a torrent's resume data lives: <download folder>/.tonari/<info-hash>.resume.
std::filesystem::path ResumePath(const std::filesystem::path& download_dir, const metainfo::Metainfo& meta);

// The files' sizes and modification times as they are now.
std::vector<FileStamp> StampFiles(const metainfo::Metainfo& meta, const std::filesystem::path& download_dir);

std::string EncodeResumeData(const metainfo::Metainfo& meta, const ResumeData& data);
// Refuses a record of another torrent or of another shape (pieces, files).
util::Result<ResumeData, std::string> DecodeResumeData(const metainfo::Metainfo& meta, std::string_view bytes);

}  // namespace tonari::torrent::storage
