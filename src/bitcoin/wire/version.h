// `version`: the first message each side sends, announcing protocol version, services, the
// addresses as each side sees them, a nonce (self-connection detection), the user agent, the
// best height and whether to relay transactions (BIP37).
//
// Plain value; thread-safe to copy and read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bitcoin/wire/net_address.h"
#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

// Longest user agent (BIP14 "subversion") we accept: a peer could otherwise make us store and
// log kilobytes of text per connection. Core's limit, with the same reaction (reject).
inline constexpr size_t MAX_SUBVERSION_LENGTH = 256;

struct VersionMsg {
    static constexpr std::string_view COMMAND = "version";

    int32_t version = PROTOCOL_VERSION;
    uint64_t services = 0;
    int64_t timestamp = 0;  // sender's clock, seconds since the epoch
    uint64_t addr_recv_services = 0;
    NetAddress addr_recv;  // how the sender sees us; legacy form (Tor v3/I2P/CJDNS sent as ::)
    uint64_t addr_from_services = 0;
    NetAddress addr_from;  // Core sends zeros here and ignores it on receipt
    uint64_t nonce = 0;
    std::string user_agent;  // raw bytes as received; sanitize before display
    int32_t start_height = 0;
    bool relay = true;  // BIP37 fRelay; absent on the wire means true

    // Always writes every field, relay byte included.
    util::Bytes Encode() const;
    // Every field up to start_height is required (Truncated otherwise): Core would accept a
    // shorter message, but only pre-2012 peers (below MIN_PEER_PROTO_VERSION) send one. The
    // relay byte is optional and any non-zero value means true, as in Core; bytes after it are
    // ignored, as Core does (later versions may append fields). A user agent longer than
    // MAX_SUBVERSION_LENGTH is TooMany.
    static util::Result<VersionMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const VersionMsg&, const VersionMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
