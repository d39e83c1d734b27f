// `headers`: block headers in chain order, the answer to `getheaders` and (BIP130) the way
// new blocks are announced. On the wire each header is followed by a transaction count, a
// leftover of the block format, which is always 0.
//
// Plain value; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "bitcoin/primitives/block.h"
#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

// Most headers in one message (Core's limit; more is TooMany). Also the batch size of headers
// sync: a peer answering with fewer is telling us it has no more.
inline constexpr size_t MAX_HEADERS_RESULTS = 2000;

struct HeadersMsg {
    static constexpr std::string_view COMMAND = "headers";
    std::vector<primitives::BlockHeader> headers;

    // Writes a zero transaction count after each header.
    util::Bytes Encode() const;
    // The per-header transaction count must be a canonical CompactSize but its value is read
    // and ignored, exactly as Core does ("ignore tx count; assume it is 0"): rejecting non-zero
    // counts would split us from Core on what a valid `headers` message is.
    static util::Result<HeadersMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const HeadersMsg&, const HeadersMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
