// libFuzzer target: every message decoder of this module. The first input byte picks the
// message type, the rest is its payload. Decoding must never crash; when it succeeds, the
// value must encode, decode again, and re-encode to the same bytes (a decoder may normalize,
// e.g. `version`'s relay byte or a `headers` tx count, but only once).
#include <cstdint>
#include <cstdlib>
#include <tuple>

#include "bitcoin/wire/messages.h"

using namespace tonari::bitcoin::wire;

namespace {

using AllMessages =
    std::tuple<VersionMsg, VerackMsg, SendHeadersMsg, GetAddrMsg, WtxidRelayMsg, SendAddrV2Msg, MempoolMsg,
               PingMsg, PongMsg, AddrMsg, AddrV2Msg, InvMsg, GetDataMsg, NotFoundMsg, GetHeadersMsg,
               GetBlocksMsg, HeadersMsg, BlockMsg, TxMsg, SendCmpctMsg, FeeFilterMsg, CmpctBlockMsg,
               GetBlockTxnMsg, BlockTxnMsg>;

template <typename Msg>
void RoundTrip(tonari::util::ByteSpan payload) {
    auto first = Msg::Decode(payload);
    if (!first) return;
    const tonari::util::Bytes encoded = first->Encode();
    auto second = Msg::Decode(encoded);
    if (!second) std::abort();
    if (!(*second == *first)) std::abort();
    if (second->Encode() != encoded) std::abort();
}

template <size_t... I>
void Dispatch(size_t which, tonari::util::ByteSpan payload, std::index_sequence<I...>) {
    ((which == I ? RoundTrip<std::tuple_element_t<I, AllMessages>>(payload) : void()), ...);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    constexpr size_t COUNT = std::tuple_size_v<AllMessages>;
    const tonari::util::ByteSpan payload(data + 1, size - 1);
    Dispatch(data[0] % COUNT, payload, std::make_index_sequence<COUNT>{});
    return 0;
}
