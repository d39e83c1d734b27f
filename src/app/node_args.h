// The options `tonari node` and `tonari cli` take, with Bitcoin Core's names, and how the
// data directory, config file and network are resolved from them (Core's rules: the command
// line first, then tonari.conf in the data directory or -conf, its [network] section over
// its top level).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "bitcoin/encoding/network.h"
#include "config/args.h"
#include "util/result.h"

namespace tonari::app {

void RegisterNodeOptions(config::Args& args);
void RegisterCliOptions(config::Args& args);

struct BaseSettings {
    std::filesystem::path data_dir;  // -datadir, default ~/.tonari
    std::filesystem::path net_dir;   // data_dir on main, data_dir/<network> elsewhere
    bitcoin::encoding::Network network = bitcoin::encoding::Network::Regtest;
    std::vector<std::string> positionals;
    bool help = false;
};

// Parses the command line, reads the config file, selects the network. Errors are one line.
util::Result<BaseSettings, std::string> LoadSettings(config::Args& args, int argc, const char* const argv[]);

// Bitcoin Core's default RPC ports: 8332, 48332 (testnet4), 38332 (signet), 18443 (regtest).
uint16_t DefaultRpcPort(bitcoin::encoding::Network network);

}  // namespace tonari::app
