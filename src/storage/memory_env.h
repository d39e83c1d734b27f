// MemoryEnv: an in-memory Env for tests, with the faults a real disk produces.
//
// Besides being fast and leaving nothing behind, it models what survives a crash: each file
// remembers the bytes it held at its last Sync, and a file's name is only durable once its
// directory was synced after the file was created. SimulateCrash() throws away everything else,
// which is what kill -9 followed by power loss can leave on a real disk. SetWriteBudget() makes
// appends fail once a byte budget is spent, writing the part that fits first (a torn write on a
// full disk); SetSyncFails() makes fsync fail.
//
// Simplifications: removals are durable at once; directories exist implicitly.
// Thread-safe: every operation takes one internal mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/env.h"

namespace tonari::storage {

class MemoryEnv final : public Env {
public:
    MemoryEnv();
    ~MemoryEnv() override;

    StorageResult<std::unique_ptr<WritableFile>> OpenAppendable(const std::filesystem::path& path) override;
    StorageResult<std::unique_ptr<ReadableFile>> OpenReadable(const std::filesystem::path& path) override;
    StorageResult<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::filesystem::path& path) override;
    StorageResult<bool> FileExists(const std::filesystem::path& path) override;
    StorageResult<std::vector<std::string>> ListDir(const std::filesystem::path& dir) override;
    Status CreateDirs(const std::filesystem::path& dir) override;
    Status RemoveFile(const std::filesystem::path& path) override;
    Status SyncDir(const std::filesystem::path& dir) override;

    // --- Test hooks ---
    // Drops every byte not covered by a Sync, and every file whose name was never made durable
    // by SyncDir. Open handles keep working on the surviving contents.
    void SimulateCrash();
    // Appends fail with an IoError once `bytes` more have been written (the part of the failing
    // append that fits is written). nullopt removes the limit.
    void SetWriteBudget(std::optional<uint64_t> bytes);
    void SetSyncFails(bool fails);
    // Whole contents of a file, or nullopt if it does not exist.
    std::optional<util::Bytes> Contents(const std::filesystem::path& path) const;
    // Replaces a file's contents (creating it), as if written and synced: for corrupting files.
    void SetContents(const std::filesystem::path& path, util::Bytes data);

    struct Node;  // one file; shared by the map and open handles

private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<Node>> m_files;
    std::optional<uint64_t> m_write_budget;
    bool m_sync_fails = false;

    friend class MemoryWritableFile;
    friend class MemoryReadableFile;
    friend class MemoryRandomAccessFile;
};

}  // namespace tonari::storage
