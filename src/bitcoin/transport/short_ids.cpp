// BIP324's table of one-byte message type ids (see short_ids.h).
#include "bitcoin/transport/short_ids.h"

#include <array>

namespace tonari::bitcoin::transport {
namespace {

// Index = id; 0 means "a 12-byte command follows". The order is BIP324's, never to change.
constexpr std::array<std::string_view, 29> SHORT_IDS = {
    "",           "addr",        "block",      "blocktxn",   "cmpctblock",  "feefilter", "filteradd",
    "filterclear", "filterload", "getblocks",  "getblocktxn", "getdata",    "getheaders", "headers",
    "inv",        "mempool",     "merkleblock", "notfound",  "ping",        "pong",      "sendcmpct",
    "tx",         "getcfilters", "cfilter",    "getcfheaders", "cfheaders", "getcfcheckpt", "cfcheckpt",
    "addrv2",
};

}  // namespace

std::optional<uint8_t> ShortIdFor(std::string_view command) {
    for (size_t id = 1; id < SHORT_IDS.size(); ++id) {
        if (SHORT_IDS[id] == command) return static_cast<uint8_t>(id);
    }
    return std::nullopt;
}

std::string_view CommandForShortId(uint8_t id) { return id < SHORT_IDS.size() ? SHORT_IDS[id] : std::string_view(); }

}  // namespace tonari::bitcoin::transport
