// Small files read and replaced whole, on the real filesystem: state files such as a node's
// peers.dat or a torrent's resume data. A replacement is written to a sibling name, synced,
// and renamed over the old file (then the folder synced), so a crash or kill -9 at any moment
// leaves the old file or the new one, never part of either.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tonari::storage {

// The whole file, or nothing when it is missing, unreadable or larger than `limit` (a state
// file grown huge by corruption or by hand is not loaded into memory).
std::optional<std::string> ReadSmallFile(const std::filesystem::path& path, std::uintmax_t limit);

// Replaces `path` with `bytes` atomically and durably, the file created with `mode` (0600 for
// secrets: never readable by others, not even for a moment). Returns an error message, empty
// on success.
std::string ReplaceFile(const std::filesystem::path& path, std::string_view bytes, unsigned mode = 0644);

}  // namespace tonari::storage
