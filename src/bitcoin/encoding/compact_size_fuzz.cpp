// libFuzzer target: CompactSize reading must never crash, and whatever reads must be the
// canonical encoding (re-encoding gives exactly the bytes consumed).
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "bitcoin/encoding/compact_size.h"
#include "util/byte_writer.h"

using namespace tonari::bitcoin::encoding;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const tonari::util::ByteSpan input(data, size);
    for (bool range_check : {true, false}) {
        tonari::util::ByteReader r(input);
        const uint64_t v = ReadCompactSize(r, range_check);
        if (r.failed()) continue;
        if (range_check && v > MAX_COMPACT_SIZE) std::abort();
        tonari::util::ByteWriter w;
        WriteCompactSize(w, v);
        if (w.size() != r.position() || CompactSizeLength(v) != w.size()) std::abort();
        if (!std::equal(w.data().begin(), w.data().end(), data)) std::abort();
    }
    return 0;
}
