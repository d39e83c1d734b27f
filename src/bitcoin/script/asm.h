// Script disassembly in Bitcoin Core's "asm" format (ScriptToAsmStr), as shown by
// decoderawtransaction / getrawtransaction and compared by interop tests:
//   - pushes of up to 4 bytes print as their decimal script-number value ("0" for OP_0);
//   - longer pushes print as lower-case hex;
//   - other opcodes print by name (GetOpName), OP_1..OP_16 as "1".."16", OP_1NEGATE as "-1";
//   - a truncated push ends the output with "[error]".
// With attempt_sighash_decode (for scriptSigs), a push that is a strictly DER-encoded signature
// with a defined hash type prints as hex without its last byte plus "[ALL]", "[NONE|ANYONECANPAY]"
// etc.; this is never done for scripts that are unspendable (so OP_RETURN data stays raw).
// Pure function; thread-safe.
#pragma once

#include <string>

#include "util/bytes.h"

namespace tonari::bitcoin::script {

std::string ScriptToAsm(util::ByteSpan script, bool attempt_sighash_decode = false);

}  // namespace tonari::bitcoin::script
