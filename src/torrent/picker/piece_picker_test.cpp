// PiecePicker: rarest first after the random first pieces, started pieces finished first,
// blocks returned on unrequest, end game duplicates with cancels, assembly and senders,
// the bound on pieces in progress, sequential mode.
#include <gtest/gtest.h>

#include "torrent/picker/piece_picker.h"

namespace tonari::torrent::picker {
namespace {

using bencode::Value;

// A v1 torrent of `pieces` pieces of `piece_length` bytes (hashes are dummies: the picker
// never checks them).
metainfo::Metainfo MakeMeta(uint64_t pieces, int64_t piece_length, int64_t last = 0) {
    const int64_t total = static_cast<int64_t>(pieces - 1) * piece_length + (last ? last : piece_length);
    Value info = Value::Dict();
    info.Set("name", Value::Str("t"));
    info.Set("length", Value::Int(total));
    info.Set("piece length", Value::Int(piece_length));
    info.Set("pieces", Value::Str(std::string(20 * pieces, 'x')));
    Value top = Value::Dict();
    top.Set("info", info);
    const std::string bytes = bencode::Encode(top);
    return *metainfo::ParseTorrentFile(util::AsBytes(bytes));
}

std::vector<bool> All(uint64_t n) { return std::vector<bool>(n, true); }

TEST(PiecePicker, RarestFirstAfterRandomFirstPieces) {
    const auto meta = MakeMeta(20, 32768);
    PiecePicker picker(meta, 7);
    for (uint64_t p = 0; p < RANDOM_FIRST_PIECES; ++p) picker.SetHave(p);  // past the random start
    picker.AddPeerPieces(All(20));  // the peer we ask
    std::vector<bool> all_but_9 = All(20);
    all_but_9[9] = false;
    picker.AddPeerPieces(all_but_9);
    picker.AddPeerPieces(all_but_9);  // piece 9: one source; every other piece: three
    const auto blocks = picker.Pick(All(20), 1, 2);  // one piece = 2 blocks of 16 KiB
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].piece, 9u);
    EXPECT_EQ(blocks[1].piece, 9u);
    EXPECT_EQ(blocks[1].offset, wire::BLOCK_SIZE);
    // Among equally rare pieces the choice is random, but never a commoner one.
    std::vector<bool> only13(20, false);
    only13[13] = true;
    picker.AddPeerPieces(only13);
    for (int i = 0; i < 5; ++i) {
        const auto b = picker.Pick(All(20), 1, 2);
        ASSERT_EQ(b.size(), 2u);
        EXPECT_NE(b[0].piece, 13u);
    }
}

TEST(PiecePicker, StartedPiecesAreFinishedFirstAndBlocksComeBack) {
    const auto meta = MakeMeta(10, 65536);  // 4 blocks a piece
    PiecePicker picker(meta, 1);
    const auto first = picker.Pick(All(10), 1, 2);
    ASSERT_EQ(first.size(), 2u);
    // Another peer continues the same piece before opening a new one.
    const auto second = picker.Pick(All(10), 2, 2);
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(second[0].piece, first[0].piece);
    EXPECT_EQ(second[0].offset, 2 * wire::BLOCK_SIZE);
    // Peer 1 chokes us: its blocks return and go to the next asker.
    for (const auto& b : first) picker.Unrequest(b, 1);
    const auto again = picker.Pick(All(10), 3, 2);
    ASSERT_EQ(again.size(), 2u);
    EXPECT_EQ(again[0], first[0]);
    EXPECT_EQ(again[1], first[1]);
}

TEST(PiecePicker, AssemblesPiecesAndNamesTheirSenders) {
    const auto meta = MakeMeta(3, 32768, 20000);  // last piece: 16384 + 3616
    PiecePicker picker(meta, 1);
    std::vector<bool> last_only(3, false);
    last_only[2] = true;
    const auto blocks = picker.Pick(last_only, 5, 10);
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[1].length, 20000u - wire::BLOCK_SIZE);
    const std::string a(wire::BLOCK_SIZE, 'a');
    const std::string b(blocks[1].length, 'b');
    EXPECT_EQ(picker.AddBlock(2, 0, util::AsBytes(a), 5), PiecePicker::BlockResult::Stored);
    EXPECT_EQ(picker.AddBlock(2, 0, util::AsBytes(a), 6), PiecePicker::BlockResult::Unwanted);  // duplicate
    EXPECT_EQ(picker.AddBlock(2, 100, util::AsBytes(a), 6), PiecePicker::BlockResult::Unwanted);  // misaligned
    EXPECT_EQ(picker.AddBlock(2, wire::BLOCK_SIZE, util::AsBytes(a), 6), PiecePicker::BlockResult::Unwanted);  // size
    EXPECT_EQ(picker.AddBlock(1, 0, util::AsBytes(a), 6), PiecePicker::BlockResult::Unwanted);  // not started
    EXPECT_EQ(picker.AddBlock(2, wire::BLOCK_SIZE, util::AsBytes(b), 6), PiecePicker::BlockResult::PieceDone);
    std::vector<PeerKey> senders;
    const util::Bytes piece = picker.TakePiece(2, &senders);
    ASSERT_EQ(piece.size(), 20000u);
    EXPECT_EQ(std::string(piece.begin(), piece.begin() + 3), "aaa");
    EXPECT_EQ(std::string(piece.end() - 3, piece.end()), "bbb");
    EXPECT_EQ(senders, (std::vector<PeerKey>{5, 6}));
    EXPECT_EQ(picker.PartialCount(), 0u);
    // Not marked had: a failed check means it is picked again.
    EXPECT_FALSE(picker.Have(2));
    EXPECT_EQ(picker.Pick(last_only, 7, 10).size(), 2u);
    picker.SetHave(2);
    EXPECT_TRUE(picker.Have(2));
    EXPECT_EQ(picker.PartialCount(), 0u);
}

TEST(PiecePicker, EndGameAsksASecondPeerOnce) {
    const auto meta = MakeMeta(1, 32768);
    PiecePicker picker(meta, 1);
    const auto slow = picker.Pick(All(1), 1, 10);
    ASSERT_EQ(slow.size(), 2u);
    // Nothing free is left: peer 2 gets the same blocks as duplicates; peer 3 gets nothing.
    const auto dup = picker.Pick(All(1), 2, 10);
    ASSERT_EQ(dup.size(), 2u);
    EXPECT_TRUE(picker.Pick(All(1), 3, 10).empty());
    EXPECT_TRUE(picker.Pick(All(1), 1, 10).empty());  // never twice from the same peer
    EXPECT_EQ(picker.OtherRequesters(dup[0], 2), (std::vector<PeerKey>{1}));
}

TEST(PiecePicker, BoundsPiecesInProgress) {
    // 64 MiB of 16 MiB pieces: the buffer bound allows 4 at once.
    const auto meta = MakeMeta(16, 16 << 20);
    PiecePicker picker(meta, 1);
    for (PeerKey peer = 1; peer <= 10; ++peer) (void)picker.Pick(All(16), peer, 1);
    EXPECT_LE(picker.PartialCount() * meta.piece_length, std::max(MAX_PARTIAL_BYTES, 4 * meta.piece_length));
}

TEST(PiecePicker, SequentialOpensTheLowestPiece) {
    const auto meta = MakeMeta(8, 16384);
    PiecePicker picker(meta, 3, /*sequential=*/true);
    for (uint32_t expect = 0; expect < 3; ++expect) {
        const auto b = picker.Pick(All(8), 1, 1);
        ASSERT_EQ(b.size(), 1u);
        EXPECT_EQ(b[0].piece, expect);
    }
}

TEST(PiecePicker, WantsOnlyWhatWeLack) {
    const auto meta = MakeMeta(4, 16384);
    PiecePicker picker(meta, 1);
    std::vector<bool> two(4, false);
    two[2] = true;
    EXPECT_TRUE(picker.Wants(two));
    picker.SetHave(2);
    EXPECT_FALSE(picker.Wants(two));
    EXPECT_FALSE(picker.Complete());
    for (uint64_t p = 0; p < 4; ++p) picker.SetHave(p);
    EXPECT_TRUE(picker.Complete());
    EXPECT_TRUE(picker.Pick(All(4), 1, 10).empty());
}

}  // namespace
}  // namespace tonari::torrent::picker
