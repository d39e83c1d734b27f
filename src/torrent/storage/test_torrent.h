// Test helper (header only, for *_test.cpp files): a v1 torrent whose piece hashes are really
// those of the given bytes, so tests can move, store and check real data.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "crypto/hmac.h"
#include "torrent/bencode/bencode.h"
#include "torrent/metainfo/metainfo.h"

namespace tonari::torrent::test {

// Completes `info` (name, piece length and the file list or length already set) with the
// SHA-1 of each piece of `data`, the whole piece space, and parses the torrent.
inline metainfo::Metainfo FinishV1(bencode::Value info, std::string_view data) {
    const auto piece = static_cast<size_t>(info.FindInt("piece length")->AsInt());
    std::string pieces;
    for (size_t p = 0; p < data.size(); p += piece) {
        const auto h = crypto::Sha1(util::AsBytes(data).subspan(p, std::min(piece, data.size() - p)));
        pieces.append(reinterpret_cast<const char*>(h.data()), h.size());
    }
    info.Set("pieces", bencode::Value::Str(pieces));
    bencode::Value top = bencode::Value::Dict();
    top.Set("info", std::move(info));
    const std::string bytes = bencode::Encode(top);
    return *metainfo::ParseTorrentFile(util::AsBytes(bytes));
}

}  // namespace tonari::torrent::test
