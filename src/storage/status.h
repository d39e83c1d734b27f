// StorageError / Status: environment failures from the disk layer, as values.
//
// These are the third error class of CONVENTIONS rule 3: the disk is full, a file is missing or
// its bytes are not what we wrote. They are never caused by (or blamed on) a peer, so they have
// their own type instead of sharing an enum with validation errors. Nothing in storage/ throws:
// RocksDB reports through its own Status, and every std::filesystem call uses the error_code
// overload.
//
// Corruption of a database the node can rebuild (the chainstate, the block index) carries the
// reindex hint in its message, so the text shown to the user says how to recover.
// Plain values; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "util/result.h"

namespace tonari::storage {

enum class StorageErrorCode {
    IoError,          // the OS refused: disk full, permission denied, read/write failed
    Corruption,       // bytes on disk are not what was written (checksum, magic, truncation)
    NotFound,         // a file or database that should exist does not
    InvalidArgument,  // a bug in the caller (asked for an impossible position, oversize record)
};

// Appended to corruption messages for databases that -reindex rebuilds from the block files.
inline constexpr std::string_view REINDEX_HINT =
    "The database is corrupted or incomplete; restart with -reindex to rebuild it from the "
    "block files.";

struct StorageError {
    StorageErrorCode code = StorageErrorCode::IoError;
    std::string message;

    static StorageError Io(std::string msg) { return {StorageErrorCode::IoError, std::move(msg)}; }
    static StorageError Corruption(std::string msg) { return {StorageErrorCode::Corruption, std::move(msg)}; }
    // Corruption of a rebuildable database: the message ends with REINDEX_HINT.
    static StorageError CorruptionNeedsReindex(std::string msg) {
        msg += ". ";
        msg += REINDEX_HINT;
        return {StorageErrorCode::Corruption, std::move(msg)};
    }
    static StorageError NotFound(std::string msg) { return {StorageErrorCode::NotFound, std::move(msg)}; }
    static StorageError InvalidArgument(std::string msg) {
        return {StorageErrorCode::InvalidArgument, std::move(msg)};
    }

    bool IsCorruption() const { return code == StorageErrorCode::Corruption; }
    bool IsNotFound() const { return code == StorageErrorCode::NotFound; }
    bool IsIoError() const { return code == StorageErrorCode::IoError; }

    // "Corruption: <message>", for logs and the startup error shown to the user.
    std::string ToString() const {
        std::string out;
        switch (code) {
            case StorageErrorCode::IoError:
                out = "I/O error: ";
                break;
            case StorageErrorCode::Corruption:
                out = "Corruption: ";
                break;
            case StorageErrorCode::NotFound:
                out = "Not found: ";
                break;
            case StorageErrorCode::InvalidArgument:
                out = "Invalid argument: ";
                break;
        }
        return out + message;
    }
};

template <typename T>
using StorageResult = util::Result<T, StorageError>;

// Success or a StorageError, for operations without a value.
using Status = util::Result<void, StorageError>;

}  // namespace tonari::storage
