// `block` encoding (see block_msg.h).
#include "bitcoin/wire/block_msg.h"

#include "bitcoin/wire/codec.h"

namespace tonari::bitcoin::wire {

util::Bytes BlockMsg::Encode() const { return primitives::SerializeBlock(block, /*with_witness=*/true); }

util::Result<BlockMsg, WireError> BlockMsg::Decode(util::ByteSpan payload) {
    auto block = primitives::DecodeBlock(payload);
    if (!block) return util::Fail(detail::FromDecodeError(block.error()));
    BlockMsg m;
    m.block = std::move(*block);
    return m;
}

}  // namespace tonari::bitcoin::wire
