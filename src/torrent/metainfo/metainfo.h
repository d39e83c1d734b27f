// Metainfo: a parsed .torrent file (or an info dictionary received as metadata) — v1
// (BEP 3), v2 (BEP 52) or hybrid — checked for everything a downloader relies on before a
// single byte is written.
//
// What the parser guarantees of a Metainfo it returns: the info-hashes are taken over the
// raw `info` bytes as received; every path is safe to join under the download folder (no
// "..", no absolute or drive paths, no separators inside a component, reserved and over-long
// names renamed, no two files at one path, no file where another needs a folder); piece
// length and piece count agree with the total size; a hybrid torrent's v1 and v2 views
// describe the same files at the same offsets; every piece layer present hashes up to its
// file's pieces root.
//
// Files are listed in piece-space order. Every file of a v2 or hybrid torrent starts on a
// piece boundary; a hybrid lists the BEP 47 padding files of its v1 part (pad = true), and
// v2-only torrents get the same offsets with no padding entries.
//
// A plain value; thread-safe to share once built.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "torrent/bencode/bencode.h"
#include "torrent/metainfo/info_hash.h"
#include "torrent/metainfo/merkle.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::torrent::metainfo {

// Attack: a piece length that makes every piece buffer gigabytes long.
inline constexpr uint64_t MAX_PIECE_LENGTH = 128ull << 20;
// Attack: a torrent listing millions of files so that loading it exhausts memory.
inline constexpr size_t MAX_FILES = 1u << 20;
// Attack: a few hundred bytes of v2 metadata declaring a petabyte in 16 KiB pieces, so that
// every per-piece table (bitfields, the picker) takes gigabytes. libtorrent's limit.
inline constexpr uint64_t MAX_PIECES = 0x200000;
// Attack: paths of a million components, or deep folders repeated for a million files, so
// that the paths alone (and checking them for collisions) cost gigabytes.
inline constexpr size_t MAX_PATH_COMPONENTS = 64;
inline constexpr size_t MAX_PATH_BYTES = 4096;
inline constexpr size_t MAX_TOTAL_PATH_BYTES = 32u << 20;
// Attack: a small file of tiny bencode items, each costing a decoded value (~150 bytes).
inline constexpr size_t MAX_TORRENT_ITEMS = 1'000'000;
// Attack: lengths that overflow offsets once added up (1 PiB is beyond any real torrent).
inline constexpr uint64_t MAX_TOTAL_SIZE = 1ull << 50;
// Attack: a .torrent file big enough to hurt before parsing starts.
inline constexpr size_t MAX_TORRENT_FILE_SIZE = 64u << 20;
// File systems refuse longer names; a longer one is shortened, keeping its extension.
inline constexpr size_t MAX_NAME_BYTES = 255;

enum class TorrentVersion : uint8_t { V1, V2, Hybrid };
const char* VersionName(TorrentVersion v);

struct FileEntry {
    std::vector<std::string> path;  // components under the download folder, name first
    uint64_t length = 0;
    uint64_t offset = 0;            // where it starts in the torrent's piece space
    bool pad = false;               // BEP 47 padding: zeros, never written to disk
    bool executable = false;        // attr "x"
    bool hidden = false;            // attr "h"
    std::vector<std::string> symlink_target;  // attr "l": a path inside the torrent
    std::optional<Sha256Hash> pieces_root;    // v2, for every non-empty file

    std::string JoinedPath() const;
};

struct Metainfo {
    TorrentVersion version = TorrentVersion::V1;
    InfoHashes info_hashes;
    std::string name;
    uint64_t piece_length = 0;
    uint64_t total_size = 0;        // end of the piece space (padding included)
    bool single_file = false;       // v1 "length" form: the file is the name itself
    bool is_private = false;        // BEP 27
    std::vector<FileEntry> files;
    std::vector<std::array<uint8_t, 20>> v1_piece_hashes;
    std::map<Sha256Hash, std::vector<Sha256Hash>> piece_layers;  // pieces root -> layer (BEP 52)
    std::vector<std::vector<std::string>> trackers;  // tiers: announce-list, else announce
    std::vector<std::string> web_seeds;              // url-list (BEP 19)
    std::string comment;
    std::string created_by;
    int64_t creation_date = 0;
    std::string info_bytes;         // the info dictionary exactly as received

    uint64_t PieceCount() const;
    uint64_t PieceSize(uint64_t piece) const;
    // The bytes of file data at the start of a piece: all of it in v1, up to the end of its
    // file in v2 and hybrid, whose pieces never hold two files. The rest (padding, alignment)
    // is zeros that nobody requests or sends.
    uint64_t PieceDataSize(uint64_t piece) const;
    // Bytes of real (non-padding) file data.
    uint64_t ContentSize() const;
    bool HasV1() const { return version != TorrentVersion::V2; }
    bool HasV2() const { return version != TorrentVersion::V1; }
};

enum class MetainfoErrorCode : uint8_t {
    NotBencode,    // the bytes are not one bencoded value
    MissingField,  // a required key is absent or of the wrong type
    BadField,      // a value outside what the format allows
    UnsafePath,    // a path that could escape the download folder or collide
    Inconsistent,  // sizes, piece counts, hybrid views or piece layers disagree
    TooLarge,      // over one of the limits above
};

struct MetainfoError {
    MetainfoErrorCode code;
    std::string message;
};

template <typename T>
using MetainfoResult = util::Result<T, MetainfoError>;

// A whole .torrent file.
MetainfoResult<Metainfo> ParseTorrentFile(util::ByteSpan data);
// An info dictionary alone (metadata fetched from peers, BEP 9): no trackers or layers.
MetainfoResult<Metainfo> ParseInfoDictionary(util::ByteSpan info_bytes);

// One path component made safe, or an error for one that must be refused (".", "..",
// empty, separators, NUL, drive letters). Reserved device names get a "_" before their
// extension ("con.txt" -> "con_.txt") and over-long names are shortened.
MetainfoResult<std::string> SanitizePathComponent(std::string_view component);

}  // namespace tonari::torrent::metainfo
