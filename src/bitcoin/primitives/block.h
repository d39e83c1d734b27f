// Block headers and blocks: value types, serialization, the header hash, and block sizes.
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/primitives/decode_error.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/primitives/transaction.h"
#include "util/blob.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/result.h"

namespace tonari::bitcoin::primitives {

struct BlockHeader {
    static constexpr size_t SIZE = 80;

    int32_t version = 0;
    BlockHash prev_block;
    util::Uint256 merkle_root;
    uint32_t time = 0;
    uint32_t bits = 0;
    uint32_t nonce = 0;

    BlockHash ComputeHash() const;
    friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

struct Block {
    BlockHeader header;
    std::vector<Tx> txs;
};

void EncodeHeader(util::ByteWriter& w, const BlockHeader& h);
util::Bytes SerializeHeader(const BlockHeader& h);
BlockHeader DecodeHeader(util::ByteReader& r);  // check r.failed() afterwards
util::Result<BlockHeader, DecodeError> DecodeHeader(util::ByteSpan bytes);  // exactly 80 bytes

util::Bytes SerializeBlock(const Block& b, bool with_witness = true);
// Decodes exactly one block: trailing bytes are an error.
util::Result<Block, DecodeError> DecodeBlock(util::ByteSpan bytes);

size_t SerializedSize(const Block& b, bool with_witness = true);
int64_t BlockWeight(const Block& b);

}  // namespace tonari::bitcoin::primitives
