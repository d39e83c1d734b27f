// `ping` / `pong` encoding (see ping.h).
#include "bitcoin/wire/ping.h"

#include "bitcoin/wire/codec.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wire {
namespace {

util::Bytes EncodeNonce(uint64_t nonce) {
    util::ByteWriter w(8);
    w.WriteU64LE(nonce);
    return w.Take();
}

util::Result<uint64_t, WireError> DecodeNonce(util::ByteSpan payload) {
    util::ByteReader r(payload);
    const uint64_t nonce = r.ReadU64LE();
    if (auto ok = detail::Finish(r); !ok) return util::Fail(ok.error());
    return nonce;
}

}  // namespace

util::Bytes PingMsg::Encode() const { return EncodeNonce(nonce); }

util::Result<PingMsg, WireError> PingMsg::Decode(util::ByteSpan payload) {
    auto nonce = DecodeNonce(payload);
    if (!nonce) return util::Fail(nonce.error());
    return PingMsg{*nonce};
}

util::Bytes PongMsg::Encode() const { return EncodeNonce(nonce); }

util::Result<PongMsg, WireError> PongMsg::Decode(util::ByteSpan payload) {
    auto nonce = DecodeNonce(payload);
    if (!nonce) return util::Fail(nonce.error());
    return PongMsg{*nonce};
}

}  // namespace tonari::bitcoin::wire
