// Env: the filesystem seam. Flat files (and later anything else that touches plain files) reach
// the OS only through this small interface, so tests can run on an in-memory filesystem and
// inject torn writes, failed fsyncs and power loss (see memory_env.h) without touching a disk.
//
// The surface is deliberately the few operations its users need: append, positional read and
// write, fsync, truncate, size, list, create directory, remove. Errors come back as StorageError
// values; nothing throws. RocksDB keeps its own rocksdb::Env (see rocksdb_kv.cpp).
//
// Thread-safety: an Env may be used from any thread. A WritableFile or ReadableFile handle is
// used by one thread at a time (its owner serializes access); different handles, even to the
// same file, may be used concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "storage/status.h"
#include "util/bytes.h"

namespace tonari::storage {

// A file opened for appending. Bytes reach the OS on Append (there is no user-space buffer), so
// other handles see them at once; Sync makes them survive power loss.
class WritableFile {
public:
    virtual ~WritableFile() = default;
    virtual Status Append(util::ByteSpan data) = 0;
    // Durable: returns after the data and size are on stable storage (fdatasync).
    virtual Status Sync() = 0;
    // Cuts the file to `size` bytes; later appends continue from there.
    virtual Status Truncate(uint64_t size) = 0;
    // Current length, including everything appended through this handle.
    virtual uint64_t Size() const = 0;
};

class ReadableFile {
public:
    virtual ~ReadableFile() = default;
    // Reads up to out.size() bytes at `offset`; returns how many were read (fewer only at EOF).
    virtual StorageResult<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const = 0;
    virtual StorageResult<uint64_t> Size() const = 0;
};

// A file read and written at any position (torrent pieces arrive in any order). Writing past
// the end extends the file; a gap left behind reads as zeros (a sparse region on a real disk).
class RandomAccessFile : public ReadableFile {
public:
    virtual Status WriteAt(uint64_t offset, util::ByteSpan data) = 0;
    // Durable: returns after the data written so far is on stable storage.
    virtual Status Sync() = 0;
    // Sets the length: cuts, or extends with zeros without writing them.
    virtual Status Resize(uint64_t size) = 0;
};

class Env {
public:
    // The real filesystem (POSIX open/pwrite/pread/fdatasync).
    static std::unique_ptr<Env> MakePosix();

    virtual ~Env() = default;

    // Opens `path` for appending, creating it if missing; writes go to its current end.
    virtual StorageResult<std::unique_ptr<WritableFile>> OpenAppendable(
        const std::filesystem::path& path) = 0;
    // NotFound if the file does not exist.
    virtual StorageResult<std::unique_ptr<ReadableFile>> OpenReadable(const std::filesystem::path& path) = 0;
    // Opens `path` for positional reads and writes, creating it if missing (its folder must
    // exist). A symbolic link at `path` is refused, never followed: a file name chosen by a
    // peer's metadata cannot be made to write through a link planted in the download folder.
    virtual StorageResult<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::filesystem::path& path) = 0;
    virtual StorageResult<bool> FileExists(const std::filesystem::path& path) = 0;
    // Names (not paths) of the regular files directly inside `dir`; NotFound if `dir` is missing.
    virtual StorageResult<std::vector<std::string>> ListDir(const std::filesystem::path& dir) = 0;
    // Creates `dir` and its parents; succeeds if it already exists.
    virtual Status CreateDirs(const std::filesystem::path& dir) = 0;
    // Succeeds if the file does not exist.
    virtual Status RemoveFile(const std::filesystem::path& path) = 0;
    // Makes the creation and removal of names in `dir` durable (fsync on the directory): a new
    // file whose data was synced can still vanish after power loss unless its directory is too.
    virtual Status SyncDir(const std::filesystem::path& dir) = 0;
};

}  // namespace tonari::storage
