// `tx`: one transaction with witness data (BIP144), relayed or sent in answer to getdata.
//
// Plain value; thread-safe.
#pragma once

#include <string_view>

#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

struct TxMsg {
    static constexpr std::string_view COMMAND = "tx";
    primitives::Tx tx;

    util::Bytes Encode() const;  // with witness data when the transaction has any
    // Decoding follows primitives::DecodeTx (Truncated, TrailingBytes, Malformed).
    static util::Result<TxMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const TxMsg&, const TxMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
