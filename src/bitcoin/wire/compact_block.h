// Compact block relay (BIP152): `cmpctblock` (a header, a salt, 6-byte short ids of the
// transactions the receiver probably has, and the few it probably lacks), `getblocktxn`
// (the missing ones, by index) and `blocktxn` (the answer). Short ids are SipHash-2-4 of each
// wtxid (version 2) keyed by SHA256(header || nonce), so a peer cannot precompute collisions
// for every block.
//
// Transaction indexes are absolute in memory and differentially encoded on the wire (each as
// the gap after the previous one), as BIP152 specifies. Decoding rejects an index above 65535
// (Core keeps them in uint16_t) as Malformed. Encoding asserts the in-memory indexes strictly
// increase and fit: those values are ours, so a violation is a bug, not a peer fault.
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wire/protocol.h"
#include "util/blob.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

// Bytes of a short transaction id on the wire (48 bits, little-endian).
inline constexpr size_t SHORT_ID_SIZE = 6;
inline constexpr uint64_t SHORT_ID_MASK = 0xffff'ffff'ffffULL;
// Largest transaction index (and, in `cmpctblock`, short ids + prefilled count) BIP152 messages
// can address: Core stores indexes as uint16_t and rejects anything past it.
inline constexpr uint32_t MAX_COMPACT_INDEX = 0xffff;

struct PrefilledTx {
    uint32_t index = 0;  // absolute position in the block
    primitives::Tx tx;

    friend bool operator==(const PrefilledTx&, const PrefilledTx&) = default;
};

struct CmpctBlockMsg {
    static constexpr std::string_view COMMAND = "cmpctblock";
    primitives::BlockHeader header;
    uint64_t nonce = 0;
    std::vector<uint64_t> short_ids;  // 48-bit values (upper 16 bits zero; asserted on encode)
    std::vector<PrefilledTx> prefilled;  // strictly increasing indexes

    util::Bytes Encode() const;
    // TooMany when short ids + prefilled transactions exceed 65535 (the block could not be
    // indexed); Malformed on index overflow or a bad prefilled transaction encoding.
    static util::Result<CmpctBlockMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const CmpctBlockMsg&, const CmpctBlockMsg&) = default;
};

struct GetBlockTxnMsg {
    static constexpr std::string_view COMMAND = "getblocktxn";
    primitives::BlockHash block_hash;
    std::vector<uint32_t> indexes;  // absolute, strictly increasing

    util::Bytes Encode() const;
    static util::Result<GetBlockTxnMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const GetBlockTxnMsg&, const GetBlockTxnMsg&) = default;
};

struct BlockTxnMsg {
    static constexpr std::string_view COMMAND = "blocktxn";
    primitives::BlockHash block_hash;
    std::vector<primitives::Tx> txs;  // in the order they were requested

    util::Bytes Encode() const;
    static util::Result<BlockTxnMsg, WireError> Decode(util::ByteSpan payload);

    friend bool operator==(const BlockTxnMsg&, const BlockTxnMsg&) = default;
};

// SipHash keys of one compact block: the first two little-endian 64-bit words of
// SHA256(serialized header || nonce as u64 LE) (single SHA-256, per BIP152).
struct ShortIdKeys {
    uint64_t k0 = 0;
    uint64_t k1 = 0;
};
ShortIdKeys ComputeShortIdKeys(const primitives::BlockHeader& header, uint64_t nonce);

// SipHash-2-4(k0, k1, wtxid) truncated to 48 bits. Pass the wtxid for version 2 (the txid
// equals it for transactions without witness).
uint64_t ShortTxId(const ShortIdKeys& keys, const util::Uint256& wtxid);

}  // namespace tonari::bitcoin::wire
