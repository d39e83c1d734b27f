// `tx` encoding (see tx_msg.h).
#include "bitcoin/wire/tx_msg.h"

#include "bitcoin/wire/codec.h"

namespace tonari::bitcoin::wire {

util::Bytes TxMsg::Encode() const { return primitives::SerializeTx(tx, /*with_witness=*/true); }

util::Result<TxMsg, WireError> TxMsg::Decode(util::ByteSpan payload) {
    auto tx = primitives::DecodeTx(payload);
    if (!tx) return util::Fail(detail::FromDecodeError(tx.error()));
    return TxMsg{std::move(*tx)};
}

}  // namespace tonari::bitcoin::wire
