// `tonari node`: settings, storage, RPC server with cookie or password authentication,
// signal handling and an orderly shutdown that flushes the chainstate.
#include "app/node_command.h"

#include "app/node_dashboard.h"

#include <chrono>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <thread>

#include "app/logger.h"
#include "app/node_args.h"
#include "app/rpc_http.h"
#include "app/stop_signals.h"
#include "bitcoin/chain/prune.h"
#include "bitcoin/consensus/test_params.h"
#include "bitcoin/node/mempool_persist.h"
#include "bitcoin/node/node_context.h"
#include "bitcoin/node/p2p_service.h"
#include "bitcoin/node/rest.h"
#include "bitcoin/node/rpc_blockchain.h"
#include "bitcoin/node/rpc_descriptor.h"
#include "bitcoin/node/rpc_mempool.h"
#include "bitcoin/node/rpc_mining.h"
#include "bitcoin/node/rpc_net.h"
#include "bitcoin/node/rpc_rawtx.h"
#include "bitcoin/node/rpc_wallet.h"
#include "bitcoin/node/rpc_zmq.h"
#include "bitcoin/node/wallet_manager.h"
#include "bitcoin/node/zmq_notifier.h"
#include "bitcoin/rpc/amount.h"
#include "bitcoin/rpc/server.h"
#include "netcore/http_server.h"
#include "util/hex.h"

namespace tonari::app {
namespace {

using bitcoin::node::NodeContext;

// A decimal port 1..65535; nullopt otherwise.
std::optional<uint16_t> ParsePort(const std::string& text) {
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const int v = std::stoi(text);
    if (v < 1 || v > 65535) return std::nullopt;
    return static_cast<uint16_t>(v);
}

// "addr" or "addr:port" or "[v6]:port" into an endpoint.
std::optional<netcore::HttpEndpoint> ParseBind(const std::string& text, uint16_t default_port) {
    std::string host = text;
    std::optional<uint16_t> port = default_port;
    if (!text.empty() && text.front() == '[') {
        const size_t close = text.find(']');
        if (close == std::string::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        if (close + 1 < text.size()) port = text[close + 1] == ':' ? ParsePort(text.substr(close + 2)) : std::nullopt;
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        const size_t colon = text.find(':');
        host = text.substr(0, colon);
        port = ParsePort(text.substr(colon + 1));
    }
    if (!port || !netcore::ParseIpAddress(host)) return std::nullopt;
    return netcore::HttpEndpoint{host, *port};
}

int Fail(const std::string& message) {
    std::cerr << message << "\n";
    return 1;
}

util::Result<int64_t, std::string> IntOption(const config::Args& args, std::string_view name, int64_t fallback,
                                             int64_t min, int64_t max) {
    auto v = args.GetIntArg(name, fallback);
    if (!v) return util::Fail(v.error().message);
    if (*v < min || *v > max) {
        return util::Fail("Error: -" + std::string(name) + "=" + std::to_string(*v) + " is out of range [" +
                          std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return *v;
}

// The P2P options: -listen, -port, -bind, -connect, -addnode, -seednode, -maxconnections,
// -dnsseed, -fixedseeds, -v2transport, -simlatency.
util::Result<bitcoin::node::P2pServiceOptions, std::string> P2pOptions(const config::Args& args, uint16_t default_port,
                                                                       Logger& log) {
    bitcoin::node::P2pServiceOptions o;
    auto port = IntOption(args, "port", default_port, 1, 65535);
    auto max_connections = IntOption(args, "maxconnections", 125, 0, 100'000);
    if (!port) return util::Fail(port.error());
    if (!max_connections) return util::Fail(max_connections.error());
    o.port = static_cast<uint16_t>(*port);
    o.max_connections = static_cast<int>(*max_connections);
    o.blocks_only = args.GetBoolArg("blocksonly", false);
    auto endpoints = [&](std::string_view name, uint16_t fallback_port,
                         std::vector<netcore::PeerEndpoint>& out) -> util::Result<void, std::string> {
        for (const auto& text : args.GetArgs(name)) {
            if (text.empty() || text == "0") continue;
            auto ep = bitcoin::node::ParsePeerEndpoint(text, fallback_port);
            if (!ep) return util::Fail("Error: Invalid -" + std::string(name) + " address '" + text + "'");
            out.push_back(*ep);
        }
        return {};
    };
    for (auto r : {endpoints("bind", o.port, o.bind), endpoints("connect", default_port, o.connect),
                   endpoints("addnode", default_port, o.addnode), endpoints("seednode", default_port, o.seednode)}) {
        if (!r) return util::Fail(r.error());
    }
    // -connect=0 or -noconnect: no outbound connections at all.
    const auto connects = args.GetArgs("connect");
    o.no_connect = args.IsArgSet("connect") && o.connect.empty() &&
                   (connects.empty() || std::all_of(connects.begin(), connects.end(), [](const std::string& c) { return c == "0" || c.empty(); }));
    // -connect without -listen set: Core stops listening (the node is not meant to be found).
    o.listen = args.GetBoolArg("listen", o.connect.empty());
    // Seeds only matter for automatic outbound connections (PeerManager checks that too).
    o.dns_seed = args.GetBoolArg("dnsseed", o.connect.empty() && !o.no_connect && o.max_connections > 0);
    o.fixed_seeds = args.GetBoolArg("fixedseeds", true);
    o.v2transport = args.GetBoolArg("v2transport", true);
    auto send_delay = IntOption(args, "simlatency", 0, 0, netcore::MAX_SEND_DELAY.count());
    if (!send_delay) return util::Fail(send_delay.error());
    o.send_delay = std::chrono::milliseconds(*send_delay);
    if (log.Enabled("net")) o.log = [&log](const std::string& line) { log.Debug("net", line); };
    return o;
}

// -zmqpub<type>=<address> (repeatable) with -zmqpub<type>hwm=<n>, as Core reads them.
util::Result<std::vector<bitcoin::node::ZmqEndpoint>, std::string> ZmqEndpoints(const config::Args& args) {
    std::vector<bitcoin::node::ZmqEndpoint> out;
    for (const auto& type : bitcoin::node::ZmqNotifierTypes()) {
        auto hwm = IntOption(args, "zmq" + type + "hwm", bitcoin::node::DEFAULT_ZMQ_SNDHWM, 0, INT32_MAX);
        if (!hwm) return util::Fail(hwm.error());
        for (const auto& address : args.GetArgs("zmq" + type)) {
            out.push_back({.type = type, .address = address, .hwm = static_cast<int>(*hwm)});
        }
    }
    return out;
}

}  // namespace

int RunNode(int argc, const char* const argv[]) {
    config::Args args;
    RegisterNodeOptions(args);
    auto settings = LoadSettings(args, argc, argv);
    if (!settings) return Fail(settings.error());
    if (settings->help) {
        std::cout << "Usage: tonari node [options]\n\nRuns a Bitcoin full node (regtest unless told otherwise) with a "
                     "JSON-RPC server for `tonari cli` or bitcoin-cli.\n\n"
                  << args.HelpMessage();
        return 0;
    }
    if (!settings->positionals.empty()) {
        return Fail("Error: Command line contains unexpected token '" + settings->positionals[0] +
                    "', see tonari node -h for a list of options.");
    }
    if (args.GetBoolArg("daemon", false)) {
        return Fail("Error: -daemon is not supported: Tonari runs in the foreground (use a service manager)");
    }
    auto dbcache = IntOption(args, "dbcache", 450, 4, 1 << 20);
    auto par = IntOption(args, "par", 0, 0, 256);
    auto rpc_port = IntOption(args, "rpcport", DefaultRpcPort(settings->network), 1, 65535);
    auto rpc_threads = IntOption(args, "rpcthreads", 4, 1, 64);
    auto rpc_queue = IntOption(args, "rpcworkqueue", 64, 1, 4096);
    auto rpc_timeout = IntOption(args, "rpcservertimeout", 30, 1, 86400);
    auto mempool = IntOption(args, "maxmempool", 300, 5, 1 << 20);
    auto expiry = IntOption(args, "mempoolexpiry", 336, 1, 1 << 20);
    auto save_interval = IntOption(args, "mempoolsaveinterval", bitcoin::node::DEFAULT_MEMPOOL_SAVE_INTERVAL_SECONDS, 0, 86400 * 365);
    auto datacarrier_size = IntOption(args, "datacarriersize", static_cast<int64_t>(bitcoin::policy::DEFAULT_MAX_DATACARRIER_BYTES), 0,
                                      static_cast<int64_t>(bitcoin::policy::MAX_STANDARD_TX_WEIGHT));
    for (const auto* r : {&dbcache, &par, &rpc_port, &rpc_threads, &rpc_queue, &rpc_timeout, &mempool, &expiry,
                          &save_interval, &datacarrier_size}) {
        if (!*r) return Fail(r->error());
    }
    bitcoin::mempool::MempoolOptions pool_options;
    pool_options.max_bytes = static_cast<size_t>(*mempool) * 1'000'000;
    pool_options.expiry_seconds = *expiry * 3600;
    if (auto fee = args.GetArg("incrementalrelayfee")) {
        auto sats = bitcoin::rpc::AmountFromValue(util::Json(*fee));
        if (!sats) return Fail("Error: Invalid amount for -incrementalrelayfee=<amount>: '" + *fee + "'");
        pool_options.incremental_relay_fee = bitcoin::policy::FeeRate(*sats);
    }
    if (auto fee = args.GetArg("minrelaytxfee")) {
        auto sats = bitcoin::rpc::AmountFromValue(util::Json(*fee));
        if (!sats) return Fail("Error: Invalid amount for -minrelaytxfee=<amount>: '" + *fee + "'");
        pool_options.min_relay_fee = bitcoin::policy::FeeRate(*sats);
    } else if (pool_options.incremental_relay_fee > pool_options.min_relay_fee) {
        // As Core: an incremental fee above the default floor raises the floor with it.
        pool_options.min_relay_fee = pool_options.incremental_relay_fee;
    }
    bitcoin::policy::FeeRate block_min_fee{bitcoin::policy::DEFAULT_BLOCK_MIN_TX_FEE};
    if (auto fee = args.GetArg("blockmintxfee")) {
        auto sats = bitcoin::rpc::AmountFromValue(util::Json(*fee));
        if (!sats) return Fail("Error: Invalid amount for -blockmintxfee=<amount>: '" + *fee + "'");
        block_min_fee = bitcoin::policy::FeeRate(*sats);
    }
    pool_options.require_standard = !args.GetBoolArg("acceptnonstdtxn", false);
    if (!pool_options.require_standard && settings->network == bitcoin::encoding::Network::Main) {
        return Fail("Error: acceptnonstdtxn is not currently supported for main chain");
    }
    pool_options.policy.accept_datacarrier = args.GetBoolArg("datacarrier", true);
    pool_options.policy.max_datacarrier_bytes = static_cast<size_t>(*datacarrier_size);
    pool_options.policy.permit_bare_multisig = args.GetBoolArg("permitbaremultisig", true);

    std::error_code ec;
    std::filesystem::create_directories(settings->net_dir, ec);
    if (ec) return Fail("Error: cannot create " + settings->net_dir.string() + ": " + ec.message());
    std::set<std::string> categories;
    for (const auto& c : args.GetArgs("debug")) categories.insert(c.empty() ? "1" : c);
    Logger log(settings->net_dir / "debug.log", args.GetBoolArg("printtoconsole", true), categories);
    for (const auto& w : args.Warnings()) log.Info("Warning: " + w);

    // Signals go to one thread that waits for them; every other thread inherits the mask.
    StopSignals signals;
    // A file-size limit (ulimit -f) would otherwise kill the node mid-write; ignored, a write
    // past it fails with EFBIG like a full disk, and the node stops with that error.
    std::signal(SIGXFSZ, SIG_IGN);

    log.Info("Tonari node starting: chain " + args.ChainName() + ", data directory " + settings->net_dir.string());
    bitcoin::node::NodeStorageOptions storage;
    storage.data_dir = settings->data_dir;
    storage.network = settings->network;
    storage.dbcache_mib = static_cast<size_t>(*dbcache);
    storage.script_threads = static_cast<size_t>(*par);
    storage.reindex = args.GetBoolArg("reindex", false);
    {
        // Core's checks and messages for -prune.
        auto prune = args.GetIntArg("prune", 0);
        if (!prune) return Fail(prune.error().message);
        if (*prune < 0) return Fail("Error: Prune cannot be configured with a negative value.");
        const int64_t min_mib = static_cast<int64_t>(bitcoin::chain::MIN_PRUNE_TARGET_BYTES >> 20);
        if (*prune > 1 && *prune < min_mib) {
            return Fail("Error: Prune configured below the minimum of " + std::to_string(min_mib) +
                        " MiB.  Please use a higher number.");
        }
        storage.prune_mib = static_cast<uint64_t>(*prune);
        if (*prune == 1) {
            log.Info("Block pruning enabled.  Use RPC call pruneblockchain(height) to manually prune block and undo files.");
        } else if (*prune > 1) {
            log.Info("Prune configured to target " + std::to_string(*prune) + " MiB on disk for block and undo files.");
        }
        if (*prune != 0 && storage.reindex) {
            log.Info("Reindexing a pruned node rebuilds the chain state from scratch; the deleted blocks are "
                     "downloaded again from peers.");
        }
    }
    storage.mempool = pool_options;
    storage.block_min_fee = block_min_fee;
    if (auto value = args.GetArg("assumevalid")) {
        // Core's uint256::FromUserHex: an optional 0x, then up to 64 hex digits, zero-padded.
        std::string hex = *value;
        if (hex.starts_with("0x") || hex.starts_with("0X")) hex = hex.substr(2);
        if (hex.empty()) hex = "0";  // Core: an empty value is the zero hash, which disables it
        const bool ok = hex.size() <= 64 &&
                        std::all_of(hex.begin(), hex.end(), [](char c) { return util::HexDigitValue(c) >= 0; });
        if (!ok) {
            return Fail("Error: Invalid assumevalid block hash specified (" + *value +
                        "), must be up to 64 hex digits (or 0 to disable)");
        }
        storage.assume_valid = bitcoin::primitives::BlockHash(*util::Uint256::FromHex(std::string(64 - hex.size(), '0') + hex));
    }
    // Core's regtest-only options for test chains; refused elsewhere rather than ignored.
    if (args.IsArgSet("simlatency") && settings->network != bitcoin::encoding::Network::Regtest) {
        return Fail("Error: -simlatency is only allowed on regtest");
    }
    const auto activation_heights = args.GetArgs("testactivationheight");
    const auto vbparams = args.GetArgs("vbparams");
    if (!activation_heights.empty() || !vbparams.empty()) {
        if (settings->network != bitcoin::encoding::Network::Regtest) {
            return Fail("Error: -testactivationheight and -vbparams are only allowed on regtest");
        }
        bitcoin::consensus::ConsensusParams params = bitcoin::consensus::GetParams(settings->network);
        for (const auto& arg : activation_heights) {
            if (auto applied = bitcoin::consensus::ApplyTestActivationHeight(params, arg); !applied) {
                return Fail("Error: " + applied.error());
            }
        }
        for (const auto& arg : vbparams) {
            if (auto applied = bitcoin::consensus::ApplyVbParams(params, arg); !applied) return Fail("Error: " + applied.error());
        }
        storage.params = std::move(params);
    }
    auto node = NodeContext::Open(storage);
    if (!node) {
        log.Error("Error: " + node.error());
        return 1;
    }
    NodeContext& ctx = **node;
    ctx.WithChain([&log](bitcoin::node::NodeStorage& s) {
        log.Info("Loaded chain: height " + std::to_string(s.Chain().Chain().Height()) + ", tip " +
                 s.Chain().Tip()->hash.ToHex());
        return 0;
    });

    // Wallets follow the chain and the mempool from here on; -wallet names are loaded now.
    bitcoin::node::WalletManagerOptions wallet_options;
    wallet_options.network = settings->network;
    if (auto fee = args.GetArg("fallbackfee")) {
        auto sats = bitcoin::rpc::AmountFromValue(util::Json(*fee));
        if (!sats) return Fail("Error: Invalid amount for -fallbackfee=<amount>: '" + *fee + "'");
        wallet_options.fallback_fee = bitcoin::policy::FeeRate(*sats);
    }
    wallet_options.log_error = [&log](const std::string& line) { log.Error(line); };
    bitcoin::node::WalletManager wallets(wallet_options);
    ctx.WithChain([&wallets](bitcoin::node::NodeStorage& s) {
        wallets.Attach(s);
        return 0;
    });
    for (const auto& name : args.GetArgs("wallet")) {
        auto loaded = ctx.WithChain([&](bitcoin::node::NodeStorage& s) { return wallets.Load(s, name); });
        if (!loaded) {
            log.Error("Error: cannot load wallet '" + name + "': " + loaded.error().message);
            ctx.WithChain([&wallets](bitcoin::node::NodeStorage& s) {
                wallets.Detach(s);
                return 0;
            });
            return 1;
        }
        log.Info("Loaded wallet '" + name + "'");
    }

    // The dashboard's events are published from here on (if one is asked for).
    auto dashboard = PrepareDashboard(args, ctx, [&log](const std::string& line) { log.Info(line); });
    if (!dashboard) return Fail(dashboard.error());
    std::string dashboard_url;
    if (*dashboard) {
        auto url = StartDashboard(**dashboard, ctx);
        if (!url) return Fail(url.error());
        dashboard_url = *url;
        if (args.GetArgs("dashboardallowip").size() > 0) {
            log.Info("Warning: the dashboard shows this node's peers, which transactions it sent itself and its wallets' "
                     "balances and latest payments to every address -dashboardallowip allows, without a password (its "
                     "buttons, which need the RPC password, work from this machine only)");
        }
    }

    // ZMQ notifications: sockets bound now, events published from here on (before the P2P
    // network starts, so nothing it brings is missed). The guard detaches the notifier from the
    // strand before it is freed on every way out of this function; the normal shutdown below
    // detaches it while the node still exists.
    auto zmq_endpoints = ZmqEndpoints(args);
    if (!zmq_endpoints) return Fail("Error: " + zmq_endpoints.error());
    std::unique_ptr<bitcoin::node::ZmqNotifier> zmq;
    struct ZmqDetach {
        NodeContext& ctx;
        std::unique_ptr<bitcoin::node::ZmqNotifier>& zmq;
        void operator()() {
            if (!zmq) return;
            ctx.WithChain([this](bitcoin::node::NodeStorage& s) {
                zmq->Detach(s);
                return 0;
            });
            zmq.reset();
        }
        ~ZmqDetach() { (*this)(); }
    } zmq_detach{ctx, zmq};
    if (!zmq_endpoints->empty()) {
        auto created = bitcoin::node::ZmqNotifier::Create(std::move(*zmq_endpoints));
        if (!created) {
            log.Error("Error: " + created.error());
            return 1;
        }
        zmq = std::move(*created);
        ctx.WithChain([&zmq](bitcoin::node::NodeStorage& s) {
            zmq->Attach(s);
            return 0;
        });
        for (const auto& e : zmq->Endpoints()) log.Info("ZMQ " + e.type + " publishing on " + e.address);
    }

    // The mempool of the last run (mempool.dat): after the wallets resubmitted their own, with
    // the dashboard and ZMQ listening, before the network starts.
    bitcoin::node::MempoolPersistOptions persist_options;
    persist_options.persist = args.GetBoolArg("persistmempool", true);
    persist_options.write_v1 = args.GetBoolArg("persistmempoolv1", false);
    persist_options.save_interval = std::chrono::seconds(*save_interval);
    bitcoin::node::MempoolPersister mempool_file(ctx, persist_options, [&log](const std::string& line) { log.Info(line); });
    mempool_file.Load();

    // The P2P network: listening, outbound connections, sync and relay.
    std::unique_ptr<bitcoin::node::P2pService> p2p;
    if (args.GetBoolArg("networkactive", true)) {
        auto p2p_options = P2pOptions(args, ctx.Params().default_port, log);
        if (!p2p_options) return Fail(p2p_options.error());
        if (*dashboard) p2p_options->watch = (*dashboard)->events->Watch();
        auto started = bitcoin::node::P2pService::Start(ctx, std::move(*p2p_options));
        if (!started) {
            log.Error("Error: " + started.error());
            return 1;
        }
        p2p = std::move(*started);
        for (const auto& ep : p2p->ListenEndpoints()) log.Info("P2P listening on " + ep.ToString());
    }

    bitcoin::rpc::MethodTable table;
    for (auto registered : {bitcoin::node::RegisterNetRpcs(table, ctx, p2p.get()),bitcoin::node::RegisterBlockchainRpcs(table, ctx), bitcoin::node::RegisterMiningRpcs(table, ctx),
                            bitcoin::node::RegisterControlRpcs(table, ctx), bitcoin::node::RegisterMempoolRpcs(table, ctx, &mempool_file),
                            bitcoin::node::RegisterRawTxRpcs(table, ctx), bitcoin::node::RegisterDescriptorRpcs(table, ctx),
                            bitcoin::node::RegisterWalletRpcs(table, ctx, wallets),
                            bitcoin::node::RegisterZmqRpcs(table, zmq.get())}) {
        if (!registered) return Fail("internal error registering RPC methods: " + registered.error());
    }

    // Authentication: rpcuser/rpcpassword and rpcauth lines, else a fresh cookie file.
    netcore::Authenticator auth;
    std::filesystem::path cookie_path;
    if (auto password = args.GetArg("rpcpassword"); password && !password->empty()) {
        auth.AddPassword(args.GetArg("rpcuser", ""), *password);
    }
    for (const auto& line : args.GetArgs("rpcauth")) {
        if (auto added = auth.AddRpcAuth(line); !added) return Fail("Error: invalid -rpcauth: " + added.error());
    }
    std::unique_ptr<netcore::HttpServer> http;
    std::unique_ptr<bitcoin::rpc::JsonRpcServer> rpc;
    // The page's buttons call `rpc` through the dashboard: on every way out, the dashboard stops
    // taking calls (its server joined) before `rpc` is freed.
    struct DashboardCallsGuard {
        NodeDashboard* d;
        ~DashboardCallsGuard() {
            if (d == nullptr) return;
            d->rpc = nullptr;
            StopDashboardServer(*d);
        }
    } dashboard_calls{dashboard->get()};
    if (args.GetBoolArg("server", true)) {
        if (!args.GetArg("rpcpassword")) {
            cookie_path = args.GetArg("rpccookiefile", ".cookie");
            if (cookie_path.is_relative()) cookie_path = settings->net_dir / cookie_path;
            const std::string cookie = netcore::GenerateCookie();
            if (auto written = netcore::WriteCookieFile(cookie_path.string(), cookie); !written) {
                return Fail("Error: unable to write the RPC cookie file: " + written.error());
            }
            if (auto added = auth.AddUserColonPassword(cookie); !added) return Fail("internal error: " + added.error());
            log.Info("Generated RPC authentication cookie " + cookie_path.string());
        }
        rpc = std::make_unique<bitcoin::rpc::JsonRpcServer>(table, auth);
        if (*dashboard) (*dashboard)->rpc = rpc.get();
        netcore::HttpServerOptions http_options;
        const uint16_t port = static_cast<uint16_t>(*rpc_port);
        const auto binds = args.GetArgs("rpcbind");
        const auto allows = args.GetArgs("rpcallowip");
        if (binds.empty() || allows.empty()) {
            // Without -rpcallowip, -rpcbind is ignored and only loopback listens (Core's rule).
            if (!binds.empty()) log.Info("Warning: option -rpcbind was ignored because -rpcallowip was not specified, refusing to allow everyone to connect");
            http_options.bind = {{"127.0.0.1", port}, {"::1", port}};
        } else {
            for (const auto& b : binds) {
                auto ep = ParseBind(b, port);
                if (!ep) return Fail("Error: Invalid -rpcbind value '" + b + "'");
                http_options.bind.push_back(*ep);
            }
        }
        http_options.allow = {netcore::Subnet::Localhost4(), netcore::Subnet::Localhost6()};
        for (const auto& a : allows) {
            auto net = netcore::Subnet::Parse(a);
            if (!net) return Fail("Error: Invalid -rpcallowip subnet specification: " + a);
            http_options.allow.push_back(*net);
        }
        http_options.worker_threads = static_cast<size_t>(*rpc_threads);
        http_options.work_queue_depth = static_cast<size_t>(*rpc_queue);
        http_options.idle_timeout = std::chrono::seconds(*rpc_timeout);
        http_options.max_body_bytes = bitcoin::rpc::MAX_RPC_BODY_SIZE;
        const bool debug_rpc = log.Enabled("rpc");
        const bool rest = args.GetBoolArg("rest", false);
        if (rest) log.Info("REST interface enabled on the RPC port (/rest/)");
        auto started = netcore::HttpServer::Start(
            http_options, [&rpc, &log, debug_rpc, rest, &ctx, &table](const netcore::HttpRequest& req,
                                                                     const netcore::HttpClientInfo& client) {
                // Core's REST interface: unauthenticated reads under /rest/ when -rest is set.
                if (rest && req.target.starts_with("/rest/")) {
                    netcore::HttpResponse res;
                    if (auto answer = bitcoin::node::HandleRest(ctx, table, req.target, req.body)) {
                        res.status = answer->status;
                        res.content_type = std::move(answer->content_type);
                        res.body = std::move(answer->body);
                    } else {
                        res.status = 404;
                    }
                    if (debug_rpc) log.Debug("rpc", "REST " + req.target.substr(0, 100) + " from " + client.address + ": HTTP " + std::to_string(res.status));
                    return res;
                }
                bitcoin::rpc::HttpRequest in{.method = req.method, .target = req.target,
                                             .authorization = req.Header("authorization"), .body = req.body};
                bitcoin::rpc::HttpResponse out = rpc->HandleRequest(in);
                if (debug_rpc) {
                    log.Debug("rpc", "from " + client.address + ": HTTP " + std::to_string(out.status) + ", " +
                                         std::to_string(req.body.size()) + " bytes in");
                }
                return ToHttp(std::move(out));
            });
        if (!started) {
            log.Error("Error: " + started.error());
            if (!cookie_path.empty()) std::filesystem::remove(cookie_path, ec);
            return 1;
        }
        http = std::move(*started);
        for (const auto& ep : http->Endpoints()) log.Info("RPC server listening on " + ep.address + ":" + std::to_string(ep.port));
    }

    if (*dashboard) {
        (*dashboard)->p2p = p2p.get();
        (*dashboard)->wallets = &wallets;
        log.Info("Dashboard on " + dashboard_url);
    }

    std::thread signal_waiter([&ctx, &signals, &log] {
        const int sig = signals.Wait();
        if (!ctx.ShutdownRequested()) log.Info(std::string("Received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
        ctx.RequestShutdown();
    });
    mempool_file.StartPeriodic();
    log.Info("Tonari node ready");
    ctx.WaitForShutdown();
    // Wake the signal thread if the shutdown came from the `stop` RPC.
    pthread_kill(signal_waiter.native_handle(), SIGTERM);
    signal_waiter.join();

    log.Info("Shutdown: stopping the RPC server");
    if (http) http->Stop();
    if (*dashboard) {
        StopDashboardServer(**dashboard);
        (*dashboard)->p2p = nullptr;
    }
    // Saved before the P2P layer goes, while it still knows which of our transactions no
    // peer has fetched (the file's unbroadcast set).
    mempool_file.StopPeriodic();
    if (mempool_file.Enabled()) {
        if (auto saved = mempool_file.Save(); !saved) log.Error(saved.error());
    }
    if (p2p) {
        log.Info("Shutdown: closing peer connections");
        p2p->Stop();
    }
    int status = 0;
    const auto fatal = ctx.FatalError();
    if (fatal) {
        log.Error("Error: " + *fatal);
        log.Error("Error: the node cannot go on and is stopping. The chain state on disk is consistent: free disk "
                  "space (or fix the error above) and start the node again; it carries on from there.");
        status = 1;
    }
    log.Info("Shutdown: flushing the chain state");
    if (auto flushed = ctx.Flush(); !flushed) {
        log.Error("Error: flushing the chain state failed: " + flushed.error());
        status = 1;
    }
    if (!cookie_path.empty()) std::filesystem::remove(cookie_path, ec);
    ctx.WithChain([&wallets](bitcoin::node::NodeStorage& s) {
        wallets.Detach(s);
        return 0;
    });
    if (*dashboard) DetachDashboard(**dashboard, ctx);
    zmq_detach();
    node->reset();
    log.Info("Shutdown: done");
    return status;
}

}  // namespace tonari::app
