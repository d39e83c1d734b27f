// Choosing the block and undo files to prune.
#include "bitcoin/chain/prune.h"

#include <algorithm>
#include <tuple>

namespace tonari::bitcoin::chain {

std::vector<BlockFileInfo> ChooseFilesToPrune(std::span<const BlockFileInfo> files, const FileLastHeights& heights,
                                              int last_prunable_height, std::optional<uint64_t> target) {
    uint64_t usage = 0;
    for (const auto& f : files) usage += f.size;
    if (target && usage + PRUNE_BUFFER_BYTES < *target) return {};

    struct Eligible {
        int last_height;
        BlockFileInfo info;
    };
    std::vector<Eligible> eligible;
    for (const auto& f : files) {
        if (f.appending) continue;
        const auto it = heights.find({f.kind, f.file});
        const int last = it == heights.end() ? -1 : it->second;
        if (last > last_prunable_height) continue;
        eligible.push_back({last, f});
    }
    std::sort(eligible.begin(), eligible.end(), [](const Eligible& a, const Eligible& b) {
        return std::tie(a.last_height, a.info.kind, a.info.file) < std::tie(b.last_height, b.info.kind, b.info.file);
    });
    std::vector<BlockFileInfo> out;
    for (const auto& e : eligible) {
        if (target && usage + PRUNE_BUFFER_BYTES < *target) break;
        out.push_back(e.info);
        usage -= e.info.size;
    }
    return out;
}

}  // namespace tonari::bitcoin::chain
