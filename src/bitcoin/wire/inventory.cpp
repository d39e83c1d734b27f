// Inventory list encoding (see inventory.h).
#include "bitcoin/wire/inventory.h"

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/wire/codec.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {
namespace {

constexpr size_t INV_ITEM_SIZE = 4 + 32;

template <typename Msg>
util::Result<Msg, WireError> DecodeAs(util::ByteSpan payload) {
    auto items = DecodeInvList(payload);
    if (!items) return util::Fail(items.error());
    Msg m;
    m.items = std::move(*items);
    return m;
}

}  // namespace

util::Bytes EncodeInvList(const std::vector<Inv>& items) {
    util::ByteWriter w(9 + items.size() * INV_ITEM_SIZE);
    encoding::WriteCompactSize(w, items.size());
    for (const Inv& inv : items) {
        w.WriteU32LE(inv.type);
        w.WriteBytes(inv.hash.span());
    }
    return w.Take();
}

util::Result<std::vector<Inv>, WireError> DecodeInvList(util::ByteSpan payload) {
    util::ByteReader r(payload);
    const auto count = detail::ReadCount(r, MAX_INV_SIZE, INV_ITEM_SIZE);
    if (!count) return util::Fail(count.error());
    std::vector<Inv> items(*count);
    for (Inv& inv : items) {
        inv.type = r.ReadU32LE();
        r.ReadInto(inv.hash.mutable_span());
    }
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return items;
}

util::Result<InvMsg, WireError> InvMsg::Decode(util::ByteSpan payload) {
    return DecodeAs<InvMsg>(payload);
}
util::Result<GetDataMsg, WireError> GetDataMsg::Decode(util::ByteSpan payload) {
    return DecodeAs<GetDataMsg>(payload);
}
util::Result<NotFoundMsg, WireError> NotFoundMsg::Decode(util::ByteSpan payload) {
    return DecodeAs<NotFoundMsg>(payload);
}

}  // namespace tonari::bitcoin::wire
