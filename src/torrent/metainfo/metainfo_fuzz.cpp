// libFuzzer target: .torrent parsing on arbitrary bytes. Must never crash; whatever it
// accepts must keep the promises of metainfo.h: safe path components, files in piece-space
// order inside the total size, piece count matching the v1 hashes, aligned v2 files.
#include <cstdint>
#include <cstdlib>

#include "torrent/metainfo/metainfo.h"

using namespace tonari::torrent::metainfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto m = ParseTorrentFile(tonari::util::ByteSpan(data, size));
    if (!m) return 0;
    if (m->piece_length == 0 || m->piece_length > MAX_PIECE_LENGTH) std::abort();
    if (m->HasV1() && m->v1_piece_hashes.size() != m->PieceCount()) std::abort();
    if (m->ContentSize() == 0 || m->files.empty()) std::abort();
    uint64_t pos = 0;
    for (const auto& f : m->files) {
        if (f.offset < pos || f.offset + f.length > m->total_size) std::abort();
        pos = f.offset + f.length;
        if (f.pad) continue;
        for (const auto& part : f.path) {
            if (part.empty() || part == "." || part == ".." || part.find('/') != std::string::npos ||
                part.find('\\') != std::string::npos || part.size() > MAX_NAME_BYTES + 1) {
                std::abort();
            }
        }
        if (m->HasV2() && f.length > 0 && (f.offset % m->piece_length != 0 || !f.pieces_root)) std::abort();
    }
    // The info bytes are a slice of the input, and parse again on their own the same way.
    const auto again = ParseInfoDictionary(tonari::util::AsBytes(m->info_bytes));
    if (!again || again->info_hashes != m->info_hashes || again->files.size() != m->files.size()) std::abort();
    return 0;
}
