// Making .torrent files from files on disk: v1, v2 (BEP 52) or hybrid (the default), with
// the hashing spread over a worker pool.
//
// Files are taken in the order of their path components, which is the order of a v2 file
// tree, so a hybrid's v1 list (with BEP 47 padding files aligning every file to a piece
// boundary) and its v2 tree describe the same piece space. Every piece is read once: the
// same bytes feed SHA-1 for v1 and the 16 KiB SHA-256 leaves for v2.
//
// Reads go through storage::Env. `CreateTorrent` blocks; its progress callback is called
// from the pool's threads (it must be thread-safe) after each piece.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "storage/env.h"
#include "torrent/metainfo/metainfo.h"
#include "util/result.h"
#include "util/worker_pool.h"

namespace tonari::torrent::create {

struct CreateOptions {
    metainfo::TorrentVersion version = metainfo::TorrentVersion::Hybrid;
    uint64_t piece_length = 0;                 // 0: chosen from the total size; else a multiple of 16 KiB
    std::vector<std::string> trackers;         // each its own tier (BEP 12)
    std::vector<std::string> web_seeds;        // url-list (BEP 19)
    bool is_private = false;                   // BEP 27
    std::string comment;
    std::string created_by;
    int64_t creation_date = 0;                 // seconds since 1970; 0 leaves it out
};

struct InputFile {
    std::vector<std::string> path;  // relative to the torrent's root folder; empty for a single file
    std::filesystem::path disk_path;
    uint64_t length = 0;
    bool executable = false;  // written as BEP 47 attr "x", as libtorrent does
};

// The files under `root` (a file or a folder), in torrent order. Symbolic links to files are
// followed; links to folders are not (they could loop or lead outside). Errors name the path.
util::Result<std::vector<InputFile>, std::string> CollectFiles(const std::filesystem::path& root);

// The piece length used when none is given: the smallest power of two from 16 KiB that
// keeps the piece count near 1,000–2,000, at most 16 MiB.
uint64_t AutoPieceLength(uint64_t total_size);

// Called after each piece with the pieces hashed so far and the total.
using Progress = std::function<void(uint64_t pieces_done, uint64_t pieces_total)>;

// The bencoded .torrent for `files` named `name`.
util::Result<std::string, std::string> CreateTorrent(tonari::storage::Env& env, const std::string& name,
                                                     const std::vector<InputFile>& files,
                                                     const CreateOptions& options, util::WorkerPool& pool,
                                                     const Progress& progress = {});

}  // namespace tonari::torrent::create
