// `inv`, `getdata` and `notfound`: lists of (type, hash) inventory vectors announcing,
// requesting, or failing to supply transactions and blocks.
//
// Plain values; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bitcoin/wire/protocol.h"
#include "util/blob.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

// Inventory types. Unknown types decode fine (Core ignores them item by item).
inline constexpr uint32_t MSG_TX = 1;
inline constexpr uint32_t MSG_BLOCK = 2;
inline constexpr uint32_t MSG_FILTERED_BLOCK = 3;  // BIP37 merkleblock
inline constexpr uint32_t MSG_CMPCT_BLOCK = 4;     // BIP152, getdata only
inline constexpr uint32_t MSG_WTX = 5;             // BIP339: hash is a wtxid
inline constexpr uint32_t MSG_WITNESS_FLAG = 1u << 30;  // BIP144: "with witness data"
inline constexpr uint32_t MSG_WITNESS_BLOCK = MSG_BLOCK | MSG_WITNESS_FLAG;
inline constexpr uint32_t MSG_WITNESS_TX = MSG_TX | MSG_WITNESS_FLAG;
inline constexpr uint32_t MSG_FILTERED_WITNESS_BLOCK = MSG_FILTERED_BLOCK | MSG_WITNESS_FLAG;

// Most items in one inv/getdata/notfound (Core's MAX_INV_SZ; more is TooMany). A peer could
// otherwise make one message cost us millions of lookups and queued requests.
inline constexpr size_t MAX_INV_SIZE = 50000;

struct Inv {
    uint32_t type = 0;
    util::Uint256 hash;  // txid, wtxid or block hash, as `type` says

    friend bool operator==(const Inv&, const Inv&) = default;
};

// Shared by the three messages below: a CompactSize count then 36 bytes per item.
util::Bytes EncodeInvList(const std::vector<Inv>& items);
util::Result<std::vector<Inv>, WireError> DecodeInvList(util::ByteSpan payload);

struct InvMsg {
    static constexpr std::string_view COMMAND = "inv";
    std::vector<Inv> items;

    util::Bytes Encode() const { return EncodeInvList(items); }
    static util::Result<InvMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const InvMsg&, const InvMsg&) = default;
};

struct GetDataMsg {
    static constexpr std::string_view COMMAND = "getdata";
    std::vector<Inv> items;

    util::Bytes Encode() const { return EncodeInvList(items); }
    static util::Result<GetDataMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const GetDataMsg&, const GetDataMsg&) = default;
};

// Core does not punish an oversized `notfound` (it just ignores it); we still report TooMany and
// leave the reaction to the caller.
struct NotFoundMsg {
    static constexpr std::string_view COMMAND = "notfound";
    std::vector<Inv> items;

    util::Bytes Encode() const { return EncodeInvList(items); }
    static util::Result<NotFoundMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const NotFoundMsg&, const NotFoundMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
