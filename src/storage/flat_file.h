// FlatFileSeq: append-only record files in one directory, for raw blocks (blk00000.dat, ...)
// and undo data (rev00000.dat, ...).
//
// Format (the same framing as Bitcoin Core's block files): each record is
//   4-byte magic (the network's message start) | 4-byte little-endian length | data
// and a FlatFilePos names the first byte of the data, as Core's block positions do. A file is
// closed for appending once the next record would take it past max_file_size, and the next
// number starts; a record bigger than that gets a file of its own.
//
// Crash safety: Append writes straight to the OS, so a kill -9 loses nothing that Append
// returned, but power loss can lose anything not covered by Flush(true). Callers record a
// position durably (in the block index) only after a Flush(true) that followed its Append, and
// on startup call TruncateTo(the end their index knows about) to drop a torn tail. -reindex reads
// every record back with ScanFile, which resynchronises on the magic after garbage and reports
// a torn tail instead of failing. Read never returns bytes it cannot vouch for framing-wise:
// bad magic, an absurd length or a record running past the end of the file is Corruption.
// The data itself carries no checksum; blocks are checked by their hashes, and undo records
// must carry their own.
//
// Thread-safety: Append, Flush and TruncateTo serialize on an internal mutex (one writer is
// expected: the validation strand). Read and ScanFile may run on any thread concurrently with
// them and with each other; they open the file per call. A position handed out by Append is
// readable as soon as Append returns.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/env.h"
#include "storage/status.h"
#include "util/bytes.h"

namespace tonari::storage {

struct FlatFilePos {
    uint32_t file = 0;
    uint64_t offset = 0;  // of the record's data, just past its 8-byte header

    friend bool operator==(const FlatFilePos&, const FlatFilePos&) = default;
    friend auto operator<=>(const FlatFilePos&, const FlatFilePos&) = default;
};

using FileMagic = std::array<uint8_t, 4>;

// What ScanFile found in one file.
struct ScanReport {
    uint64_t records = 0;     // complete records handed to the callback
    uint64_t end_offset = 0;  // end of the last complete record: where appending resumes
    uint64_t file_size = 0;
    uint64_t skipped_bytes = 0;  // garbage between complete records (skipped by resyncing)
    uint64_t garbage_regions = 0;
    bool stopped_by_callback = false;

    // Bytes after the last complete record: a torn final append, or garbage to the end.
    uint64_t TailBytes() const { return file_size - end_offset; }
    bool Clean() const { return skipped_bytes == 0 && TailBytes() == 0; }
};

class FlatFileSeq {
public:
    // A file stops taking records once the next would cross this size (Core's blk file size),
    // so no single file grows unbounded and old files can be pruned whole.
    static constexpr uint64_t MAX_FILE_SIZE = 128ull << 20;
    // Largest record we write or believe when reading. Guards against a corrupted length field
    // making us allocate gigabytes. It must still exceed any honest record: a block is at most
    // 4 MB serialized, but undo data restores every spent coin, and a block of ~24,000 minimal
    // inputs each spending a 10,000-byte script needs ~245 MB, so the bound sits above that.
    static constexpr uint32_t MAX_RECORD_SIZE = 256u << 20;
    static constexpr uint64_t HEADER_SIZE = 8;

    struct Options {
        uint64_t max_file_size = MAX_FILE_SIZE;
        uint32_t max_record_size = MAX_RECORD_SIZE;
    };

    // Opens (creating `dir` if needed) the sequence `<dir>/<prefix>NNNNN.dat`. Appends continue
    // at the end of the highest-numbered existing file. `env` must outlive the sequence.
    static StorageResult<std::unique_ptr<FlatFileSeq>> Open(Env& env, std::filesystem::path dir,
                                                            std::string prefix, FileMagic magic,
                                                            Options options);
    static StorageResult<std::unique_ptr<FlatFileSeq>> Open(Env& env, std::filesystem::path dir,
                                                            std::string prefix, FileMagic magic) {
        return Open(env, std::move(dir), std::move(prefix), magic, Options{});
    }

    ~FlatFileSeq();
    FlatFileSeq(const FlatFileSeq&) = delete;
    FlatFileSeq& operator=(const FlatFileSeq&) = delete;

    // Writes header + data; returns the position of the data. On failure the file is cut back
    // to where it was (best effort), so a failed append leaves no half record behind.
    StorageResult<FlatFilePos> Append(util::ByteSpan data);

    // The record whose data starts at `pos`, after checking its header.
    StorageResult<util::Bytes> Read(FlatFilePos pos) const;

    // fsync=false: nothing to do (Append is unbuffered). fsync=true: the current file's data and
    // the directory entries of files created since the last flush are made durable.
    Status Flush(bool fsync);

    // Calls `fn(pos, data)` for every complete record of file `file`, in order, until it returns
    // false. Garbage between records is skipped by searching for the next valid header (as
    // Core's -reindex does); a torn tail ends the scan. NotFound if the file does not exist.
    StorageResult<ScanReport> ScanFile(uint32_t file,
                                       const std::function<bool(FlatFilePos, util::ByteSpan)>& fn) const;

    // Drops everything from (file, size) on: file `file` is cut to `size` bytes and later files
    // are removed. Appends continue there. For startup (cut back to what the index knows) and
    // after a reindex scan (cut a torn tail).
    Status TruncateTo(uint32_t file, uint64_t size);

    // Every file of the sequence on disk with its size (the appending one included), and their
    // total: what pruning measures against its target.
    std::map<uint32_t, uint64_t> FileSizes() const;
    uint64_t TotalSize() const;

    // Deletes one whole file (pruning). The file taking appends cannot be removed. Positions
    // in it become unreadable (NotFound), so callers forget them durably first.
    Status RemoveFile(uint32_t file);

    // File the next Append goes to (or after, if it does not fit) and its current size.
    uint32_t CurrentFile() const;
    uint64_t CurrentFileSize() const;
    std::filesystem::path FilePath(uint32_t file) const;

private:
    FlatFileSeq(Env& env, std::filesystem::path dir, std::string prefix, FileMagic magic, Options options);
    Status OpenForAppend(uint32_t file);  // m_mutex held
    StorageResult<FlatFilePos> AppendLocked(util::ByteSpan data);

    Env& m_env;
    const std::filesystem::path m_dir;
    const std::string m_prefix;
    const FileMagic m_magic;
    const Options m_options;

    mutable std::mutex m_mutex;
    uint32_t m_file = 0;
    std::unique_ptr<WritableFile> m_out;  // open handle on m_file
    bool m_dir_dirty = false;             // a file was created since the last SyncDir
    std::map<uint32_t, uint64_t> m_closed_sizes;  // every file but m_file, by number
};

}  // namespace tonari::storage
