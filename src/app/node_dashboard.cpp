// Wiring the dashboard into `tonari node`.
#include "app/node_dashboard.h"

#include <chrono>

#include "util/json.h"

namespace tonari::app {
namespace {

int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The snapshot /api/state carries: chain, tip, mempool and neighbours, as the events update them.
std::string NodeState(bitcoin::node::NodeContext& ctx, bitcoin::node::P2pService* p2p) {
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
    if (p2p != nullptr) {
        const auto stats = p2p->WithPeers([](bitcoin::p2p::PeerManager& pm) { return pm.GetPeerStats(); });
        for (const auto& s : stats) {
            util::Json p = util::Json::MakeObject();
            p.Set("peer", static_cast<uint64_t>(s.id));
            p.Set("address", s.addr);
            p.Set("direction", s.type == bitcoin::p2p::ConnectionType::Inbound ? "inbound" : "outbound");
            p.Set("type", bitcoin::p2p::ToString(s.type));
            p.Set("since", s.conn_time * 1000);
            p.Set("user_agent", s.subver);
            peers.PushBack(std::move(p));
        }
    }
    o.Set("peers", std::move(peers));
    return o.Dump();
}

}  // namespace

util::Result<std::unique_ptr<NodeDashboard>, std::string> PrepareDashboard(const config::Args& args,
                                                                           bitcoin::node::NodeContext& ctx) {
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
    d->bus = std::make_unique<events::EventBus>(NowMs);
    d->events = std::make_unique<bitcoin::node::NodeEvents>(*d->bus, NowMs);
    bitcoin::node::NodeEvents* events = d->events.get();
    ctx.WithChain([events](bitcoin::node::NodeStorage& s) {
        events->Attach(s);
        return 0;
    });
    d->ctx = &ctx;
    return d;
}

util::Result<std::string, std::string> StartDashboard(NodeDashboard& d, bitcoin::node::NodeContext& ctx,
                                                      bitcoin::node::P2pService* p2p) {
    web::DashboardOptions options;
    // Others than this machine only when -dashboardallowip says so (the netcore allow-list still
    // turns away everyone else).
    options.bind = d.allow.size() > 2 ? std::vector<netcore::HttpEndpoint>{{"0.0.0.0", d.port}}
                                      : std::vector<netcore::HttpEndpoint>{{"127.0.0.1", d.port}};
    options.allow = d.allow;
    options.state = [&ctx, p2p] { return NodeState(ctx, p2p); };
    auto server = web::DashboardServer::Start(std::move(options), *d.bus);
    if (!server) return util::Fail("Error: " + server.error());
    d.server = std::move(*server);
    const auto endpoints = d.server->Endpoints();
    const std::string host = endpoints.empty() || endpoints.front().address == "0.0.0.0" ? "127.0.0.1" : endpoints.front().address;
    return "http://" + host + ":" + std::to_string(endpoints.empty() ? d.port : endpoints.front().port) + "/";
}

void StopDashboardServer(NodeDashboard& d) {
    if (d.server) d.server->Stop();
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
    if (server) server->Stop();
    if (ctx != nullptr) DetachDashboard(*this, *ctx);
}

}  // namespace tonari::app
