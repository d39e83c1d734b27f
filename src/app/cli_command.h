// `tonari cli`: bitcoin-cli for Tonari (and for Bitcoin Core nodes): reads the cookie or the
// rpcuser/rpcpassword from the data directory and config, sends one JSON-RPC call, prints the
// result (strings bare, JSON indented) or the error with its code.
#pragma once

#include <string>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace tonari::app {

// argv[0] is "cli"; returns the process exit status (Core's: 0, or the error code's absolute
// value, 1 for transport failures).
int RunCli(int argc, const char* const argv[]);

// Turns command-line words into JSON params the way bitcoin-cli does: the parameters its
// conversion table lists are parsed as JSON, the rest stay strings. With `named`, words are
// name=value pairs (a word without '=' goes into "args", as in Core).
util::Result<util::Json, std::string> CliParams(const std::string& method, const std::vector<std::string>& words,
                                                bool named);

}  // namespace tonari::app
