// `getheaders` and `getblocks`: "here is where my chain is (a block locator: hashes from the
// tip back, spaced exponentially); send me what follows, up to `stop` (null = as much as you
// may)". Answered with `headers` and `inv` respectively.
//
// Plain values; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bitcoin/primitives/ids.h"
#include "bitcoin/wire/protocol.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::wire {

// Most locator hashes accepted (Core's limit; more is TooMany). A locator needs about
// log2(height) + 10 entries; a longer one only serves to make us look up many hashes.
inline constexpr size_t MAX_LOCATOR_SZ = 101;

struct GetHeadersMsg {
    static constexpr std::string_view COMMAND = "getheaders";
    uint32_t version = PROTOCOL_VERSION;  // sender's protocol version; unused by Core
    std::vector<primitives::BlockHash> locator;
    primitives::BlockHash stop;

    util::Bytes Encode() const;
    static util::Result<GetHeadersMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const GetHeadersMsg&, const GetHeadersMsg&) = default;
};

struct GetBlocksMsg {
    static constexpr std::string_view COMMAND = "getblocks";
    uint32_t version = PROTOCOL_VERSION;
    std::vector<primitives::BlockHash> locator;
    primitives::BlockHash stop;

    util::Bytes Encode() const;
    static util::Result<GetBlocksMsg, WireError> Decode(util::ByteSpan payload);
    friend bool operator==(const GetBlocksMsg&, const GetBlocksMsg&) = default;
};

}  // namespace tonari::bitcoin::wire
