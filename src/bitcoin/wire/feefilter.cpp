// `feefilter` encoding (see feefilter.h).
#include "bitcoin/wire/feefilter.h"

#include "bitcoin/wire/codec.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {

util::Bytes FeeFilterMsg::Encode() const {
    util::ByteWriter w(8);
    w.WriteI64LE(fee_rate);
    return w.Take();
}

util::Result<FeeFilterMsg, WireError> FeeFilterMsg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    FeeFilterMsg m;
    m.fee_rate = r.ReadI64LE();
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

}  // namespace tonari::bitcoin::wire
