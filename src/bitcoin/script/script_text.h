// Script text: the notation Bitcoin Core's test vectors (script_tests.json, tx_valid.json,
// tx_invalid.json) and bitcoin-tx use to write scripts, parsed into script bytes. It is
// Core's ParseScript (core_read), token for token:
//   - tokens are separated by runs of space, tab or newline (nothing else is whitespace);
//   - a decimal integer ("17", "-9", "007") is pushed as Core's `CScript << int64` does:
//     0 as OP_0, -1 as OP_1NEGATE, 1..16 as OP_1..OP_16, anything else as a minimal
//     script-number push; magnitudes above 0xffffffff are an error;
//   - "0x" followed by an even, non-zero number of hex digits is inserted RAW (not pushed),
//     which is how the vectors write push prefixes and malformed scripts ("0x4c 0x01 0x07");
//   - 'text' (no whitespace inside) pushes the bytes between the quotes;
//   - anything else must be an opcode name, with or without the OP_ prefix ("ADD", "OP_ADD").
//     Names are those of GetOpName for OP_RESERVED and OP_NOP..OP_CHECKSIGADD (so
//     OP_CHECKLOCKTIMEVERIFY, not OP_NOP2), plus OP_0, OP_FALSE, FALSE, OP_TRUE, TRUE,
//     OP_1NEGATE and OP_1..OP_16. Push opcodes (OP_PUSHDATA1/2/4) have no name here: write
//     them as raw hex, as the vectors do.
// Errors are values naming the offending token. The output is at most a few bytes per input
// byte, so no size limit is needed beyond the caller's. Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::script {

util::Result<util::Bytes, std::string> ParseScriptText(std::string_view text);

}  // namespace tonari::bitcoin::script
