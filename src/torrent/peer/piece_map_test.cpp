// Tests for the piece map's cells.
#include "torrent/peer/piece_map.h"

#include <gtest/gtest.h>

namespace tonari::torrent::peer {
namespace {

TEST(PieceMap, OneCellPerPieceWhenTheyFit) {
    EXPECT_EQ(PieceMapCells({true, false, true}), "f0f");
    EXPECT_EQ(PieceMapCells({}), "");
}

TEST(PieceMap, CellsSharePiecesAndOnlyCompleteOnesAreFull) {
    std::vector<bool> have(1000, false);
    for (size_t i = 0; i < 500; ++i) have[i] = true;  // the first half
    have[999] = false;
    const std::string map = PieceMapCells(have, 10);
    EXPECT_EQ(map, "fffff00000");
    have[999 - 50] = true;  // one piece of the last cell's hundred
    EXPECT_EQ(PieceMapCells(have, 10).substr(9), "0");  // 1 of 100 rounds down
    for (size_t i = 900; i < 999; ++i) have[i] = true;  // all but one of the last cell
    EXPECT_EQ(PieceMapCells(have, 10).back(), 'e');
    have[999] = true;
    EXPECT_EQ(PieceMapCells(have, 10).back(), 'f');
}

TEST(PieceMap, NeverMoreCellsThanAsked) {
    std::vector<bool> have(100'003, true);
    const std::string map = PieceMapCells(have);
    EXPECT_EQ(map.size(), MAX_PIECE_MAP_CELLS);
    EXPECT_EQ(map, std::string(MAX_PIECE_MAP_CELLS, 'f'));
    EXPECT_EQ(PieceMapCells(have, 0).size(), 1u);
}

}  // namespace
}  // namespace tonari::torrent::peer
