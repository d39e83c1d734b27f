// The node's live web dashboard (-dashboard=PORT): an event bus, the Bitcoin node's event
// publisher on it, the relay of other nodes' streams (-dashboardwatch=URL), and the web server
// that shows them. Off unless asked for; loopback only
// unless -dashboardallowip names who else may look (then it listens on every interface).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "bitcoin/node/node_context.h"
#include "bitcoin/node/node_events.h"
#include "bitcoin/node/p2p_service.h"
#include "bitcoin/node/wallet_manager.h"
#include "bitcoin/rpc/server.h"
#include "config/args.h"
#include "events/event_bus.h"
#include "util/result.h"
#include "web/dashboard_server.h"
#include "web/watch_relay.h"

namespace tonari::app {

struct NodeDashboard {
    // Detaches the publisher if an early return skipped DetachDashboard (the node outlives this).
    ~NodeDashboard();

    bitcoin::node::NodeContext* ctx = nullptr;  // while the publisher is attached
    uint16_t port = 0;
    std::vector<netcore::Subnet> allow;
    std::vector<std::string> watch;                      // other dashboards to relay
    std::function<void(const std::string&)> log;
    std::unique_ptr<events::EventBus> bus;
    std::unique_ptr<bitcoin::node::NodeEvents> events;
    std::unique_ptr<web::WatchRelay> relay;  // -dashboardwatch
    std::unique_ptr<web::DashboardServer> server;
    // The P2P service once it runs (null before, and with -networkactive=0).
    std::atomic<bitcoin::node::P2pService*> p2p{nullptr};
    // The node's wallets, for the ledger cards (they outlive the dashboard).
    std::atomic<bitcoin::node::WalletManager*> wallets{nullptr};
    // The JSON-RPC server the page's buttons call (null before it runs and once it is going);
    // node_command's DashboardCallsGuard clears it, and stops the server, before it is freed.
    std::atomic<bitcoin::rpc::JsonRpcServer*> rpc{nullptr};
    // The last `wallets` event's data, and the (tip, mempool sequence, wallet count) it was
    // computed at (sampler thread only).
    std::string last_wallets;
    std::tuple<std::string, uint64_t, size_t> wallets_key;
    // Once a second: a held-back mempool change, and, while a page watches, the bytes each peer
    // moved (peer_bytes events) and the wallets when they changed (wallets events).
    std::thread sampler;
    std::mutex sampler_mutex;
    std::condition_variable sampler_wake;
    bool sampler_stop = false;
};

// -dashboard and -dashboardallowip, checked; the bus and the publisher attached to the chain.
// Null when no dashboard is asked for.
util::Result<std::unique_ptr<NodeDashboard>, std::string> PrepareDashboard(const config::Args& args,
                                                                           bitcoin::node::NodeContext& ctx,
                                                                           std::function<void(const std::string&)> log);
// Serves it (before the P2P service starts, so a port in use stops the node before anything
// else runs); set `dashboard.p2p` once the service is up. Returns the URL to print.
util::Result<std::string, std::string> StartDashboard(NodeDashboard& dashboard, bitcoin::node::NodeContext& ctx);
// Stops the server (before the P2P service goes) …
void StopDashboardServer(NodeDashboard& dashboard);
// … and, on the way out, detaches the publisher from the chain.
void DetachDashboard(NodeDashboard& dashboard, bitcoin::node::NodeContext& ctx);

}  // namespace tonari::app
