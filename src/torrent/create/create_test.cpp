// Creating torrents: every version parses back with the same files, the piece hashes match
// a straightforward recomputation, hybrids align files with padding, and folders on disk
// are collected in torrent order.
#include <gtest/gtest.h>

#include <fstream>

#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "storage/memory_env.h"
#include "storage/test_temp_dir.h"
#include "torrent/create/create.h"
#include "torrent/storage/piece_check.h"

namespace tonari::torrent::create {
namespace {

using metainfo::TorrentVersion;

// Deterministic content: byte i of file `seed` is a mix of both.
std::string Content(size_t length, int seed) {
    std::string s(length, '\0');
    for (size_t i = 0; i < length; ++i) s[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 10)) & 0xff);
    return s;
}

struct Fixture {
    tonari::storage::MemoryEnv env;
    std::vector<InputFile> files;
    std::vector<std::string> contents;

    void Add(std::vector<std::string> path, size_t length) {
        const int seed = static_cast<int>(files.size()) + 1;
        InputFile f;
        f.path = std::move(path);
        f.disk_path = "/in/" + std::to_string(seed);
        f.length = length;
        auto w = env.OpenAppendable(f.disk_path);
        EXPECT_TRUE(w);
        contents.push_back(Content(length, seed));
        EXPECT_TRUE((*w)->Append(util::AsBytes(contents.back())));
        files.push_back(std::move(f));
    }
};

metainfo::Metainfo MakeAndParse(Fixture& fx, TorrentVersion version, uint64_t piece_length,
                                util::WorkerPool& pool) {
    CreateOptions options;
    options.version = version;
    options.piece_length = piece_length;
    options.trackers = {"http://127.0.0.1:1/announce", "udp://127.0.0.1:2"};
    options.created_by = "test";
    options.creation_date = 1'700'000'000;
    auto bytes = CreateTorrent(fx.env, "root", fx.files, options, pool);
    if (!bytes) {
        ADD_FAILURE() << bytes.error();
        return {};
    }
    auto m = metainfo::ParseTorrentFile(util::AsBytes(*bytes));
    if (!m) {
        ADD_FAILURE() << m.error().message;
        return {};
    }
    return *m;
}

// The v1 piece space read the simple way: every file (and padding) one after another.
std::string PieceSpace(const metainfo::Metainfo& m, const Fixture& fx) {
    std::string space;
    size_t next = 0;
    for (const auto& f : m.files) {
        if (f.pad) {
            space.append(f.length, '\0');
        } else {
            if (m.version == TorrentVersion::V2) space.resize(f.offset, '\0');  // alignment, unlisted
            EXPECT_EQ(space.size(), f.offset);
            space += fx.contents[next++];
        }
    }
    return space;
}

TEST(CreateTorrent, EveryVersionParsesBackWithMatchingHashes) {
    util::WorkerPool pool(2);
    for (TorrentVersion version : {TorrentVersion::V1, TorrentVersion::V2, TorrentVersion::Hybrid}) {
        Fixture fx;
        fx.Add({"a", "big.bin"}, 5 * 16384 + 123);  // several pieces, a short last block
        fx.Add({"a", "empty"}, 0);
        fx.Add({"b.txt"}, 100);                     // smaller than a piece
        fx.Add({"c.bin"}, 2 * 32768);               // exactly two pieces
        const auto m = MakeAndParse(fx, version, 32768, pool);
        SCOPED_TRACE(metainfo::VersionName(version));
        EXPECT_EQ(m.version, version);
        EXPECT_EQ(m.ContentSize(), 5u * 16384 + 123 + 100 + 2 * 32768);
        std::vector<std::string> paths;
        for (const auto& f : m.files) {
            if (!f.pad) paths.push_back(f.JoinedPath());
        }
        EXPECT_EQ(paths, (std::vector<std::string>{"root/a/big.bin", "root/a/empty", "root/b.txt", "root/c.bin"}));
        ASSERT_EQ(m.trackers.size(), 2u);
        EXPECT_EQ(m.created_by, "test");
        EXPECT_EQ(m.creation_date, 1'700'000'000);

        if (m.HasV1()) {
            const std::string space = PieceSpace(m, fx);
            ASSERT_EQ(space.size(), m.total_size);
            for (uint64_t p = 0; p < m.PieceCount(); ++p) {
                const auto piece = util::AsBytes(space).subspan(p * m.piece_length, m.PieceSize(p));
                EXPECT_EQ(m.v1_piece_hashes[p], crypto::Sha1(piece)) << "piece " << p;
            }
        }
        if (m.HasV2()) {
            // Every non-empty file starts on a piece boundary, and its root is its leaves'.
            size_t next = 0;
            for (const auto& f : m.files) {
                if (f.pad) continue;
                const std::string& data = fx.contents[next++];
                if (f.length == 0) {
                    EXPECT_FALSE(f.pieces_root);
                    continue;
                }
                EXPECT_EQ(f.offset % m.piece_length, 0u) << f.JoinedPath();
                std::vector<metainfo::Sha256Hash> leaves;
                for (size_t pos = 0; pos < data.size(); pos += metainfo::MERKLE_BLOCK_SIZE) {
                    leaves.push_back(crypto::Sha256Hash(util::AsBytes(data).subspan(
                        pos, std::min<size_t>(metainfo::MERKLE_BLOCK_SIZE, data.size() - pos))));
                }
                ASSERT_TRUE(f.pieces_root);
                EXPECT_EQ(*f.pieces_root, metainfo::RootFromLeaves(leaves)) << f.JoinedPath();
                // Files over one piece carry a checked piece layer.
                EXPECT_EQ(m.piece_layers.count(*f.pieces_root), f.length > m.piece_length ? 1u : 0u);
            }
        }
        // What a downloader checks: every piece good as made, bad with one byte changed.
        const std::string space = PieceSpace(m, fx);
        for (uint64_t p = 0; p < m.PieceCount(); ++p) {
            std::string piece = space.substr(p * m.piece_length, m.PieceSize(p));
            piece.resize(m.PieceSize(p), '\0');  // a v2 torrent's alignment reads as zeros
            EXPECT_EQ(storage::CheckPiece(m, p, util::AsBytes(piece)), storage::PieceCheck::Good) << "piece " << p;
            piece[0] ^= 1;  // a piece's data is a prefix of it: the rest may be alignment
            // The data part ends where the piece's file ends (v2, hybrid) or fills it (v1).
            const uint64_t data = m.PieceDataSize(p);
            EXPECT_GT(data, 0u);
            EXPECT_TRUE(std::all_of(space.begin() + static_cast<long>(p * m.piece_length + data),
                                    space.begin() + static_cast<long>(p * m.piece_length + m.PieceSize(p)),
                                    [](char c) { return c == 0; }));
            EXPECT_EQ(storage::CheckPiece(m, p, util::AsBytes(piece)), storage::PieceCheck::Bad) << "piece " << p;
        }
        if (version == TorrentVersion::Hybrid) {
            // BEP 47 padding after big.bin (it ends mid-piece), none after c.bin (it ends on
            // a boundary): big.bin, pad, empty, b.txt, pad, c.bin.
            ASSERT_EQ(m.files.size(), 6u);
            EXPECT_TRUE(m.files[1].pad);
            EXPECT_TRUE(m.files[4].pad);
            EXPECT_FALSE(m.files.back().pad);
        }
    }
}

TEST(CreateTorrent, SingleFileAndTheSameResultWithOneThread) {
    Fixture fx;
    fx.Add({}, 70'000);
    util::WorkerPool one(1), two(2);
    CreateOptions options;
    auto a = CreateTorrent(fx.env, "only.bin", fx.files, options, one);
    auto b = CreateTorrent(fx.env, "only.bin", fx.files, options, two);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    auto m = metainfo::ParseTorrentFile(util::AsBytes(*a));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_TRUE(m->single_file);
    EXPECT_EQ(m->version, TorrentVersion::Hybrid);
    ASSERT_EQ(m->files.size(), 1u);
    EXPECT_EQ(m->files[0].JoinedPath(), "only.bin");
    EXPECT_EQ(m->piece_length, AutoPieceLength(70'000));
    // No padding can be listed after a single file: its last v1 piece is short, as a v1-only
    // client hashes it.
    EXPECT_EQ(m->total_size, 70'000u);
    const uint64_t last = m->PieceCount() - 1;
    EXPECT_EQ(m->v1_piece_hashes[last],
              crypto::Sha1(util::AsBytes(fx.contents[0]).subspan(last * m->piece_length)));
}

TEST(CreateTorrent, RefusesWhatCannotBeHashed) {
    util::WorkerPool pool(1);
    Fixture fx;
    fx.Add({"x"}, 10);
    CreateOptions v2;
    v2.version = TorrentVersion::V2;
    v2.piece_length = 20000;  // not a power of two
    EXPECT_FALSE(CreateTorrent(fx.env, "r", fx.files, v2, pool));
    Fixture empty;
    empty.Add({"e"}, 0);
    EXPECT_FALSE(CreateTorrent(empty.env, "r", empty.files, CreateOptions{}, pool));
    // A file that shrank after it was listed.
    fx.files[0].length = 20;
    auto shrank = CreateTorrent(fx.env, "r", fx.files, CreateOptions{}, pool);
    ASSERT_FALSE(shrank);
    EXPECT_NE(shrank.error().find("shrank"), std::string::npos);
}

TEST(CreateTorrent, AutoPieceLengthGrowsWithSize) {
    EXPECT_EQ(AutoPieceLength(1), 16384u);
    EXPECT_EQ(AutoPieceLength(64ull << 20), 64u << 10);
    EXPECT_EQ(AutoPieceLength(1ull << 30), 1u << 20);
    EXPECT_EQ(AutoPieceLength(1ull << 45), 16u << 20);
}

TEST(CollectFiles, WalksAFolderInTorrentOrder) {
    tonari::storage::test::TestTempDir dir;
    std::filesystem::create_directories(dir.path() / "t" / "sub");
    for (const char* name : {"t/z.txt", "t/sub/b", "t/a"}) std::ofstream(dir.path() / name) << name;
    auto files = CollectFiles(dir.path() / "t");
    ASSERT_TRUE(files) << files.error();
    ASSERT_EQ(files->size(), 3u);
    EXPECT_EQ((*files)[0].path, (std::vector<std::string>{"a"}));
    EXPECT_EQ((*files)[1].path, (std::vector<std::string>{"sub", "b"}));
    EXPECT_EQ((*files)[2].path, (std::vector<std::string>{"z.txt"}));
    EXPECT_EQ((*files)[2].length, 7u);
    auto single = CollectFiles(dir.path() / "t" / "a");
    ASSERT_TRUE(single);
    EXPECT_TRUE((*single)[0].path.empty());
    EXPECT_FALSE(CollectFiles(dir.path() / "missing"));
}

}  // namespace
}  // namespace tonari::torrent::create
