// A torrent's pieces drawn small: which pieces a peer has, squeezed into at most a few hundred
// cells so a watcher (the dashboard's piece map) can show a torrent of any size in one strip.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tonari::torrent::peer {

// The dashboard draws one cell per character; more would not fit on a line.
inline constexpr size_t MAX_PIECE_MAP_CELLS = 256;

// One hex digit per cell: how many of the cell's pieces are here, 0 (none) to f (all of them;
// a cell short of complete never shows f). Cells cover consecutive pieces, as evenly as whole
// pieces allow; with no more pieces than cells, one cell is one piece.
std::string PieceMapCells(const std::vector<bool>& have, size_t max_cells = MAX_PIECE_MAP_CELLS);

}  // namespace tonari::torrent::peer
