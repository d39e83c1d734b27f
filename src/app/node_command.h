// `tonari node`: runs a full node in the foreground with Bitcoin Core compatible options,
// the chainstate on disk and the JSON-RPC server, until SIGINT/SIGTERM or the `stop` RPC.
#pragma once

namespace tonari::app {

// argv[0] is "node"; returns the process exit status.
int RunNode(int argc, const char* const argv[]);

}  // namespace tonari::app
