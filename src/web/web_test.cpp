// The dashboard without sockets: SSE text for events, the hello and reset events, resuming
// after a given id; the Host check (IP literals and localhost only); routing — state carrying
// the epoch and last id, event streams counted and capped, embedded assets, GET only but for
// the buttons' calls (POST /api/rpc: JSON, with credentials, from this machine, one at a time).
#include <gtest/gtest.h>

#include "web/dashboard_server.h"
#include "web/host_check.h"
#include "web/sse_stream.h"
#include "web/web_assets.h"

namespace tonari::web {
namespace {

netcore::HttpRequest Get(std::string target, std::string host = "127.0.0.1:8080") {
    netcore::HttpRequest r;
    r.method = "GET";
    r.target = std::move(target);
    r.headers.emplace_back("host", std::move(host));
    return r;
}

TEST(Sse, FormatsEventsAndResumes) {
    events::EventBus bus([] { return 1700000000000; });
    bus.Publish("tx_seen", "{\"txid\":\"ab\"}");
    bus.Publish("tip_changed", "{\"height\":5}");
    EXPECT_EQ(FormatSseEvent(bus.Since(0, 1).events[0]),
              "id: 1\ndata: {\"id\":1,\"type\":\"tx_seen\",\"time\":1700000000000,\"data\":{\"txid\":\"ab\"}}\n\n");
    SseStream from_one(bus, 1);
    const std::string first = from_one.Take();
    EXPECT_EQ(first.rfind("retry: 2000\nevent: hello\ndata: {\"epoch\":\"" + bus.Epoch() + "\",\"last_id\":2", 0), 0u) << first;
    EXPECT_EQ(first.find("id: 1\n"), std::string::npos);  // already seen
    EXPECT_NE(first.find("id: 2\n"), std::string::npos);
    EXPECT_EQ(first.find("event: reset"), std::string::npos);
    EXPECT_TRUE(from_one.Take().empty());  // nothing new (and no keep-alive yet)
    bus.Publish("mempool", "{\"size\":1}");
    EXPECT_NE(from_one.Take().find("id: 3\n"), std::string::npos);
}

TEST(Sse, AReaderBehindTheRingIsToldToReload) {
    events::EventBus bus([] { return 0; }, 3);
    for (int i = 0; i < 10; ++i) bus.Publish("e", "{}");
    SseStream behind(bus, 2);
    const std::string text = behind.Take();
    EXPECT_NE(text.find("event: reset\n"), std::string::npos);
    EXPECT_NE(text.find("id: 8\n"), std::string::npos);  // then the oldest kept
    SseStream stranger(bus, 999);  // ids from another life of the node
    EXPECT_NE(stranger.Take().find("event: reset\n"), std::string::npos);
    events::EventBus empty([] { return 0; });
    SseStream early(empty, 5);  // an id before any event exists: one reset, not one per poll
    EXPECT_NE(early.Take().find("event: reset\n"), std::string::npos);
    EXPECT_TRUE(early.Take().empty());
}

TEST(HostCheck, OnlyAddressesAndLocalhost) {
    for (const char* ok : {"127.0.0.1", "127.0.0.1:8332", "localhost", "LOCALHOST:80", "[::1]", "[::1]:8080", "192.168.1.5:1"}) {
        EXPECT_TRUE(HostAllowed(std::string_view(ok))) << ok;
    }
    for (const char* bad : {"evil.example", "evil.example:8080", "127.0.0.1.nip.io", "localhost.evil", "[::1", "[::1]x",
                            "127.0.0.1:", "127.0.0.1:port", ""}) {
        EXPECT_FALSE(HostAllowed(std::string_view(bad))) << bad;
    }
    EXPECT_FALSE(HostAllowed(std::nullopt));
}

TEST(Dashboard, RoutesStateEventsAndAssets) {
    events::EventBus bus([] { return 0; });
    bus.Publish("e", "{}");
    DashboardOptions options;
    options.state = [] { return std::string("{\"height\":7}"); };
    auto server = DashboardServer::Start(options, bus);  // port 0 on no endpoint: the handler alone is used
    ASSERT_FALSE(server) << "binding nothing must fail";
    // Handle works without a bound server: build one over loopback to get an object.
    options.bind = {{"127.0.0.1", 0}};
    auto live = DashboardServer::Start(options, bus);
    ASSERT_TRUE(live) << live.error();
    auto& d = **live;

    const auto state = d.Handle(Get("/api/state"));
    EXPECT_EQ(state.status, 200);
    EXPECT_EQ(state.body, "{\"epoch\":\"" + bus.Epoch() + "\",\"last_event_id\":1,\"watchers\":0,\"node\":{\"height\":7}}");

    EXPECT_EQ(d.Handle(Get("/api/state", "attacker.example:8080")).status, 403);
    auto cross = Get("/api/events");
    cross.headers.emplace_back("sec-fetch-site", "cross-site");
    EXPECT_EQ(d.Handle(cross).status, 403);
    auto foreign = Get("/api/state");
    foreign.headers.emplace_back("origin", "http://attacker.example");
    EXPECT_EQ(d.Handle(foreign).status, 403);
    auto own = Get("/api/state");
    own.headers.emplace_back("origin", "http://127.0.0.1:8080");
    EXPECT_EQ(d.Handle(own).status, 200);
    auto head = Get("/");
    head.method = "HEAD";
    EXPECT_EQ(d.Handle(head).status, 405);
    auto post = Get("/api/state");
    post.method = "POST";
    EXPECT_EQ(d.Handle(post).status, 405);
    EXPECT_EQ(d.Handle(Get("/nothing-here")).status, 404);

    const auto page = d.Handle(Get("/"));
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("/app.js"), std::string::npos);
    ASSERT_NE(FindAsset("/app.js"), nullptr);
    ASSERT_NE(FindAsset("/style.css"), nullptr);
    ASSERT_NE(FindAsset("/graph.js"), nullptr);
    EXPECT_EQ(FindAsset("/graph.js")->content_type, "text/javascript; charset=utf-8");

    std::vector<netcore::HttpResponse> streams;
    for (size_t i = 0; i < MAX_STREAMS; ++i) {
        streams.push_back(d.Handle(Get("/api/events?last_event_id=0")));
        ASSERT_EQ(streams.back().status, 200);
        ASSERT_TRUE(streams.back().stream);
        EXPECT_EQ(streams.back().content_type, "text/event-stream");
    }
    EXPECT_NE(streams[0].stream->Take().find("id: 1\n"), std::string::npos);  // resumed from 0
    EXPECT_EQ(d.Handle(Get("/api/events")).status, 503);  // one too many
    streams.pop_back();                                   // a tab closed
    EXPECT_EQ(d.Handle(Get("/api/events")).status, 200);
    d.Stop();
}

TEST(Dashboard, ButtonCallsGoToTheRpcHandlerAsPostOnly) {
    events::EventBus bus([] { return 0; });
    DashboardOptions options;
    options.bind = {{"127.0.0.1", 0}};
    std::vector<RpcCall> calls;
    DashboardServer* server = nullptr;
    int nested_status = 0;
    options.rpc = [&](const RpcCall& call) {
        calls.push_back(call);
        if (call.body == "nested") {
            // A second call while this one is answered: the slot is taken.
            netcore::HttpRequest again;
            again.method = "POST";
            again.target = "/api/rpc";
            again.headers = {{"host", "127.0.0.1:8080"}, {"content-type", "application/json"}, {"authorization", "Basic dTpw"}};
            nested_status = server->Handle(again).status;
        }
        return netcore::TextResponse(200, "application/json", "{\"result\":1}");
    };
    auto live = DashboardServer::Start(options, bus);
    ASSERT_TRUE(live) << live.error();
    auto& d = **live;
    server = &d;

    auto post = Get("/api/rpc/wallet/alice%20b?node=127.0.0.1%3A8081");
    post.method = "POST";
    post.body = "{\"method\":\"getbalance\"}";
    post.headers.emplace_back("content-type", "application/json");
    post.headers.emplace_back("authorization", "Basic dTpw");
    EXPECT_EQ(d.Handle(post).status, 200);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].node, "127.0.0.1:8081");
    EXPECT_EQ(calls[0].target, "/wallet/alice%20b");  // still encoded, as the RPC server takes it
    EXPECT_EQ(calls[0].authorization, std::optional<std::string>("Basic dTpw"));
    EXPECT_EQ(calls[0].body, post.body);

    auto own = post;
    own.target = "/api/rpc";
    EXPECT_EQ(d.Handle(own).status, 200);
    EXPECT_EQ(calls.back().target, "/");
    EXPECT_EQ(calls.back().node, "");

    auto nested = own;
    nested.body = "nested";
    EXPECT_EQ(d.Handle(nested).status, 200);
    EXPECT_EQ(nested_status, 503);  // one call at a time (MAX_CALLS_IN_FLIGHT)
    EXPECT_EQ(d.Handle(own).status, 200);  // and the slot is free again
    const size_t reached = calls.size();

    EXPECT_EQ(d.Handle(own, /*from_loopback=*/false).status, 403);  // others may look, not act
    auto anonymous = own;
    std::erase_if(anonymous.headers, [](const auto& h) { return h.first == "authorization"; });
    EXPECT_EQ(d.Handle(anonymous).status, 401);
    auto form = own;
    std::erase_if(form.headers, [](const auto& h) { return h.first == "content-type"; });
    form.headers.emplace_back("content-type", "text/plain");  // what another site's form can send
    EXPECT_EQ(d.Handle(form).status, 415);
    auto by_get = own;
    by_get.method = "GET";
    EXPECT_EQ(d.Handle(by_get).status, 405);  // never by GET (a link or an image)
    auto cross = own;
    cross.headers.emplace_back("sec-fetch-site", "cross-site");
    EXPECT_EQ(d.Handle(cross).status, 403);
    auto foreign = own;
    foreign.headers.emplace_back("origin", "http://attacker.example");
    EXPECT_EQ(d.Handle(foreign).status, 403);
    auto elsewhere = own;
    elsewhere.target = "/api/rpcx";
    EXPECT_EQ(d.Handle(elsewhere).status, 405);
    EXPECT_EQ(calls.size(), reached);  // none of the refused ones reached the handler
    d.Stop();

    DashboardOptions none;
    none.bind = {{"127.0.0.1", 0}};
    auto plain = DashboardServer::Start(none, bus);
    ASSERT_TRUE(plain) << plain.error();
    EXPECT_EQ((**plain).Handle(own).status, 404);  // no handler: this dashboard takes no calls
    (**plain).Stop();
}

}  // namespace
}  // namespace tonari::web
