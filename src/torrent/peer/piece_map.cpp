// The piece map: a torrent's have-bits squeezed into hex cells.
#include "torrent/peer/piece_map.h"

#include <algorithm>

namespace tonari::torrent::peer {

std::string PieceMapCells(const std::vector<bool>& have, size_t max_cells) {
    const size_t pieces = have.size();
    const size_t cells = std::min(pieces, std::max<size_t>(max_cells, 1));
    std::string out;
    out.reserve(cells);
    static constexpr char DIGITS[] = "0123456789abcdef";
    for (size_t c = 0; c < cells; ++c) {
        const size_t first = c * pieces / cells;
        const size_t end = (c + 1) * pieces / cells;
        size_t here = 0;
        for (size_t i = first; i < end; ++i) here += have[i] ? 1 : 0;
        const size_t span = end - first;
        // Floor, so only a complete cell reaches 15.
        const size_t level = here == span ? 15 : here * 15 / span;
        out.push_back(DIGITS[level]);
    }
    return out;
}

}  // namespace tonari::torrent::peer
