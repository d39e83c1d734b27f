// Test helper (header only, for *_test.cpp files): v1 and v2 torrents whose hashes are really
// those of the given bytes, so tests can move, store and check real data.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "torrent/bencode/bencode.h"
#include "torrent/metainfo/merkle.h"
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

// A v2 (BEP 52) torrent of one file `name` holding `data`, with its piece layer when the file
// is longer than a piece.
inline metainfo::Metainfo MakeV2(const std::string& name, std::string_view data, uint64_t piece_length) {
    std::vector<metainfo::Sha256Hash> leaves;
    for (size_t p = 0; p < data.size(); p += metainfo::MERKLE_BLOCK_SIZE) {
        leaves.push_back(crypto::Sha256Hash(util::AsBytes(data).subspan(p, std::min<size_t>(metainfo::MERKLE_BLOCK_SIZE, data.size() - p))));
    }
    const auto root = metainfo::RootFromLeaves(leaves);
    using bencode::Value;
    Value leaf = Value::Dict();
    leaf.Set("length", Value::Int(static_cast<int64_t>(data.size())));
    leaf.Set("pieces root", Value::Str(std::string(root.begin(), root.end())));
    Value entry = Value::Dict();
    entry.Set("", std::move(leaf));
    Value tree = Value::Dict();
    tree.Set(name, std::move(entry));
    Value info = Value::Dict();
    info.Set("file tree", std::move(tree));
    info.Set("meta version", Value::Int(2));
    info.Set("name", Value::Str(name));
    info.Set("piece length", Value::Int(static_cast<int64_t>(piece_length)));
    Value top = Value::Dict();
    top.Set("info", std::move(info));
    if (data.size() > piece_length) {
        std::string layer;
        for (const auto& h : metainfo::PieceLayerFromLeaves(leaves, piece_length / metainfo::MERKLE_BLOCK_SIZE)) {
            layer.append(h.begin(), h.end());
        }
        Value layers = Value::Dict();
        layers.Set(std::string(root.begin(), root.end()), Value::Str(layer));
        top.Set("piece layers", std::move(layers));
    }
    const std::string bytes = bencode::Encode(top);
    return *metainfo::ParseTorrentFile(util::AsBytes(bytes));
}

}  // namespace tonari::torrent::test
