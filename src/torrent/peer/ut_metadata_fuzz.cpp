// libFuzzer target: ut_metadata (BEP 9) messages, as a peer sends them, must never crash the
// decoder or get past its bounds, and what decodes must encode to a message that decodes alike.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "torrent/peer/ut_metadata.h"

using namespace tonari::torrent::peer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto m = DecodeMetadataMessage(tonari::util::ByteSpan(data, size));
    if (!m) return 0;
    if (m->data.size() > METADATA_PIECE_SIZE || m->total_size > MAX_METADATA_SIZE) std::abort();
    auto again = DecodeMetadataMessage(EncodeMetadataMessage(*m));
    if (!again || again->type != m->type || again->piece != m->piece || again->data != m->data) std::abort();
    return 0;
}
