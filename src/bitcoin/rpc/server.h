// JsonRpcServer: one HTTP request in, one HTTP response out, with Bitcoin Core's JSON-RPC
// behaviour (src/httprpc.cpp, src/rpc/request.cpp, Core 28+). Transport-free: the HTTP server
// (netcore) reads the request, calls HandleRequest and writes what comes back, after waiting
// HttpResponse::delay.
//
// In order:
//   body larger than max_body_size          -> 413, empty body
//   target not "/" nor "/wallet/<name>"      -> 404, empty body
//   method not POST                          -> 405 "JSONRPC server handles only POST requests"
//   authentication fails                     -> 401 + WWW-Authenticate (+ delay, see auth.h)
//   body not JSON                            -> 500 {"result":null,"error":{-32700 "Parse error"},"id":null}
//   body neither object nor array            -> 500, -32700 "Top-level object parse error"
// A single request object:
//   legacy (no "jsonrpc", or "1.0"): success 200 {"result":..,"error":null,"id":..};
//     an error keeps both members ("result":null) with HTTP 400 for -32600, 404 for -32601,
//     500 otherwise. "id" is echoed only when the request had one.
//   "jsonrpc":"2.0": HTTP 200 whether or not the call failed, the reply has "jsonrpc":"2.0"
//     and only one of "result"/"error"; a request without "id" is a notification: it runs,
//     and the answer is 204 with no body. Envelope errors found while reading the request
//     (bad "jsonrpc", missing or non-string "method", bad "params") are still HTTP errors.
// A batch (array): one reply per element in order, each with its own id and version, all
//   in an HTTP 200; 2.0 notifications get no entry; a non-empty batch of only notifications
//   is answered 204; an empty batch is answered [] (as Core, not the 2.0 spec's error).
//
// Thread-safety: HandleRequest is const and may run on many threads at once if the method
// handlers and the warmup callback are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitcoin/rpc/method_table.h"
#include "netcore/http_auth.h"

namespace tonari::bitcoin::rpc {

// Core's MAX_SIZE (32 MiB), which libevent enforces on RPC bodies. It has to admit
// submitblock with a 4 MB block as hex (8 MB) and large batches; the limit defends against
// memory exhaustion: a client streaming an endless body, or one whose parsed JSON tree
// (several times the size of its text) would fill memory. The transport must stop reading at
// this size; the check here is the backstop.
inline constexpr size_t MAX_RPC_BODY_SIZE = 0x02000000;

inline constexpr std::string_view WALLET_ENDPOINT_PREFIX = "/wallet/";

struct HttpRequest {
    std::string_view method;                        // "POST"
    std::string_view target;                        // "/" or "/wallet/<url-encoded name>"
    std::optional<std::string_view> authorization;  // header value; nullopt when absent
    std::string_view body;
};

struct HttpResponse {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // How long the transport waits before sending this (failed authentication).
    std::chrono::milliseconds delay{0};
};

struct ServerOptions {
    size_t max_body_size = MAX_RPC_BODY_SIZE;
    bool wallet_endpoint = true;  // serve /wallet/<name> (Core does when built with a wallet)
    // While this returns a message, every call fails with IN_WARMUP (-28) and that message
    // ("Loading block index...", as Core during start-up). Unset: never warming up.
    std::function<std::optional<std::string>()> warmup_status{};
};

// The wallet a target addresses: nullopt inside for "/", the percent-decoded name (maybe
// empty) for "/wallet/<name>"; outer nullopt when the target is not an RPC endpoint.
std::optional<std::optional<std::string>> ParseRpcTarget(std::string_view target, bool wallet_endpoint);

// %XX sequences decoded; anything else (including a malformed %) kept as it is, as Core's
// UrlDecode. '+' is not a space.
std::string UrlDecode(std::string_view text);

class JsonRpcServer {
public:
    // `table` and `auth` must outlive the server and not change while it serves.
    JsonRpcServer(const MethodTable& table, const netcore::Authenticator& auth, ServerOptions options = {});

    HttpResponse HandleRequest(const HttpRequest& request) const;

    // The part after transport checks and authentication: a JSON-RPC body for an already
    // authenticated caller. Never throws.
    HttpResponse HandleBody(std::string_view body, const CallContext& context) const;

private:
    util::Result<util::Json, RpcError> Run(std::string_view method, const util::Json& params,
                                           const CallContext& context) const;
    HttpResponse HandleParsed(const util::Json& document, const CallContext& context) const;

    const MethodTable& m_table;
    const netcore::Authenticator& m_auth;
    ServerOptions m_options;
};

}  // namespace tonari::bitcoin::rpc
