// `feefilter` (BIP133): "do not announce transactions paying less than this to me".
//
// Plain value; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

struct FeeFilterMsg {
    static constexpr std::string_view COMMAND = "feefilter";
    int64_t fee_rate = 0;  // satoshis per 1000 virtual bytes

    util::Bytes Encode() const;
    // Exactly 8 bytes. Any value decodes: Core ignores (without punishing) a fee rate outside
    // the money range, and so should the caller.
    static util::Result<FeeFilterMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const FeeFilterMsg&, const FeeFilterMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
