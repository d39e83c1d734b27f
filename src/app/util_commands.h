// The offline `tonari util` commands: each takes its arguments and returns the JSON Bitcoin
// Core's RPC of the same name would print, or a one-line error for malformed input.
// No I/O except decodeblock reading the file it is given.
#pragma once

#include <string>
#include <string_view>

#include "bitcoin/encoding/network.h"
#include "util/json.h"
#include "util/result.h"

namespace tonari::app {

using CommandResult = util::Result<util::Json, std::string>;

// An invalid address is a normal answer ({"isvalid": false, "error": ...}), not an error.
CommandResult ValidateAddress(std::string_view address, bitcoin::encoding::Network network);

CommandResult DecodeRawTransaction(std::string_view hex, bitcoin::encoding::Network network);

// `source` is a file (raw block bytes or hex text) or a hex string. The result carries
// `checks`: whether the block passes the context-free consensus checks under `network`.
CommandResult DecodeBlock(std::string_view source, bitcoin::encoding::Network network);

}  // namespace tonari::app
