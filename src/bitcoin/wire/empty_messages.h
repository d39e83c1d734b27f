// The messages that carry no payload: verack, sendheaders, getaddr, wtxidrelay, sendaddrv2,
// mempool. Their meaning is the command itself.
//
// Extra payload bytes are rejected with TrailingBytes. Bitcoin Core never reads these payloads,
// so it ignores extra bytes; we keep the module's single rule (a message is exactly its
// encoding) and leave the reaction to the caller: TrailingBytes on one of these carries no
// data, so net processing may choose to treat it as the plain message instead of punishing.
//
// Plain values; thread-safe.
#pragma once

#include <string_view>

#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

// `verack`: acknowledges the peer's `version`; the handshake is complete once both sides have sent one.
struct VerackMsg {
    static constexpr std::string_view COMMAND = "verack";
    util::Bytes Encode() const { return {}; }
    static util::Result<VerackMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const VerackMsg&, const VerackMsg&) = default;
};

// `sendheaders`: BIP130: announce new blocks with `headers` rather than `inv`.
struct SendHeadersMsg {
    static constexpr std::string_view COMMAND = "sendheaders";
    util::Bytes Encode() const { return {}; }
    static util::Result<SendHeadersMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const SendHeadersMsg&, const SendHeadersMsg&) = default;
};

// `getaddr`: asks for a sample of known addresses (answered with addr/addrv2).
struct GetAddrMsg {
    static constexpr std::string_view COMMAND = "getaddr";
    util::Bytes Encode() const { return {}; }
    static util::Result<GetAddrMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const GetAddrMsg&, const GetAddrMsg&) = default;
};

// `wtxidrelay`: BIP339: announce transactions by wtxid; sent between `version` and `verack`.
struct WtxidRelayMsg {
    static constexpr std::string_view COMMAND = "wtxidrelay";
    util::Bytes Encode() const { return {}; }
    static util::Result<WtxidRelayMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const WtxidRelayMsg&, const WtxidRelayMsg&) = default;
};

// `sendaddrv2`: BIP155: send addresses as `addrv2`; sent between `version` and `verack`.
struct SendAddrV2Msg {
    static constexpr std::string_view COMMAND = "sendaddrv2";
    util::Bytes Encode() const { return {}; }
    static util::Result<SendAddrV2Msg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const SendAddrV2Msg&, const SendAddrV2Msg&) = default;
};

// `mempool`: BIP35: asks for the peer's mempool as `inv` (only honoured for bloom peers).
struct MempoolMsg {
    static constexpr std::string_view COMMAND = "mempool";
    util::Bytes Encode() const { return {}; }
    static util::Result<MempoolMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const MempoolMsg&, const MempoolMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
