// `sendcmpct` (BIP152): "I understand compact blocks of this version; announce = true asks you
// to push new blocks to me as `cmpctblock` without an inv first (high-bandwidth mode)".
//
// Plain value; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

struct SendCmpctMsg {
    static constexpr std::string_view COMMAND = "sendcmpct";
    bool announce = false;
    uint64_t version = 2;  // 2 = short ids over wtxids (segwit); the only version Core speaks now

    util::Bytes Encode() const;
    // Exactly 9 bytes; the announce byte is true when non-zero, as Core reads a bool.
    static util::Result<SendCmpctMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const SendCmpctMsg&, const SendCmpctMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
