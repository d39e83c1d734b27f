// `getheaders` / `getblocks` encoding (see locator.h).
#include "bitcoin/wire/locator.h"

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/wire/codec.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {
namespace {

template <typename Msg>
util::Bytes EncodeLocator(const Msg& m) {
    util::ByteWriter w(4 + 9 + 32 * (m.locator.size() + 1));
    w.WriteU32LE(m.version);
    encoding::WriteCompactSize(w, m.locator.size());
    for (const auto& hash : m.locator) w.WriteBytes(hash.get().span());
    w.WriteBytes(m.stop.get().span());
    return w.Take();
}

template <typename Msg>
util::Result<Msg, WireError> DecodeLocator(util::ByteSpan payload) {
    util::ByteReader r(payload);
    Msg m;
    m.version = r.ReadU32LE();
    if (r.failed()) return util::Fail(WireError::Truncated);
    const auto count = detail::ReadCount(r, MAX_LOCATOR_SZ, 32);
    if (!count) return util::Fail(count.error());
    m.locator.resize(*count);
    for (auto& hash : m.locator) r.ReadInto(hash.get().mutable_span());
    r.ReadInto(m.stop.get().mutable_span());
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

}  // namespace

util::Bytes GetHeadersMsg::Encode() const { return EncodeLocator(*this); }
util::Result<GetHeadersMsg, WireError> GetHeadersMsg::Decode(util::ByteSpan payload) {
    return DecodeLocator<GetHeadersMsg>(payload);
}

util::Bytes GetBlocksMsg::Encode() const { return EncodeLocator(*this); }
util::Result<GetBlocksMsg, WireError> GetBlocksMsg::Decode(util::ByteSpan payload) {
    return DecodeLocator<GetBlocksMsg>(payload);
}

}  // namespace tonari::bitcoin::wire
