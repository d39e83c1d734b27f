// Test-only helpers shared by args_test.cpp and args_config_test.cpp: a realistic option set
// like the one `tonari node` registers, and a command line runner. Not part of the library.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "config/args.h"

namespace tonari::config::test {

inline Args MakeArgs() {
    Args a;
    const std::string chain = "Chain selection options";
    const std::string opts = "Options";
    const std::string conn = "Connection options";
    const std::string rpc = "RPC server options";
    const std::string debug = "Debugging/Testing options";
    a.AddArg("help", "Print this help message and exit", opts);
    a.AddArg("h", "", opts, {.hidden = true});
    a.AddArg("datadir=<dir>", "Specify data directory", opts);
    a.AddArg("conf=<file>", "Specify path to read-only configuration file", opts);
    a.AddArg("dbcache=<n>",
             "Maximum database cache size <n> MiB (minimum 4, default: 450). In addition, "
             "unused mempool memory is shared for this cache.",
             opts);
    a.AddArg("maxmempool=<n>", "Keep the transaction memory pool below <n> megabytes", opts);
    a.AddArg("chain=<chain>", "Use the chain <chain>: main, testnet4, signet, regtest", chain);
    a.AddArg("regtest", "Use the regression test chain (Tonari's default)", chain);
    a.AddArg("testnet4", "Use the testnet4 chain", chain);
    a.AddArg("signet", "Use the signet chain", chain);
    a.AddArg("port=<port>", "Listen for connections on <port>", conn, {.network_only = true});
    a.AddArg("bind=<addr>", "Bind to given address", conn, {.network_only = true, .multi = true});
    a.AddArg("rpcport=<port>", "Listen for JSON-RPC connections on <port>", rpc, {.network_only = true});
    a.AddArg("rpcbind=<addr>", "Bind to given address to listen for JSON-RPC connections", rpc,
             {.network_only = true, .multi = true});
    a.AddArg("rpcallowip=<ip>", "Allow JSON-RPC connections from specified source", rpc, {.multi = true});
    a.AddArg("rpcuser=<user>", "Username for JSON-RPC connections", rpc);
    a.AddArg("rpcpassword=<pw>", "Password for JSON-RPC connections", rpc);
    a.AddArg("server", "Accept command line and JSON-RPC commands", rpc);
    a.AddArg("printtoconsole", "Send trace/debug info to console", debug);
    a.AddArg("debug=<category>", "Output debug and trace logging", debug, {.multi = true});
    return a;
}

// Runs ParseCommandLine over {"tonari", args...}.
inline util::Result<std::vector<std::string>, ArgsError> Parse(Args& a,
                                                               std::initializer_list<const char*> args) {
    std::vector<const char*> argv{"tonari"};
    argv.insert(argv.end(), args.begin(), args.end());
    return a.ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

inline bool HasWarningContaining(const Args& a, const std::string& needle) {
    const auto w = a.Warnings();
    return std::any_of(w.begin(), w.end(),
                       [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

using Strings = std::vector<std::string>;

}  // namespace tonari::config::test
