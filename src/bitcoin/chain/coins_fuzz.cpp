// libFuzzer target: decoding stored coin bytes must never crash; a decoded coin re-encodes
// to exactly the input (the format has one encoding per coin), and a CoinsViewCache fed the
// decoded coins keeps its invariants.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "bitcoin/chain/coins.h"

using namespace tonari::bitcoin::chain;
using tonari::bitcoin::primitives::OutPoint;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const tonari::util::ByteSpan input(data, size);
    auto coin = DecodeCoin(input);
    if (coin) {
        const tonari::util::Bytes again = SerializeCoin(*coin);
        if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    }

    // Every coin in a stream of them, added, spent and flushed through a cache.
    MemoryCoinsView base;
    CoinsViewCache cache(base, 1, 2);
    tonari::util::ByteReader r(input);
    uint32_t index = 0;
    while (!r.empty()) {
        auto c = DecodeCoin(r);
        if (!c) break;
        const OutPoint outpoint{{}, index % 8};
        const bool spend = (index & 8) != 0;
        ++index;
        if (spend) {
            (void)cache.SpendCoin(outpoint);
        } else {
            (void)cache.AddCoin(outpoint, std::move(*c), true);
        }
        if (!cache.SanityCheck()) std::abort();
    }
    if (!cache.Flush() || !cache.SanityCheck()) std::abort();
    return 0;
}
