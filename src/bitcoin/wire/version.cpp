// `version` payload encoding (see version.h).
#include "bitcoin/wire/version.h"

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/wire/codec.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {

util::Bytes VersionMsg::Encode() const {
    util::ByteWriter w(86 + user_agent.size());
    w.WriteI32LE(version);
    w.WriteU64LE(services);
    w.WriteI64LE(timestamp);
    detail::WriteLegacyAddress(w, addr_recv_services, addr_recv);
    detail::WriteLegacyAddress(w, addr_from_services, addr_from);
    w.WriteU64LE(nonce);
    encoding::WriteCompactSize(w, user_agent.size());
    w.WriteBytes(util::AsBytes(user_agent));
    w.WriteI32LE(start_height);
    w.WriteU8(relay ? 1 : 0);
    return w.Take();
}

util::Result<VersionMsg, WireError> VersionMsg::Decode(util::ByteSpan payload) {
    util::ByteReader r(payload);
    VersionMsg m;
    m.version = r.ReadI32LE();
    m.services = r.ReadU64LE();
    m.timestamp = r.ReadI64LE();
    m.addr_recv = detail::ReadLegacyAddress(r, m.addr_recv_services);
    m.addr_from = detail::ReadLegacyAddress(r, m.addr_from_services);
    m.nonce = r.ReadU64LE();
    if (r.failed()) return util::Fail(WireError::Truncated);
    const auto ua_len = detail::ReadCompactSize(r, MAX_SUBVERSION_LENGTH);
    if (!ua_len) return util::Fail(ua_len.error());
    const util::ByteSpan ua = r.ReadSpan(*ua_len);
    m.user_agent.assign(ua.begin(), ua.end());
    m.start_height = r.ReadI32LE();
    if (r.failed()) return util::Fail(WireError::Truncated);
    if (!r.empty()) m.relay = r.ReadU8() != 0;
    // Anything after the relay byte is ignored (see version.h).
    return m;
}

}  // namespace tonari::bitcoin::wire
