// `headers` encoding (see headers.h).
#include "bitcoin/wire/headers.h"

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/wire/codec.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {

util::Bytes HeadersMsg::Encode() const {
    util::ByteWriter w(9 + headers.size() * (primitives::BlockHeader::SIZE + 1));
    encoding::WriteCompactSize(w, headers.size());
    for (const auto& h : headers) {
        primitives::EncodeHeader(w, h);
        w.WriteU8(0);
    }
    return w.Take();
}

util::Result<HeadersMsg, WireError> HeadersMsg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    const auto count = detail::ReadCount(r, MAX_HEADERS_RESULTS, primitives::BlockHeader::SIZE + 1);
    if (!count) return util::Fail(count.error());
    HeadersMsg m;
    m.headers.reserve(*count);
    for (uint64_t i = 0; i < *count; ++i) {
        m.headers.push_back(primitives::DecodeHeader(r));
        if (r.failed()) return util::Fail(WireError::Truncated);
        // Core reads this with its range check (MAX_SIZE), so a larger value is an error there.
        const auto tx_count = detail::ReadCompactSize(r, encoding::MAX_COMPACT_SIZE);
        if (!tx_count) return util::Fail(tx_count.error() == WireError::TooMany ? WireError::Malformed
                                                                                : tx_count.error());
    }
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

}  // namespace tonari::bitcoin::wire
