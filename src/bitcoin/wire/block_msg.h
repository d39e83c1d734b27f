// `block`: one full block with witness data (BIP144 serialization), the answer to a
// getdata(MSG_WITNESS_BLOCK) request.
//
// Plain value; thread-safe.
#pragma once

#include <string_view>

#include "bitcoin/primitives/block.h"
#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

struct BlockMsg {
    static constexpr std::string_view COMMAND = "block";
    primitives::Block block;

    util::Bytes Encode() const;  // with witness data
    // Decoding follows primitives::DecodeBlock; its errors map to Truncated, TrailingBytes and
    // Malformed (bad witness flag, superfluous witness). Consensus checks are the caller's.
    static util::Result<BlockMsg, WireError> Decode(util::ByteSpan payload);

    // primitives::Block has no operator== of its own.
    friend bool operator==(const BlockMsg& a, const BlockMsg& b) {
        return a.block.header == b.block.header && a.block.txs == b.block.txs;
    }
};

}  // namespace tonari::bitcoin::wire
