// libFuzzer target: ut_pex (BEP 11) messages as a peer sends them must never crash the decoder
// or yield more peers than its bound, and what decodes must survive encoding again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "torrent/peer/ut_pex.h"

using namespace tonari::torrent::peer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto m = DecodePex(tonari::util::ByteSpan(data, size));
    if (!m) return 0;
    if (m->added.size() > 2 * MAX_PEX_PEERS || m->dropped.size() > 2 * MAX_PEX_PEERS) std::abort();
    auto again = DecodePex(EncodePex(*m));
    if (!again || again->added.size() > m->added.size()) std::abort();
    return 0;
}
