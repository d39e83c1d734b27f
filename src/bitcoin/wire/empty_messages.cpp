// Empty-payload messages (see empty_messages.h).
#include "bitcoin/wire/empty_messages.h"

#include "bitcoin/wire/codec.h"

namespace tonari::bitcoin::wire {

util::Result<VerackMsg, WireError> VerackMsg::Decode(util::ByteSpan payload) {
    if (auto ok = detail::CheckEmptyPayload(payload); !ok) return util::Fail(ok.error());
    return VerackMsg{};
}

util::Result<SendHeadersMsg, WireError> SendHeadersMsg::Decode(util::ByteSpan payload) {
    if (auto ok = detail::CheckEmptyPayload(payload); !ok) return util::Fail(ok.error());
    return SendHeadersMsg{};
}

util::Result<GetAddrMsg, WireError> GetAddrMsg::Decode(util::ByteSpan payload) {
    if (auto ok = detail::CheckEmptyPayload(payload); !ok) return util::Fail(ok.error());
    return GetAddrMsg{};
}

util::Result<WtxidRelayMsg, WireError> WtxidRelayMsg::Decode(util::ByteSpan payload) {
    if (auto ok = detail::CheckEmptyPayload(payload); !ok) return util::Fail(ok.error());
    return WtxidRelayMsg{};
}

util::Result<SendAddrV2Msg, WireError> SendAddrV2Msg::Decode(util::ByteSpan payload) {
    if (auto ok = detail::CheckEmptyPayload(payload); !ok) return util::Fail(ok.error());
    return SendAddrV2Msg{};
}

util::Result<MempoolMsg, WireError> MempoolMsg::Decode(util::ByteSpan payload) {
    if (auto ok = detail::CheckEmptyPayload(payload); !ok) return util::Fail(ok.error());
    return MempoolMsg{};
}

}  // namespace tonari::bitcoin::wire
