// libFuzzer target: decoding undo bytes (and whole checksummed records) must never crash or
// over-allocate; a decoded BlockUndo re-encodes to exactly the input.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "bitcoin/chain/undo.h"

using namespace tonari::bitcoin::chain;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const tonari::util::ByteSpan input(data, size);
    auto undo = DecodeBlockUndo(input);
    if (undo) {
        const tonari::util::Bytes again = SerializeBlockUndo(*undo);
        if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
        const tonari::bitcoin::primitives::BlockHash prev;
        auto back = ReadUndoRecord(prev, MakeUndoRecord(prev, *undo));
        if (!back || !(*back == *undo)) std::abort();
    }
    (void)ReadUndoRecord(tonari::bitcoin::primitives::BlockHash(), input);
    return 0;
}
