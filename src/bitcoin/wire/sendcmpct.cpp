// `sendcmpct` encoding (see sendcmpct.h).
#include "bitcoin/wire/sendcmpct.h"

#include "bitcoin/wire/codec.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {

util::Bytes SendCmpctMsg::Encode() const {
    util::ByteWriter w(9);
    w.WriteU8(announce ? 1 : 0);
    w.WriteU64LE(version);
    return w.Take();
}

util::Result<SendCmpctMsg, WireError> SendCmpctMsg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    SendCmpctMsg m;
    m.announce = r.ReadU8() != 0;
    m.version = r.ReadU64LE();
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return m;
}

}  // namespace tonari::bitcoin::wire
