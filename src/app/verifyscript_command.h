// `tonari util verifyscript`: checks transaction inputs against the outputs they spend, the way
// libbitcoinconsensus did, for people who want to check a spend without running a node.
//
// Protocol: one JSON request per line in, one compact JSON line out per request, in order.
//   request  {"tx": HEX, "spent_outputs": [{"amount": SATS, "scriptPubKey": HEX}, ...],
//             "index": N, "flags": "P2SH,WITNESS,..."}
//   answer   {"valid": true}
//            {"valid": false, "input": N, "error": "EVAL_FALSE"}   (a ScriptError name)
//            {"error": "why the request is malformed"}
// spent_outputs lists every input's previous output, in input order (taproot signatures commit
// to all of them). Without "index" every input is checked and the first failing one reported.
// Without "flags" the consensus set MANDATORY_SCRIPT_VERIFY_FLAGS applies; "MANDATORY" and
// "STANDARD" name the consensus and mempool-policy sets. Unknown fields are malformed (a typo
// must not silently change what is checked). Blank lines are skipped without an answer.
// Stateless functions; each call owns its data, so they are thread-safe.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string_view>

#include "util/json.h"

namespace tonari::app {

// A request line longer than this is answered with an error and skipped without being kept in
// memory: an endless line on stdin must not exhaust memory. 16 MiB holds the hex of the largest
// transaction a block can carry (4 MB) with room for its spent outputs.
inline constexpr size_t MAX_VERIFY_REQUEST_BYTES = 16 * 1024 * 1024;

// Answers one request (the text of one line, or the command-line argument).
util::Json VerifyScriptRequest(std::string_view request);

// Reads requests from `in` until end of input and writes one answer line each to `out`,
// flushing whenever no more input is buffered (so an interactive caller sees each answer).
// Returns the number of requests answered.
size_t RunVerifyScript(std::istream& in, std::ostream& out);

}  // namespace tonari::app
