// libFuzzer target: arbitrary HTTP bodies (and Authorization headers) through JsonRpcServer
// with a tiny method table must never crash, and every answer must be well-formed:
//   - 204 has an empty body, and so has 401 (which carries WWW-Authenticate);
//   - every other answer is a JSON document followed by "\n" that re-parses, whose replies
//     (one, or one per batch element) each carry exactly the members Core's shapes allow;
//   - the same body posted over "HTTP" with valid credentials gets the same answer;
//   - an amount accepted by AmountFromValue prints and re-reads to the same satoshis.
//
// Input: the whole input is the request body (so plain JSON-RPC documents are seeds, see
// fuzz/corpus/server_fuzz/). It is also posted once more with its first line as the
// Authorization header value and the rest as the body, to exercise the header parsing.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bitcoin/rpc/amount.h"
#include "bitcoin/rpc/server.h"

using namespace tonari::bitcoin::rpc;
using tonari::netcore::Authenticator;
using tonari::netcore::BasicAuthorizationValue;
using tonari::util::Json;

namespace {

tonari::util::Result<Json, RpcError> AmountRoundTrip(const Request& r) {
    auto sats = AmountFromValue(r[0]);
    if (!sats) return tonari::util::Fail(sats.error());
    const Json printed = ValueFromAmount(*sats);
    const auto reparsed = tonari::util::ParseJson(printed.Dump());
    if (!reparsed) std::abort();
    const auto again = AmountFromValue(*reparsed);
    if (!again || *again != *sats) std::abort();
    return printed;
}

bool RegisterMethods(MethodTable& t) {
    auto ok = t.Register(Method{
        .name = "echo",
        .category = "Util",
        .params = {ParamSpec{.name = "a", .type = ParamType::ANY, .required = false},
                   ParamSpec{.name = "b", .type = ParamType::ANY, .required = false}},
        .handler = [](const Request& r) -> tonari::util::Result<Json, RpcError> {
            Json out = Json::MakeArray();
            for (const Json& v : r.params()) out.PushBack(v);
            return out;
        }});
    if (!ok) return false;
    ok = t.Register(Method{
        .name = "getblockhash",
        .category = "Blockchain",
        .params = {ParamSpec{.name = "height", .type = ParamType::NUMBER},
                   ParamSpec{.name = "verbose", .type = ParamType::BOOL, .default_value = Json(false)}},
        .handler = [](const Request& r) -> tonari::util::Result<Json, RpcError> {
            if (r.Arg("height").GetInt64() != 0) {
                return tonari::util::Fail(RpcError{RpcErrorCode::INVALID_PARAMETER, "Block height out of range"});
            }
            return Json(r.Arg("verbose").GetBool());
        }});
    if (!ok) return false;
    ok = t.Register(Method{.name = "amount",
                           .category = "Util",
                           .params = {ParamSpec{.name = "value", .type = ParamType::AMOUNT}},
                           .handler = AmountRoundTrip});
    if (!ok) return false;
    ok = t.Register(Method{.name = "throws",
                           .category = "Util",
                           .handler = [](const Request&) -> tonari::util::Result<Json, RpcError> {
                               throw std::runtime_error("boom \x01\"");
                           }});
    return static_cast<bool>(ok);
}

// Built once and kept for the process, as libFuzzer calls the target many times.
const MethodTable& Table() {
    static MethodTable table;
    static const bool registered = RegisterMethods(table);
    if (!registered) std::abort();
    return table;
}

const Authenticator& Auth() {
    static const Authenticator auth = [] {
        Authenticator a;
        a.AddPassword("u", "p");
        return a;
    }();
    return auth;
}

// One reply object: "jsonrpc" only as "2.0"; legacy replies have result and error, 2.0
// replies exactly one of them; an error is {code: integer, message: string}.
void CheckReply(const Json& reply) {
    if (!reply.IsObject()) std::abort();
    const Json* version = reply.Find("jsonrpc");
    const Json* result = reply.Find("result");
    const Json* error = reply.Find("error");
    if (version && !(version->IsString() && version->GetString() == "2.0")) std::abort();
    if (version) {
        if ((result != nullptr) == (error != nullptr)) std::abort();
    } else if (!result || !error) {
        std::abort();
    }
    if (error && !error->IsNull()) {
        const Json* code = error->Find("code");
        const Json* message = error->Find("message");
        if (!code || !code->GetInt64().has_value() || !message || !message->IsString()) std::abort();
        if (result && !result->IsNull()) std::abort();
    }
    for (const auto& [key, value] : reply.GetObject()) {
        if (key != "jsonrpc" && key != "result" && key != "error" && key != "id") std::abort();
    }
}

}  // namespace

namespace {

void CheckResponse(const HttpResponse& response) {
    switch (response.status) {
        case 204:
            if (!response.body.empty()) std::abort();
            return;
        case 200:
        case 400:
        case 404:
        case 500: break;
        default: std::abort();
    }
    if (response.body.empty() || response.body.back() != '\n') std::abort();
    const auto document = tonari::util::ParseJson(std::string_view(response.body).substr(0, response.body.size() - 1));
    if (!document) std::abort();
    if (document->IsArray()) {
        if (response.status != 200) std::abort();
        for (const Json& reply : document->GetArray()) CheckReply(reply);
    } else {
        CheckReply(*document);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const JsonRpcServer server(Table(), Auth());
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    const CallContext context{std::nullopt, "u"};
    const HttpResponse direct = server.HandleBody(input, context);
    CheckResponse(direct);

    static const std::string good_header = BasicAuthorizationValue("u:p");
    const HttpResponse posted = server.HandleRequest(HttpRequest{"POST", "/", good_header, input});
    if (posted.status != direct.status || posted.body != direct.body) std::abort();

    const size_t newline = input.find('\n');
    const std::string_view header = input.substr(0, newline);
    const std::string_view body = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
    const HttpResponse other = server.HandleRequest(HttpRequest{"POST", "/wallet/w%20", header, body});
    if (other.status == 401) {
        if (!other.body.empty() || other.headers.empty()) std::abort();
    } else {
        CheckResponse(other);
    }
    return 0;
}
