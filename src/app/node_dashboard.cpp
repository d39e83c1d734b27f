// Wiring the dashboard into `tonari node`.
#include "app/node_dashboard.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <tuple>

#include "app/rpc_http.h"
#include "util/json.h"

namespace tonari::app {
namespace {

int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t SteadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Payments shown per wallet on a ledger card, and how far back listtransactions looks for them
// (a miner's wallet is mostly coinbase rows).
constexpr size_t LEDGER_PAYMENTS = 5;
constexpr size_t LEDGER_LOOKBACK = 200;

// The loaded wallets for the ledger cards: the balance as getbalance answers it (confirmed
// and own change), what others are paying in, and the latest payments, newest first. Amounts
// in satoshis.
util::Json WalletsJson(bitcoin::node::NodeContext& ctx, bitcoin::node::WalletManager* wallets) {
    util::Json list = util::Json::MakeArray();
    if (wallets == nullptr) return list;
    ctx.WithChain([&list, wallets](bitcoin::node::NodeStorage& s) {
        const int32_t height = s.Chain().Chain().Height();
        for (const auto& name : wallets->Names()) {
            const bitcoin::wallet::Wallet* w = wallets->Find(name);
            if (w == nullptr) continue;
            const bitcoin::wallet::Balances b = w->GetBalances(height, 0);
            util::Json o = util::Json::MakeObject();
            o.Set("name", name);
            o.Set("balance", b.trusted);
            o.Set("pending", b.untrusted_pending);
            o.Set("immature", b.immature);
            util::Json payments = util::Json::MakeArray();
            const auto rows = w->ListTransactions(LEDGER_LOOKBACK, 0);
            for (auto it = rows.rbegin(); it != rows.rend() && payments.size() < LEDGER_PAYMENTS; ++it) {
                if (it->category != "send" && it->category != "receive") continue;
                util::Json p = util::Json::MakeObject();
                p.Set("txid", it->tx.txid.ToHex());
                p.Set("category", it->category);
                p.Set("amount", it->amount);
                p.Set("address", it->address.value_or(""));
                p.Set("confirmations", it->tx.confirmations);
                payments.PushBack(std::move(p));
            }
            o.Set("payments", std::move(payments));
            list.PushBack(std::move(o));
        }
        return 0;
    });
    return list;
}

// The snapshot /api/state carries: chain, tip, mempool, neighbours and wallets, as the events
// update them.
std::string NodeState(bitcoin::node::NodeContext& ctx, bitcoin::node::P2pService* p2p,
                      bitcoin::node::WalletManager* wallets) {
    util::Json o = util::Json::MakeObject();
    o.Set("chain", std::string(bitcoin::encoding::NetworkName(ctx.Network())));
    ctx.WithChain([&o](bitcoin::node::NodeStorage& s) {
        const auto* tip = s.Chain().Tip();
        o.Set("height", tip ? tip->height : -1);
        o.Set("tip", tip ? tip->hash.ToHex() : std::string());
        o.Set("mempool_size", static_cast<uint64_t>(s.Mempool().Size()));
        o.Set("mempool_vsize", s.Mempool().TotalVsize());
        return 0;
    });
    util::Json peers = util::Json::MakeArray();
    util::Json listen = util::Json::MakeArray();  // where peers dial it: how a page joins the graph's edges
    if (p2p != nullptr) {
        for (const auto& ep : p2p->ListenEndpoints()) listen.PushBack(ep.ToString());
        const auto stats = p2p->WithPeers([](bitcoin::p2p::PeerManager& pm) { return pm.GetPeerStats(); });
        for (const auto& s : stats) {
            util::Json p = util::Json::MakeObject();
            p.Set("peer", static_cast<uint64_t>(s.id));
            p.Set("address", s.addr);
            p.Set("local", s.addr_local);
            p.Set("direction", s.type == bitcoin::p2p::ConnectionType::Inbound ? "inbound" : "outbound");
            p.Set("type", bitcoin::p2p::ToString(s.type));
            p.Set("since", s.conn_time * 1000);
            p.Set("user_agent", s.subver);
            peers.PushBack(std::move(p));
        }
    }
    o.Set("peers", std::move(peers));
    o.Set("listen", std::move(listen));
    o.Set("wallets", WalletsJson(ctx, wallets));
    return o.Dump();
}

// While a page watches: the wallets, when a block or a mempool change may have moved them (a
// wallet changes only with the chain or the pool, or by a send, which enters the pool).
void PublishWallets(NodeDashboard& d, bitcoin::node::NodeContext& ctx) {
    bitcoin::node::WalletManager* wallets = d.wallets.load();
    if (wallets == nullptr || wallets->Count() == 0 || !d.server || d.server->Watchers() == 0) return;
    const auto key = ctx.WithChain([wallets](bitcoin::node::NodeStorage& s) {
        const auto* tip = s.Chain().Tip();
        // A wallet created or loaded by RPC changes the list too.
        return std::make_tuple(tip ? tip->hash.ToHex() : std::string(), s.Mempool().Sequence(), wallets->Count());
    });
    if (key == d.wallets_key) return;
    d.wallets_key = key;
    util::Json w = util::Json::MakeObject();
    w.Set("wallets", WalletsJson(ctx, wallets));
    std::string data = w.Dump();
    if (data == d.last_wallets) return;
    d.bus->Publish("wallets", data);
    d.last_wallets = std::move(data);
}

// Every second: a mempool change held back is published (on the strand); while someone
// watches, the wallets when the tip or the pool moved (a short trip to the strand to tell);
// and each connected peer's bytes in that second, from netcore's counters (a peer's first
// second counts from its connection), published only while someone watches.
void Sample(NodeDashboard& d, bitcoin::node::NodeContext& ctx) {
    std::map<uint64_t, std::pair<uint64_t, uint64_t>> last;  // peer -> (received, sent)
    std::unique_lock lock(d.sampler_mutex);
    while (!d.sampler_wake.wait_for(lock, std::chrono::seconds(1), [&d] { return d.sampler_stop; })) {
        if (d.events->MempoolPending()) {
            bitcoin::node::NodeEvents* events = d.events.get();
            ctx.PostToChain([events](bitcoin::node::NodeStorage&) { events->FlushMempool(); });
        }
        PublishWallets(d, ctx);
        bitcoin::node::P2pService* p2p = d.p2p.load();
        if (p2p == nullptr) continue;
        std::map<uint64_t, std::pair<uint64_t, uint64_t>> now;
        util::Json peers = util::Json::MakeArray();
        for (const uint64_t id : d.events->ConnectedPeers()) {
            const auto stats = p2p->ConnectionStats(id);
            if (!stats) continue;
            now[id] = {stats->bytes_received, stats->bytes_sent};
            const auto before = last.find(id);
            const auto base = before == last.end() ? std::make_pair(uint64_t{0}, uint64_t{0}) : before->second;
            util::Json p = util::Json::MakeObject();
            p.Set("peer", id);
            p.Set("in", stats->bytes_received - base.first);
            p.Set("out", stats->bytes_sent - base.second);
            peers.PushBack(std::move(p));
        }
        last = std::move(now);
        if (!d.server || d.server->Watchers() == 0) continue;
        util::Json o = util::Json::MakeObject();
        o.Set("peers", std::move(peers));
        d.bus->Publish("peer_bytes", o.Dump());
    }
}

// A button's call: to this node's RPC server (its credentials decide, its failed-login delay
// applies), or through the relay to a watched node.
netcore::HttpResponse AnswerCall(NodeDashboard& d, const web::RpcCall& call) {
    if (!call.node.empty()) {
        if (!d.relay) return netcore::TextResponse(404, "text/plain; charset=utf-8", "This dashboard watches no other node.\n");
        return d.relay->Forward(call);
    }
    bitcoin::rpc::JsonRpcServer* rpc = d.rpc.load();
    if (rpc == nullptr) return netcore::TextResponse(503, "text/plain; charset=utf-8", "The node's RPC server is not running.\n");
    bitcoin::rpc::HttpRequest in{.method = "POST", .target = call.target, .authorization = call.authorization, .body = call.body};
    netcore::HttpResponse res = ToHttp(rpc->HandleRequest(in));
    // A browser answers "WWW-Authenticate: Basic" with its own login prompt and would then send
    // what was typed there by itself with later requests: the page asks, not the browser.
    std::erase_if(res.headers, [](const std::pair<std::string, std::string>& h) {
        std::string name = h.first;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return name == "www-authenticate";
    });
    return res;
}

}  // namespace

util::Result<std::unique_ptr<NodeDashboard>, std::string> PrepareDashboard(const config::Args& args,
                                                                           bitcoin::node::NodeContext& ctx,
                                                                           std::function<void(const std::string&)> log) {
    const auto port = args.GetIntArg("dashboard", 0);
    if (!port) return util::Fail("Error: -dashboard: " + port.error().message);
    if (*port == 0) return std::unique_ptr<NodeDashboard>();
    if (*port < 1 || *port > 65535) return util::Fail("Error: -dashboard=" + std::to_string(*port) + " is not a port");
    auto d = std::make_unique<NodeDashboard>();
    d->port = static_cast<uint16_t>(*port);
    d->allow = {netcore::Subnet::Localhost4(), netcore::Subnet::Localhost6()};
    for (const auto& a : args.GetArgs("dashboardallowip")) {
        auto net = netcore::Subnet::Parse(a);
        if (!net) return util::Fail("Error: Invalid -dashboardallowip subnet specification: " + a);
        d->allow.push_back(*net);
    }
    d->watch = args.GetArgs("dashboardwatch");
    d->log = std::move(log);
    d->bus = std::make_unique<events::EventBus>(NowMs);
    d->events = std::make_unique<bitcoin::node::NodeEvents>(*d->bus, SteadyMs);
    bitcoin::node::NodeEvents* events = d->events.get();
    ctx.WithChain([events](bitcoin::node::NodeStorage& s) {
        events->Attach(s);
        return 0;
    });
    d->ctx = &ctx;
    return d;
}

util::Result<std::string, std::string> StartDashboard(NodeDashboard& d, bitcoin::node::NodeContext& ctx) {
    web::DashboardOptions options;
    // Others than this machine only when -dashboardallowip says so (the netcore allow-list still
    // turns away everyone else); both address families, as the RPC server.
    options.bind = d.allow.size() > 2 ? std::vector<netcore::HttpEndpoint>{{"0.0.0.0", d.port}, {"::", d.port}}
                                      : std::vector<netcore::HttpEndpoint>{{"127.0.0.1", d.port}, {"::1", d.port}};
    options.allow = d.allow;
    options.state = [&ctx, &d] { return NodeState(ctx, d.p2p.load(), d.wallets.load()); };
    options.rpc = [&d](const web::RpcCall& call) { return AnswerCall(d, call); };
    if (!d.watch.empty()) {
        auto relay = web::WatchRelay::Start(*d.bus, d.watch, d.log);
        if (!relay) return util::Fail("Error: -dashboardwatch: " + relay.error());
        d.relay = std::move(*relay);
        options.watched = [&d] { return d.relay->StateJson(); };
    }
    auto server = web::DashboardServer::Start(std::move(options), *d.bus);
    if (!server) return util::Fail("Error: " + server.error());
    d.server = std::move(*server);
    d.sampler = std::thread([&d, &ctx] { Sample(d, ctx); });
    const auto endpoints = d.server->Endpoints();
    const std::string host = endpoints.empty() || endpoints.front().address == "0.0.0.0" || endpoints.front().address == "::"
                                 ? "127.0.0.1"
                                 : endpoints.front().address;
    return "http://" + host + ":" + std::to_string(endpoints.empty() ? d.port : endpoints.front().port) + "/";
}

void StopDashboardServer(NodeDashboard& d) {
    {
        std::lock_guard lock(d.sampler_mutex);
        d.sampler_stop = true;
    }
    d.sampler_wake.notify_all();
    if (d.sampler.joinable()) d.sampler.join();
    if (d.relay) d.relay->Cancel();  // a call being forwarded gives up, so the server's workers end
    if (d.server) d.server->Stop();
    if (d.relay) d.relay->Stop();
}

void DetachDashboard(NodeDashboard& d, bitcoin::node::NodeContext& ctx) {
    if (!d.events || d.ctx == nullptr) return;
    bitcoin::node::NodeEvents* events = d.events.get();
    ctx.WithChain([events](bitcoin::node::NodeStorage& s) {
        events->Detach(s);
        return 0;
    });
    d.ctx = nullptr;
}

NodeDashboard::~NodeDashboard() {
    StopDashboardServer(*this);
    if (ctx != nullptr) DetachDashboard(*this, *ctx);
}

}  // namespace tonari::app
