// `ping` / `pong` (BIP31): liveness and latency. A ping carries a random nonce; the pong
// echoes it, so replies can be matched and stale ones ignored.
//
// Plain values; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

struct PingMsg {
    static constexpr std::string_view COMMAND = "ping";
    uint64_t nonce = 0;

    util::Bytes Encode() const;
    static util::Result<PingMsg, WireError> Decode(util::ByteSpan payload);  // exactly 8 bytes
    friend bool operator==(const PingMsg&, const PingMsg&) = default;
};

struct PongMsg {
    static constexpr std::string_view COMMAND = "pong";
    uint64_t nonce = 0;

    util::Bytes Encode() const;
    // Exactly 8 bytes. (Core treats a short pong as a mere "short payload" problem without
    // disconnecting; the caller can do the same on Truncated.)
    static util::Result<PongMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const PongMsg&, const PongMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
