// Option registration for node and cli, and data directory / config / network resolution.
#include "app/node_args.h"

#include <cstdlib>

namespace tonari::app {
namespace {

void RegisterCommon(config::Args& args) {
    args.AddArg("?", "Print this help message and exit", "Options", {.hidden = true});
    args.AddArg("h", "Print this help message and exit", "Options", {.hidden = true});
    args.AddArg("help", "Print this help message and exit", "Options");
    args.AddArg("datadir=<dir>", "Specify data directory (default: ~/.tonari)", "Options");
    args.AddArg("conf=<file>", "Specify path to read-only configuration file. Relative paths will be prefixed by datadir location (default: tonari.conf)", "Options");
    args.AddArg("chain=<chain>", "Use the chain <chain> (default: regtest). Allowed values: main, testnet4, signet, regtest", "Chain selection options");
    args.AddArg("regtest", "Use the regression test chain (the default)", "Chain selection options");
    args.AddArg("testnet4", "Use the testnet4 chain. Equivalent to -chain=testnet4", "Chain selection options");
    args.AddArg("signet", "Use the signet chain. Equivalent to -chain=signet", "Chain selection options");
    args.AddArg("rpcport=<port>", "Listen for JSON-RPC connections on <port> (default: 18443 regtest, 48332 testnet4, 38332 signet, 8332 main)", "RPC server options", {.network_only = true});
    args.AddArg("rpcuser=<user>", "Username for JSON-RPC connections", "RPC server options");
    args.AddArg("rpcpassword=<pw>", "Password for JSON-RPC connections", "RPC server options");
    args.AddArg("rpccookiefile=<loc>", "Location of the auth cookie. Relative paths will be prefixed by a net-specific datadir location. (default: data dir)", "RPC server options");
}

}  // namespace

void RegisterNodeOptions(config::Args& args) {
    RegisterCommon(args);
    args.AddArg("dbcache=<n>", "Maximum database cache size <n> MiB (minimum 4, default: 450)", "Options");
    args.AddArg("par=<n>", "Set the number of script verification threads (0 = auto, default: 0)", "Options");
    args.AddArg("maxmempool=<n>", "Keep the transaction memory pool below <n> megabytes (default: 300)", "Options");
    args.AddArg("mempoolexpiry=<n>", "Do not keep transactions in the mempool longer than <n> hours (default: 336)", "Options");
    args.AddArg("persistmempool", "Whether to save the mempool on shutdown and load on restart (default: 1)", "Options");
    args.AddArg("persistmempoolv1", "Whether a mempool.dat file created by -persistmempool or the savemempool RPC will be written in the legacy format (version 1) or the current format (version 2, the default). This temporary option will be removed in the future.", "Options");
    args.AddArg("mempoolsaveinterval=<n>", "With -persistmempool, also save the mempool every <n> seconds while it changes, so a crash loses at most that much of it (0 = only at shutdown, default: 600)", "Options");
    args.AddArg("minrelaytxfee=<amt>", "Fees (in BTC/kvB) smaller than this are considered zero fee for relaying, mining and transaction creation (default: 0.000001)", "Node relay options");
    args.AddArg("incrementalrelayfee=<amt>", "Fee rate (in BTC/kvB) used to define cost of relay, used for mempool limiting and replacement policy (default: 0.000001)", "Node relay options");
    args.AddArg("blockmintxfee=<amt>", "Set lowest fee rate (in BTC/kvB) for transactions to be included in block creation (default: 0.00000001)", "Block creation options");
    args.AddArg("acceptnonstdtxn", "Relay and mine \"non-standard\" transactions (test networks only; default: 0)", "Node relay options");
    args.AddArg("datacarrier", "Relay and mine data carrier transactions (default: 1)", "Node relay options");
    args.AddArg("datacarriersize=<n>", "Relay and mine transactions whose data-carrying raw scriptPubKeys in aggregate are of this size or less, allowing multiple outputs (default: 100000)", "Node relay options");
    args.AddArg("permitbaremultisig", "Relay transactions creating non-P2SH multisig outputs (default: 1)", "Node relay options");
    args.AddArg("wallet=<name>", "Load the wallet <name> at start-up (a folder under <datadir>/<network>/wallets; can be given more than once)", "Wallet options", {.multi = true});
    args.AddArg("fallbackfee=<amt>", "Fee rate (in BTC/kvB) used when a send names none (default: 0.0002 on test networks, 0 = none on main)", "Wallet options");
    args.AddArg("reindex", "Rebuild chain state from the blk*.dat files on disk", "Options");
    args.AddArg("prune=<n>",
                "Reduce storage requirements by enabling pruning (deleting) of old blocks. This allows the "
                "pruneblockchain RPC to be called to delete specific blocks and enables automatic pruning of old "
                "blocks if a target size in MiB is provided. Warning: Reverting this setting requires re-downloading "
                "the entire blockchain. (default: 0 = disable pruning blocks, 1 = allow manual pruning via RPC, "
                ">=550 = automatically prune block files to stay under the specified target size in MiB)",
                "Options");
    args.AddArg("daemon", "Run in the background as a daemon (not supported: Tonari runs in the foreground)", "Options");
    for (const char* type : {"hashblock", "hashtx", "rawblock", "rawtx", "sequence"}) {
        args.AddArg(std::string("zmqpub") + type + "=<address>",
                    std::string("Enable publish ") + type + " in <address> (tcp://host:port or unix:path)", "ZeroMQ notification options",
                    {.multi = true});
        args.AddArg(std::string("zmqpub") + type + "hwm=<n>",
                    std::string("Set publish ") + type + " outbound message high water mark (default: 1000)",
                    "ZeroMQ notification options");
    }
    args.AddArg("assumevalid=<hex>", "If this block is in the chain assume that it and its ancestors are valid and potentially skip their script verification (0 to verify all, default: the network's, as Bitcoin Core's)", "Options");
    args.AddArg("rest", "Accept public REST requests on the RPC port, under /rest/ (default: 0)", "RPC server options");
    args.AddArg("testactivationheight=name@height.", "Set the activation height of 'name' (segwit, bip34, dersig, cltv, csv). (regtest-only)", "Debugging/Testing options", {.multi = true});
    args.AddArg("vbparams=deployment:start:end[:min_activation_height]", "Use given start/end times and min_activation_height for specified version bits deployment (regtest-only)", "Debugging/Testing options", {.multi = true});
    args.AddArg("simlatency=<ms>", "Hold every P2P message this many milliseconds before sending it, as a link delay, to compare a loopback network with the simulator (regtest-only; default: 0)", "Debugging/Testing options");
    args.AddArg("printtoconsole", "Send trace/debug info to console (default: 1)", "Debugging/Testing options");
    args.AddArg("debug=<category>", "Output debug and trace logging (default: -nodebug). Categories: net, rpc, http, validation, bench; 1 or all for every category", "Debugging/Testing options", {.multi = true});
    args.AddArg("listen", "Accept connections from outside (default: 1)", "Connection options", {.network_only = true});
    args.AddArg("port=<port>", "Listen for connections on <port> (default: 8333, testnet4: 48333, signet: 38333, regtest: 18444)", "Connection options", {.network_only = true});
    args.AddArg("bind=<addr>[:<port>]", "Bind to given address and always listen on it (default: 0.0.0.0; regtest: 127.0.0.1). Use [host]:port notation for IPv6", "Connection options", {.network_only = true, .multi = true});
    args.AddArg("connect=<ip>", "Connect only to the specified node; -noconnect disables automatic connections (can be given more than once)", "Connection options", {.network_only = true, .multi = true});
    args.AddArg("addnode=<ip>", "Add a node to connect to and attempt to keep the connection open (can be given more than once)", "Connection options", {.network_only = true, .multi = true});
    args.AddArg("seednode=<ip>", "Connect to a node to retrieve peer addresses, and disconnect (can be given more than once)", "Connection options", {.network_only = true, .multi = true});
    args.AddArg("maxconnections=<n>", "Maintain at most <n> automatic connections to peers (default: 125)", "Connection options");
    args.AddArg("dnsseed", "Query for peer addresses via DNS lookup, if low on addresses (default: 1 unless -connect used or -maxconnections=0)", "Connection options");
    args.AddArg("fixedseeds", "Allow fixed seeds if DNS seeds don't provide peers (default: 1)", "Connection options");
    args.AddArg("networkactive", "Enable all P2P network activity (default: 1)", "Connection options");
    args.AddArg("v2transport", "Support v2 transport (BIP324 encryption): accept it inbound, and use it outbound to peers that advertise it and to -connect/-addnode peers, falling back to v1 (default: 1)", "Connection options");
    args.AddArg("blocksonly", "Whether to reject transactions from network peers (default: 0)", "Node relay options");
    args.AddArg("server", "Accept command line and JSON-RPC commands (default: 1)", "RPC server options");
    args.AddArg("rpcbind=<addr>[:port]", "Bind to given address to listen for JSON-RPC connections (default: 127.0.0.1 and ::1). Use with -rpcallowip", "RPC server options", {.network_only = true, .multi = true});
    args.AddArg("rpcallowip=<ip>", "Allow JSON-RPC connections from specified source. Valid values are a single IP (e.g. 1.2.3.4), a network/netmask (e.g. 1.2.3.4/255.255.255.0), a network/CIDR (e.g. 1.2.3.4/24)", "RPC server options", {.multi = true});
    args.AddArg("rpcauth=<userpw>", "Username and HMAC-SHA-256 hashed password for JSON-RPC connections, in the form <USERNAME>:<SALT>$<HASH>", "RPC server options", {.multi = true});
    args.AddArg("rpcthreads=<n>", "Set the number of threads to service RPC calls (default: 4)", "RPC server options");
    args.AddArg("rpcworkqueue=<n>", "Set the depth of the work queue to service RPC calls (default: 64)", "RPC server options");
    args.AddArg("rpcservertimeout=<n>", "Timeout during HTTP requests (default: 30)", "RPC server options");
    args.AddArg("dashboard=<port>", "Serve the live web dashboard (the node's peers, transactions and blocks as they happen) on <port> (default: 0, off)", "Dashboard options", {.network_only = true});
    args.AddArg("dashboardwatch=<url>", "Also show another node's dashboard (http://host:port/) on this one, relaying its events, so one page watches a whole network (may be given up to 16 times)", "Dashboard options", {.multi = true});
    args.AddArg("dashboardallowip=<ip>", "Let the dashboard be viewed from this source too (loopback only otherwise; its buttons work from this machine only); a single IP, network/netmask or network/CIDR", "Dashboard options", {.multi = true});
}

void RegisterCliOptions(config::Args& args) {
    RegisterCommon(args);
    args.AddArg("rpcconnect=<ip>", "Send commands to node running on <ip> (default: 127.0.0.1)", "Options");
    args.AddArg("rpcwait", "Wait for RPC server to start", "Options");
    args.AddArg("rpcwaittimeout=<n>", "Timeout in seconds to wait for the RPC server to start, or 0 for no timeout (default: 0)", "Options");
    args.AddArg("rpcclienttimeout=<n>", "Timeout in seconds during HTTP requests, or 0 for no timeout (default: 900)", "Options");
    args.AddArg("rpcwallet=<walletname>", "Send RPC for non-default wallet on RPC server", "Options");
    args.AddArg("named", "Pass named instead of positional arguments (default: false)", "Options");
    args.AddArg("stdin", "Read extra arguments from standard input, one per line until EOF", "Options");
}

uint16_t DefaultRpcPort(bitcoin::encoding::Network network) {
    using bitcoin::encoding::Network;
    switch (network) {
        case Network::Main: return 8332;
        case Network::Testnet3: return 18332;
        case Network::Testnet4: return 48332;
        case Network::Signet: return 38332;
        case Network::Regtest: return 18443;
    }
    return 18443;
}

util::Result<BaseSettings, std::string> LoadSettings(config::Args& args, int argc, const char* const argv[]) {
    BaseSettings out;
    auto positionals = args.ParseCommandLine(argc, argv);
    if (!positionals) return util::Fail("Error parsing command line arguments: " + positionals.error().message);
    out.positionals = std::move(*positionals);
    out.help = args.IsArgSet("help") || args.IsArgSet("h") || args.IsArgSet("?");
    const char* home = std::getenv("HOME");
    out.data_dir = args.GetArg("datadir", std::string(home ? home : ".") + "/.tonari");
    if (out.data_dir.empty()) return util::Fail(std::string("Error: -datadir is empty"));
    std::error_code ec;
    if (args.IsArgSet("datadir") && !std::filesystem::is_directory(out.data_dir, ec)) {
        return util::Fail("Error: Specified data directory \"" + out.data_dir.string() + "\" does not exist.");
    }
    std::filesystem::path conf = args.GetArg("conf", "tonari.conf");
    if (conf.is_relative()) conf = out.data_dir / conf;
    auto text = config::ReadConfigFileText(conf, args.IsArgSet("conf"));
    if (!text) return util::Fail("Error reading configuration file: " + text.error().message);
    if (!text->empty()) {
        auto read = args.ReadConfigFile(*text, conf.string());
        if (!read) return util::Fail("Error reading configuration file: " + read.error().message);
    }
    auto network = bitcoin::encoding::ParseNetwork(args.ChainName());
    if (!network || *network == bitcoin::encoding::Network::Testnet3) {
        return util::Fail("Error: unsupported chain '" + args.ChainName() + "'");
    }
    out.network = *network;
    out.net_dir = out.network == bitcoin::encoding::Network::Main ? out.data_dir : out.data_dir / args.ChainName();
    return out;
}

}  // namespace tonari::app
