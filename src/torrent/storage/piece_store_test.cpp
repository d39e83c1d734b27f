// PieceStore and CheckPiece on a v1 multi-file torrent in memory: pieces written in any
// order land in the right files, reads of missing files are zeros, many files stay within
// the open-file bound, and a piece with one flipped bit fails its check.
#include <gtest/gtest.h>

#include "crypto/hmac.h"
#include "storage/memory_env.h"
#include "torrent/storage/piece_check.h"
#include "torrent/storage/piece_store.h"
#include "torrent/storage/test_torrent.h"

namespace tonari::torrent::storage {
namespace {

using bencode::Value;

struct Torrent {
    std::string data;  // the whole piece space
    metainfo::Metainfo meta;
};

// A v1 torrent of `count` files of `size` bytes each, pieces of `piece` bytes.
Torrent MakeV1(size_t count, size_t size, int64_t piece) {
    Torrent t;
    Value info = Value::Dict();
    info.Set("name", Value::Str("t"));
    info.Set("piece length", Value::Int(piece));
    Value files = Value::List();
    for (size_t i = 0; i < count; ++i) {
        Value f = Value::Dict();
        f.Set("length", Value::Int(static_cast<int64_t>(size)));
        Value path = Value::List();
        path.Push(Value::Str("d" + std::to_string(i % 3)));
        path.Push(Value::Str("f" + std::to_string(i)));
        f.Set("path", path);
        files.Push(f);
        for (size_t b = 0; b < size; ++b) t.data += static_cast<char>((i * 31 + b * 7) & 0xff);
    }
    info.Set("files", files);
    t.meta = test::FinishV1(std::move(info), t.data);
    return t;
}

util::ByteSpan PieceBytes(const Torrent& t, uint64_t p) {
    return util::AsBytes(t.data).subspan(p * t.meta.piece_length, t.meta.PieceSize(p));
}

TEST(PieceStore, PiecesInAnyOrderLandInTheirFiles) {
    const Torrent t = MakeV1(5, 10'000, 16384);  // pieces span file boundaries
    tonari::storage::MemoryEnv env;
    PieceStore store(env, t.meta, "/dl");
    const uint64_t n = t.meta.PieceCount();
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t p = (i * 3) % n;  // out of order (n is not a multiple of 3)
        ASSERT_EQ(CheckPiece(t.meta, p, PieceBytes(t, p)), PieceCheck::Good);
        ASSERT_TRUE(store.WritePiece(p, PieceBytes(t, p)));
    }
    ASSERT_TRUE(store.Sync());
    for (size_t f = 0; f < 5; ++f) {
        const auto contents = env.Contents(store.FilePath(f));
        ASSERT_TRUE(contents) << f;
        EXPECT_EQ(std::string(contents->begin(), contents->end()), t.data.substr(f * 10'000, 10'000)) << f;
    }
    EXPECT_EQ(store.FilePath(4), std::filesystem::path("/dl/t/d1/f4"));
    std::vector<uint8_t> block(5000);
    ASSERT_TRUE(store.Read(1, 100, block));
    EXPECT_EQ(std::string(block.begin(), block.end()), t.data.substr(16384 + 100, 5000));
}

TEST(PieceStore, MissingFilesReadAsZeros) {
    const Torrent t = MakeV1(2, 20'000, 16384);
    tonari::storage::MemoryEnv env;
    PieceStore store(env, t.meta, "/dl");
    ASSERT_TRUE(store.WritePiece(0, PieceBytes(t, 0)));
    std::vector<uint8_t> piece(t.meta.PieceSize(2), 0xAA);
    ASSERT_TRUE(store.Read(2, 0, piece));  // entirely in the second file, never written
    EXPECT_TRUE(std::all_of(piece.begin(), piece.end(), [](uint8_t b) { return b == 0; }));
    EXPECT_EQ(CheckPiece(t.meta, 2, piece), PieceCheck::Bad);
}

TEST(PieceStore, DataWeHoldMustBeThere) {
    const Torrent t = MakeV1(2, 20'000, 16384);
    tonari::storage::MemoryEnv env;
    PieceStore store(env, t.meta, "/dl");
    ASSERT_TRUE(store.WritePiece(0, PieceBytes(t, 0)));
    std::vector<uint8_t> block(1000);
    EXPECT_TRUE(store.ReadHeld(0, 0, block));
    // The second file was never written (or vanished): no zeros passed off as its data.
    auto missing = store.ReadHeld(2, 0, block);
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().IsNotFound());
    // A file cut short under us is caught too.
    PieceStore fresh(env, t.meta, "/dl");
    env.SetContents("/dl/t/d0/f0", util::Bytes(100, 0));
    EXPECT_FALSE(fresh.ReadHeld(0, 0, block));
}

TEST(PieceStore, ManyFilesStayWithinTheOpenBound) {
    const Torrent t = MakeV1(MAX_OPEN_FILES * 2 + 5, 100, 16384);
    tonari::storage::MemoryEnv env;
    PieceStore store(env, t.meta, "/dl");
    for (uint64_t p = 0; p < t.meta.PieceCount(); ++p) ASSERT_TRUE(store.WritePiece(p, PieceBytes(t, p)));
    ASSERT_TRUE(store.Sync());
    std::vector<uint8_t> all(t.data.size());
    for (uint64_t p = 0; p < t.meta.PieceCount(); ++p) {
        ASSERT_TRUE(store.Read(p, 0, std::span<uint8_t>(all).subspan(p * 16384, t.meta.PieceSize(p))));
    }
    EXPECT_EQ(std::string(all.begin(), all.end()), t.data);
}

TEST(PieceStore, DiskFullIsAnEnvironmentError) {
    const Torrent t = MakeV1(1, 40'000, 16384);
    tonari::storage::MemoryEnv env;
    env.SetWriteBudget(20'000);
    PieceStore store(env, t.meta, "/dl");
    EXPECT_TRUE(store.WritePiece(0, PieceBytes(t, 0)));
    auto full = store.WritePiece(1, PieceBytes(t, 1));
    ASSERT_FALSE(full);
    EXPECT_TRUE(full.error().IsIoError());
}

TEST(CheckPiece, OneFlippedBitFails) {
    const Torrent t = MakeV1(2, 30'000, 16384);
    std::string piece(PieceBytes(t, 1).begin(), PieceBytes(t, 1).end());
    EXPECT_EQ(CheckPiece(t.meta, 1, util::AsBytes(piece)), PieceCheck::Good);
    piece[777] ^= 0x10;
    EXPECT_EQ(CheckPiece(t.meta, 1, util::AsBytes(piece)), PieceCheck::Bad);
    EXPECT_EQ(CheckPiece(t.meta, 1, util::AsBytes(piece).first(100)), PieceCheck::Bad);  // wrong size
    EXPECT_EQ(CheckPiece(t.meta, 99, util::AsBytes(piece)), PieceCheck::Bad);          // no such piece
}

}  // namespace
}  // namespace tonari::torrent::storage
