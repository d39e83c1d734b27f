// BIP324's one-byte message type ids: the common messages travel with one byte instead of
// twelve. Pure lookups; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tonari::bitcoin::transport {

// The id of a command that has one, else none (it is then sent as 0 + 12 bytes).
std::optional<uint8_t> ShortIdFor(std::string_view command);
// The command for an id; empty for 0 and for ids BIP324 does not assign.
std::string_view CommandForShortId(uint8_t id);

}  // namespace tonari::bitcoin::transport
