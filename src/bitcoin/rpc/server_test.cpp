// Tests for JsonRpcServer: HTTP statuses and reply shapes for legacy and 2.0 requests,
// notifications, batches (the cases of Core's test/functional/interface_rpc.py), parse
// errors, body limit, method, path, wallet endpoint, authentication and warm-up.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "bitcoin/rpc/server.h"

namespace tonari::bitcoin::rpc {

using netcore::AUTH_FAILURE_DELAY;
using netcore::Authenticator;
using netcore::BasicAuthorizationValue;
namespace {

using util::Json;

constexpr const char* GENESIS_HASH = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";

Json ParseOrDie(std::string_view text) {
    auto r = util::ParseJson(text);
    EXPECT_TRUE(r) << "not JSON: " << text;
    return r ? *r : Json();
}

// Equality with object members compared by key (Python dict semantics, as Core's tests).
bool SameJson(const Json& a, const Json& b) {
    if (a.type() != b.type()) return false;
    if (a.IsArray()) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i) {
            if (!SameJson(a[i], b[i])) return false;
        }
        return true;
    }
    if (a.IsObject()) {
        if (a.size() != b.size()) return false;
        for (const auto& [key, value] : a.GetObject()) {
            const Json* other = b.Find(key);
            if (!other || !SameJson(value, *other)) return false;
        }
        return true;
    }
    return a == b;
}

const std::string* FindHeader(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) return &v;
    }
    return nullptr;
}

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auth.AddPassword("user", "pass");
        ASSERT_TRUE(table.Register(Method{
            .name = "getblockcount",
            .category = "Blockchain",
            .handler = [this](const Request&) -> util::Result<Json, RpcError> { return Json(height.load()); }}));
        ASSERT_TRUE(table.Register(Method{
            .name = "getblockhash",
            .category = "Blockchain",
            .params = {ParamSpec{.name = "height", .type = ParamType::NUMBER}},
            .handler = [](const Request& r) -> util::Result<Json, RpcError> {
                if (r[0].GetInt64() != 0) {
                    return util::Fail(RpcError{RpcErrorCode::INVALID_PARAMETER, "Block height out of range"});
                }
                return Json(GENESIS_HASH);
            }}));
        ASSERT_TRUE(table.Register(Method{
            .name = "generate",
            .category = "Mining",
            .params = {ParamSpec{.name = "nblocks", .type = ParamType::NUMBER}},
            .handler = [this](const Request& r) -> util::Result<Json, RpcError> {
                if (r[0].GetInt64() != 1) return util::Fail(RpcError{RpcErrorCode::INVALID_PARAMETER, "one at a time"});
                return Json(++height);
            }}));
        ASSERT_TRUE(table.Register(Method{
            .name = "whoami",
            .category = "Util",
            .handler = [](const Request& r) -> util::Result<Json, RpcError> {
                Json out = Json::MakeObject();
                out.Set("wallet", r.wallet_name() ? Json(*r.wallet_name()) : Json());
                out.Set("user", r.auth_user());
                return out;
            }}));
        ASSERT_TRUE(table.Register(Method{
            .name = "throws",
            .category = "Util",
            .handler = [](const Request&) -> util::Result<Json, RpcError> { throw std::runtime_error("boom"); }}));
    }

    HttpResponse Post(std::string_view body, std::string_view target = "/") {
        const std::string header = BasicAuthorizationValue("user:pass");
        return server.HandleRequest(HttpRequest{"POST", target, header, body});
    }

    // Posts and checks the status and (when given) the exact body, newline included.
    Json Expect(std::string_view body, int status, std::optional<std::string_view> reply = std::nullopt) {
        const HttpResponse r = Post(body);
        EXPECT_EQ(r.status, status) << body << " -> " << r.body;
        if (reply) {
            EXPECT_EQ(r.body, std::string(*reply) + "\n") << body;
        }
        if (status == 204) {
            EXPECT_TRUE(r.body.empty());
            return Json();
        }
        const std::string* type = FindHeader(r, "Content-Type");
        EXPECT_TRUE(type && *type == "application/json") << body;
        return ParseOrDie(r.body);
    }

    std::atomic<int> height{0};
    MethodTable table;
    Authenticator auth;
    JsonRpcServer server{table, auth};
};

TEST_F(ServerTest, LegacySuccessHasResultErrorAndId) {
    Expect(R"({"method":"getblockcount","id":1})", 200, R"({"result":0,"error":null,"id":1})");
    Expect(R"({"method":"getblockhash","params":[0],"id":"x"})", 200,
           std::string(R"({"result":")") + GENESIS_HASH + R"(","error":null,"id":"x"})");
    // No id in the request: none in the reply (still a legacy reply, not a notification).
    Expect(R"({"method":"getblockcount"})", 200, R"({"result":0,"error":null})");
    // bitcoin-cli and python-bitcoinlib shapes; "jsonrpc":"1.0" is legacy too.
    Expect(R"({"version":"1.1","method":"getblockcount","params":[],"id":1})", 200, R"({"result":0,"error":null,"id":1})");
    Expect(R"({"jsonrpc":"1.0","id":"curltest","method":"getblockcount","params":[]})", 200,
           R"({"result":0,"error":null,"id":"curltest"})");
    Expect(R"({"jsonrpc":null,"method":"getblockcount","id":null})", 200, R"({"result":0,"error":null,"id":null})");
    // Any id is echoed as given.
    Expect(R"({"method":"getblockcount","id":{"a":[1.50]}})", 200, R"({"result":0,"error":null,"id":{"a":[1.50]}})");
    // Named params.
    Expect(R"({"method":"getblockhash","params":{"height":0},"id":1})", 200,
           std::string(R"({"result":")") + GENESIS_HASH + R"(","error":null,"id":1})");
}

TEST_F(ServerTest, LegacyErrorsAreHttpErrors) {
    Expect(R"({"method":"invalidmethod","id":1})", 404,
           R"({"result":null,"error":{"code":-32601,"message":"Method not found"},"id":1})");
    Expect(R"({"method":"getblockhash","params":[42],"id":1})", 500,
           R"({"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":1})");
    Expect(R"({"method":"getblockhash","params":["0"],"id":1})", 500);
    Expect(R"({"method":"getblockhash","params":{"heigth":0},"id":1})", 500,
           R"({"result":null,"error":{"code":-8,"message":"Unknown named parameter heigth"},"id":1})");
    Expect(R"({"method":"throws","id":2})", 500, R"({"result":null,"error":{"code":-1,"message":"boom"},"id":2})");
    const Json wrong_count = Expect(R"({"method":"getblockhash","id":3})", 500);
    EXPECT_EQ(wrong_count.Find("error")->Find("code")->GetInt64(), -1);
}

TEST_F(ServerTest, EnvelopeErrorsAreBadRequest) {
    Expect(R"({"id":5})", 400, R"({"result":null,"error":{"code":-32600,"message":"Missing method"},"id":5})");
    Expect(R"({"method":null,"id":5})", 400, R"({"result":null,"error":{"code":-32600,"message":"Missing method"},"id":5})");
    Expect(R"({"method":7,"id":5})", 400,
           R"({"result":null,"error":{"code":-32600,"message":"Method must be a string"},"id":5})");
    Expect(R"({"method":"getblockcount","params":5,"id":5})", 400,
           R"({"result":null,"error":{"code":-32600,"message":"Params must be an array or object"},"id":5})");
    // Core's interface_rpc.py: the version field itself refused (no id given, none echoed).
    Expect(R"({"jsonrpc":2,"method":"getblockcount"})", 400,
           R"({"result":null,"error":{"code":-32600,"message":"jsonrpc field must be a string"}})");
    Expect(R"({"jsonrpc":"3.0","method":"getblockcount"})", 400,
           R"({"result":null,"error":{"code":-32600,"message":"JSON-RPC version not supported"}})");
    Expect(R"({"jsonrpc":"1.1","method":"getblockcount","id":1})", 400,
           R"({"result":null,"error":{"code":-32600,"message":"JSON-RPC version not supported"},"id":1})");
    // Once the version is known to be 2.0 the error reply is shaped as 2.0, still HTTP 400.
    Expect(R"({"jsonrpc":"2.0","id":9})", 400,
           R"({"jsonrpc":"2.0","error":{"code":-32600,"message":"Missing method"},"id":9})");
}

TEST_F(ServerTest, Version2RepliesAreStrictAndAlways200) {
    Expect(R"({"jsonrpc":"2.0","method":"getblockcount","id":1})", 200, R"({"jsonrpc":"2.0","result":0,"id":1})");
    Expect(R"({"jsonrpc":"2.0","method":"invalidmethod","id":1})", 200,
           R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1})");
    Expect(R"({"jsonrpc":"2.0","method":"getblockhash","params":[42],"id":1})", 200,
           R"({"jsonrpc":"2.0","error":{"code":-8,"message":"Block height out of range"},"id":1})");
    Expect(R"({"jsonrpc":"2.0","method":"throws","id":1})", 200,
           R"({"jsonrpc":"2.0","error":{"code":-1,"message":"boom"},"id":1})");
    // "id":null is an id: not a notification.
    Expect(R"({"jsonrpc":"2.0","id":null,"method":"getblockcount"})", 200, R"({"jsonrpc":"2.0","result":0,"id":null})");
}

TEST_F(ServerTest, Version2NotificationsRunButAreNotAnswered) {
    Expect(R"({"jsonrpc":"2.0","method":"generate","params":[1]})", 204);
    EXPECT_EQ(height.load(), 1);  // it ran
    // No error reply for a failing notification either; and it did not run.
    Expect(R"({"jsonrpc":"2.0","method":"generate","params":[2]})", 204);
    Expect(R"({"jsonrpc":"2.0","method":"invalidmethod"})", 204);
    EXPECT_EQ(height.load(), 1);
    const HttpResponse r = Post(R"({"jsonrpc":"2.0","method":"getblockcount"})");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(FindHeader(r, "Content-Type"), nullptr);
}

TEST_F(ServerTest, MalformedJsonIsParseError) {
    const std::string_view parse_error = R"({"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null})";
    for (std::string_view body : {std::string_view(""), std::string_view("this is bad"), std::string_view("[1,"),
                                  std::string_view(R"({"method":"getblockcount",})"), std::string_view("{} {}"),
                                  std::string_view("\xff"), std::string_view("[[[[[[[[")}) {
        Expect(body, 500, parse_error);
    }
    // Nesting past the JSON depth limit is a parse error, not a crash.
    Expect(std::string(100'000, '['), 500, parse_error);
    for (std::string_view body : {"5", R"("getblockcount")", "null", "true"}) {
        Expect(body, 500,
               R"({"result":null,"error":{"code":-32700,"message":"Top-level object parse error"},"id":null})");
    }
}

// Core's interface_rpc.py test_batch_request, every variant it runs.
struct BatchOptions {
    std::optional<int> version{};
    bool notification = false;
    std::optional<Json> request_fields{};
    std::optional<Json> response_fields{};
};

void Update(Json& target, const Json& fields) {
    for (const auto& [k, v] : fields.GetObject()) target.Set(k, v);
}

TEST_F(ServerTest, BatchesAnswerEachElementLikeCore) {
    const Json calls[] = {ParseOrDie(R"({"method":"getblockcount"})"), ParseOrDie(R"({"method":"invalidmethod"})"),
                          ParseOrDie(R"({"method":"getblockhash","params":[0]})"), ParseOrDie(R"({"pizza":"sausage"})")};
    const Json results[] = {ParseOrDie(R"({"result":0})"),
                            ParseOrDie(R"({"error":{"code":-32601,"message":"Method not found"}})"),
                            ParseOrDie(std::string(R"({"result":")") + GENESIS_HASH + "\"}"),
                            ParseOrDie(R"({"error":{"code":-32600,"message":"Missing method"}})")};
    const Json unsupported = ParseOrDie(
        R"({"result":null,"error":{"code":-32600,"message":"JSON-RPC version not supported"}})");

    using Chooser = std::function<std::optional<BatchOptions>(int)>;
    const std::pair<const char*, Chooser> variants[] = {
        {"empty batch", [](int) { return std::nullopt; }},
        {"2.0", [](int) { return BatchOptions{2}; }},
        {"2.0 with notifications", [](int idx) { return BatchOptions{2, idx < 2}; }},
        {"2.0 all notifications", [](int) { return BatchOptions{2, true}; }},
        {"1.1", [](int) { return BatchOptions{1}; }},
        {"mixed 1.1/2.0", [](int idx) { return BatchOptions{idx % 2 ? 2 : 1}; }},
        {"no versions", [](int) { return BatchOptions{}; }},
        {"no versions or ids", [](int) { return BatchOptions{std::nullopt, true}; }},
        {"jsonrpc 1.0", [](int) { return BatchOptions{std::nullopt, false, ParseOrDie(R"({"jsonrpc":"1.0"})")}; }},
        {"jsonrpc 2.1", [&](int) {
             return BatchOptions{std::nullopt, false, ParseOrDie(R"({"jsonrpc":"2.1"})"), unsupported};
         }},
    };
    size_t checked = 0;
    for (const auto& [name, choose] : variants) {
        Json request = Json::MakeArray();
        Json expected = Json::MakeArray();
        for (int idx = 1; idx <= 4; ++idx) {
            const auto options = choose(idx);
            if (!options) continue;
            Json req = Json::MakeObject();
            if (options->version == 1) req.Set("version", "1.1");
            if (options->version == 2) req.Set("jsonrpc", "2.0");
            if (!options->notification) req.Set("id", idx);
            Update(req, calls[idx - 1]);
            if (options->request_fields) Update(req, *options->request_fields);
            request.PushBack(req);
            if (options->version == 2 && options->notification) continue;
            Json resp = Json::MakeObject();
            if (!options->notification) resp.Set("id", idx);
            if (options->version == 2) {
                resp.Set("jsonrpc", "2.0");
            } else {
                resp.Set("result", nullptr);
                resp.Set("error", nullptr);
            }
            Update(resp, results[idx - 1]);
            if (options->response_fields) Update(resp, *options->response_fields);
            expected.PushBack(resp);
        }
        const HttpResponse r = Post(request.Dump());
        if (expected.size() == 0 && request.size() > 0) {
            EXPECT_EQ(r.status, 204) << name;
            EXPECT_TRUE(r.body.empty()) << name;
        } else {
            EXPECT_EQ(r.status, 200) << name;
            EXPECT_TRUE(SameJson(ParseOrDie(r.body), expected)) << name << "\n got " << r.body << "\nwant "
                                                                << expected.Dump();
        }
        ++checked;
    }
    std::cout << "[cases] interface_rpc.py batch variants: " << checked << " passed\n";
    EXPECT_EQ(checked, 10u);
}

TEST_F(ServerTest, BatchEdgeCases) {
    Expect("[]", 200, "[]");
    // Exact shapes: legacy with both members, 2.0 strict, order kept.
    Expect(R"([{"method":"getblockcount","id":1},{"jsonrpc":"2.0","method":"getblockcount","id":2}])", 200,
           R"([{"result":0,"error":null,"id":1},{"jsonrpc":"2.0","result":0,"id":2}])");
    // An element that is not an object gets an "Invalid Request object" entry with "id":null.
    Expect(R"([1,{"method":"getblockcount","id":7},"x"])", 200,
           R"([{"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":null},)"
           R"({"result":0,"error":null,"id":7},)"
           R"({"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":null}])");
    // Notifications inside a batch still run.
    Expect(R"([{"jsonrpc":"2.0","method":"generate","params":[1]},{"jsonrpc":"2.0","method":"getblockcount","id":1}])",
           200, R"([{"jsonrpc":"2.0","result":1,"id":1}])");
    // A 2.0 element without an id whose envelope is bad is a notification too (as Core).
    Expect(R"([{"jsonrpc":"2.0"}])", 204);
    // Errors in a legacy batch element do not make an HTTP error.
    Expect(R"([{"method":"throws","id":1}])", 200, R"([{"result":null,"error":{"code":-1,"message":"boom"},"id":1}])");
    // Nested batches are not requests.
    Expect(R"([[{"method":"getblockcount","id":1}]])", 200,
           R"([{"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":null}])");
}

TEST_F(ServerTest, OnlyPostIsServed) {
    const std::string header = BasicAuthorizationValue("user:pass");
    for (std::string_view method : {"GET", "PUT", "HEAD", "post", "DELETE"}) {
        const HttpResponse r = server.HandleRequest(HttpRequest{method, "/", header, R"({"method":"getblockcount"})"});
        EXPECT_EQ(r.status, 405) << method;
        EXPECT_EQ(r.body, "JSONRPC server handles only POST requests");
    }
}

TEST_F(ServerTest, UnknownPathsAreNotFound) {
    for (std::string_view target : {"", "/rest/chaininfo.json", "/wallet", "//", "/?x=1", "wallet/w"}) {
        const HttpResponse r = Post(R"({"method":"getblockcount","id":1})", target);
        EXPECT_EQ(r.status, 404) << target;
        EXPECT_TRUE(r.body.empty());
    }
}

TEST_F(ServerTest, WalletEndpointPassesTheDecodedName) {
    HttpResponse r = Post(R"({"method":"whoami","id":1})", "/wallet/my%20wallet%2Fx");
    EXPECT_EQ(r.body, R"({"result":{"wallet":"my wallet/x","user":"user"},"error":null,"id":1})" "\n");
    r = Post(R"({"method":"whoami","id":1})", "/wallet/");
    EXPECT_EQ(r.body, R"({"result":{"wallet":"","user":"user"},"error":null,"id":1})" "\n");
    r = Post(R"({"method":"whoami","id":1})", "/");
    EXPECT_EQ(r.body, R"({"result":{"wallet":null,"user":"user"},"error":null,"id":1})" "\n");

    MethodTable plain;
    JsonRpcServer no_wallets(plain, auth, ServerOptions{.wallet_endpoint = false});
    r = no_wallets.HandleRequest(HttpRequest{"POST", "/wallet/w", BasicAuthorizationValue("user:pass"), "{}"});
    EXPECT_EQ(r.status, 404);
}

TEST(UrlDecode, DecodesPercentEscapesOnly) {
    EXPECT_EQ(UrlDecode("a%20b"), "a b");
    EXPECT_EQ(UrlDecode("%41%62%2f"), "Ab/");
    EXPECT_EQ(UrlDecode("a+b"), "a+b");
    EXPECT_EQ(UrlDecode("%zz%4"), "%zz%4");
    EXPECT_EQ(UrlDecode("%"), "%");
    EXPECT_EQ(UrlDecode("%%41"), "%A");
    EXPECT_EQ(UrlDecode("%00"), std::string(1, '\0'));
    EXPECT_EQ(ParseRpcTarget("/", true), std::optional<std::optional<std::string>>(std::optional<std::string>()));
    EXPECT_EQ(ParseRpcTarget("/x", true), std::nullopt);
}

TEST_F(ServerTest, OversizeBodyIsRefusedBeforeParsing) {
    JsonRpcServer small(table, auth, ServerOptions{.max_body_size = 64});
    const std::string header = BasicAuthorizationValue("user:pass");
    std::string body = R"({"method":"getblockcount","id":1})";
    body.append(64 - body.size(), ' ');  // exactly at the limit: served
    EXPECT_EQ(small.HandleRequest(HttpRequest{"POST", "/", header, body}).status, 200);
    body += ' ';
    const HttpResponse r = small.HandleRequest(HttpRequest{"POST", "/", header, body});
    EXPECT_EQ(r.status, 413);
    EXPECT_TRUE(r.body.empty());
    // Refused before authentication is even looked at.
    EXPECT_EQ(small.HandleRequest(HttpRequest{"POST", "/", std::nullopt, body}).status, 413);
    EXPECT_EQ(ServerOptions{}.max_body_size, MAX_RPC_BODY_SIZE);
    EXPECT_EQ(MAX_RPC_BODY_SIZE, size_t{32} * 1024 * 1024);
}

TEST_F(ServerTest, AuthenticationIsRequired) {
    const std::string_view body = R"({"method":"getblockcount","id":1})";
    auto check_refused = [&](std::optional<std::string_view> header, std::chrono::milliseconds delay) {
        const HttpResponse r = server.HandleRequest(HttpRequest{"POST", "/", header, body});
        EXPECT_EQ(r.status, 401) << (header ? *header : "(none)");
        EXPECT_TRUE(r.body.empty());
        const std::string* www = FindHeader(r, "WWW-Authenticate");
        ASSERT_NE(www, nullptr);
        EXPECT_EQ(*www, "Basic realm=\"jsonrpc\"");
        EXPECT_EQ(r.delay, delay);
    };
    check_refused(std::nullopt, std::chrono::milliseconds{0});  // Core does not delay a missing header
    const std::string wrong = BasicAuthorizationValue("user:wrong");
    check_refused(wrong, AUTH_FAILURE_DELAY);
    check_refused("Basic !!!!", AUTH_FAILURE_DELAY);  // malformed base64
    check_refused("Bearer dXNlcjpwYXNz", AUTH_FAILURE_DELAY);
    check_refused("", AUTH_FAILURE_DELAY);
    EXPECT_EQ(AUTH_FAILURE_DELAY, std::chrono::milliseconds{250});

    const std::string good = BasicAuthorizationValue("user:pass");
    const HttpResponse ok = server.HandleRequest(HttpRequest{"POST", "/", good, body});
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.delay, std::chrono::milliseconds{0});
}

TEST_F(ServerTest, WarmupFailsEveryCall) {
    JsonRpcServer warming(table, auth, ServerOptions{.warmup_status = [] {
                              return std::optional<std::string>("Loading block index...");
                          }});
    const std::string header = BasicAuthorizationValue("user:pass");
    HttpResponse r = warming.HandleRequest(HttpRequest{"POST", "/", header, R"({"method":"getblockcount","id":1})"});
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, R"({"result":null,"error":{"code":-28,"message":"Loading block index..."},"id":1})" "\n");
    r = warming.HandleRequest(HttpRequest{"POST", "/", header, R"({"jsonrpc":"2.0","method":"help","id":1})"});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"jsonrpc":"2.0","error":{"code":-28,"message":"Loading block index..."},"id":1})" "\n");

    JsonRpcServer ready(table, auth, ServerOptions{.warmup_status = [] { return std::optional<std::string>(); }});
    r = ready.HandleRequest(HttpRequest{"POST", "/", header, R"({"method":"getblockcount","id":1})"});
    EXPECT_EQ(r.status, 200);
}

TEST_F(ServerTest, HelpWorksOverHttp) {
    const Json reply = Expect(R"({"method":"help","params":["getblockhash"],"id":1})", 200);
    EXPECT_EQ(reply.Find("result")->GetString(), MethodHelp(*table.Find("getblockhash")));
    const Json list = Expect(R"({"method":"help","id":1})", 200);
    EXPECT_EQ(list.Find("result")->GetString(), table.Help(""));
    EXPECT_NE(list.Find("result")->GetString().find("== Mining ==\ngenerate nblocks"), std::string::npos);
}

}  // namespace
}  // namespace tonari::bitcoin::rpc
