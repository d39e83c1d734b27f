// libFuzzer target for Args: arbitrary command lines and configuration file text. Nothing may
// crash, and the lookups must agree with each other whatever was parsed: a selected network
// is always one Tonari runs on, an unset option reads as its fallback, a negated one as "0".
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/args.h"

using namespace tonari;

namespace {

config::Args MakeArgs() {
    config::Args a;
    a.AddArg("regtest", "", "Chain");
    a.AddArg("testnet4", "", "Chain");
    a.AddArg("signet", "", "Chain");
    a.AddArg("chain=<chain>", "", "Chain");
    a.AddArg("datadir=<dir>", "", "Options");
    a.AddArg("conf=<file>", "", "Options");
    a.AddArg("dbcache=<n>", "", "Options");
    a.AddArg("server", "", "RPC");
    a.AddArg("rpcpassword=<pw>", "", "RPC");
    a.AddArg("port=<port>", "", "Connection", {.network_only = true});
    a.AddArg("bind=<addr>", "", "Connection", {.network_only = true, .multi = true});
    a.AddArg("debug=<category>", "", "Debug", {.multi = true});
    return a;
}

const char* const NAMES[] = {"regtest", "testnet4",    "signet", "chain", "datadir", "conf",   "dbcache",
                             "server",  "rpcpassword", "port",   "bind",  "debug",   "unknown"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    // Layout: command line arguments separated by '\0', then "\0\0", then the config text.
    const std::size_t split = in.find(std::string_view("\0\0", 2));
    const std::string_view cmd = in.substr(0, split);
    const std::string_view conf = split == std::string_view::npos ? "" : in.substr(split + 2);

    std::vector<std::string> args{"tonari"};
    std::size_t pos = 0;
    while (pos <= cmd.size() && !cmd.empty()) {
        std::size_t end = cmd.find('\0', pos);
        if (end == std::string_view::npos) end = cmd.size();
        args.emplace_back(cmd.substr(pos, end - pos));
        pos = end + 1;
    }
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());

    config::Args a = MakeArgs();
    const auto positionals = a.ParseCommandLine(static_cast<int>(argv.size()), argv.data());
    if (positionals && positionals->size() >= argv.size()) std::abort();
    (void)a.ReadConfigFile(conf);

    const std::string& chain = a.ChainName();
    if (chain != "main" && chain != "testnet4" && chain != "signet" && chain != "regtest") {
        std::abort();
    }
    for (const char* name : NAMES) {
        const auto value = a.GetArg(name);
        if (value.has_value() != a.IsArgSet(name)) std::abort();
        if (a.IsArgNegated(name) && (value != "0" || a.GetBoolArg(name, true))) std::abort();
        if (!value && (a.GetArg(name, "fallback") != "fallback" || !a.GetBoolArg(name, true))) {
            std::abort();
        }
        if (value && a.GetBoolArg(name, true) != a.GetBoolArg(name, false)) std::abort();
        (void)a.GetIntArg(name, 7);
        (void)a.GetArgs(name);
    }
    (void)a.Warnings();
    (void)a.HelpMessage();
    return 0;
}
