// JSON-RPC over HTTP: envelope parsing, legacy and 2.0 reply shapes, batches, HTTP statuses.
#include "bitcoin/rpc/server.h"

#include <exception>

namespace tonari::bitcoin::rpc {
namespace {

enum class Version { V1_LEGACY, V2 };

// What is known about a request before (and while) reading it; errors found part-way keep
// what was learnt, as Core's JSONRPCRequest::parse fills its fields in order.
struct Envelope {
    std::optional<util::Json> id = util::Json();  // a reply to an unreadable request says "id":null
    Version version = Version::V1_LEGACY;

    bool IsNotification() const { return version == Version::V2 && !id; }
};

struct Call {
    std::string method;
    util::Json params;
};

util::Result<Call, RpcError> ReadCall(const util::Json& request, Envelope& env) {
    if (!request.IsObject()) return util::Fail(RpcError{RpcErrorCode::INVALID_REQUEST, "Invalid Request object"});

    // The id first, so every later error is answered with it.
    const util::Json* id = request.Find("id");
    env.id = id ? std::optional<util::Json>(*id) : std::nullopt;

    env.version = Version::V1_LEGACY;
    if (const util::Json* version = request.Find("jsonrpc"); version && !version->IsNull()) {
        if (!version->IsString()) {
            return util::Fail(RpcError{RpcErrorCode::INVALID_REQUEST, "jsonrpc field must be a string"});
        }
        // Old documentation showed {"jsonrpc":"1.0"}, so that is accepted as legacy.
        if (version->GetString() == "2.0") {
            env.version = Version::V2;
        } else if (version->GetString() != "1.0") {
            return util::Fail(RpcError{RpcErrorCode::INVALID_REQUEST, "JSON-RPC version not supported"});
        }
    }

    const util::Json* method = request.Find("method");
    if (!method || method->IsNull()) return util::Fail(RpcError{RpcErrorCode::INVALID_REQUEST, "Missing method"});
    if (!method->IsString()) return util::Fail(RpcError{RpcErrorCode::INVALID_REQUEST, "Method must be a string"});

    Call call;
    call.method = method->GetString();
    const util::Json* params = request.Find("params");
    if (!params || params->IsNull()) {
        call.params = util::Json::MakeArray();
    } else if (params->IsArray() || params->IsObject()) {
        call.params = *params;
    } else {
        return util::Fail(RpcError{RpcErrorCode::INVALID_REQUEST, "Params must be an array or object"});
    }
    return call;
}

util::Json ErrorObject(const RpcError& error) {
    util::Json obj = util::Json::MakeObject();
    obj.Set("code", error.Number());
    obj.Set("message", error.message);
    return obj;
}

// Core's JSONRPCReplyObj: "jsonrpc" only in 2.0; both "result" and "error" in legacy replies,
// only the meaningful one in 2.0; "id" only when the request had one.
util::Json Reply(const Envelope& env, const util::Result<util::Json, RpcError>& outcome) {
    util::Json reply = util::Json::MakeObject();
    const bool legacy = env.version == Version::V1_LEGACY;
    if (!legacy) reply.Set("jsonrpc", "2.0");
    if (outcome) {
        reply.Set("result", *outcome);
        if (legacy) reply.Set("error", nullptr);
    } else {
        if (legacy) reply.Set("result", nullptr);
        reply.Set("error", ErrorObject(outcome.error()));
    }
    if (env.id) reply.Set("id", *env.id);
    return reply;
}

HttpResponse JsonResponse(int status, const util::Json& body) {
    HttpResponse response;
    response.status = status;
    response.body = body.Dump() + "\n";
    response.headers.emplace_back("Content-Type", "application/json");
    return response;
}

HttpResponse NoContent() {
    HttpResponse response;
    response.status = 204;
    return response;
}

// An error that is also an HTTP error (legacy requests, unreadable envelopes): Core's
// JSONErrorReply.
HttpResponse ErrorResponse(const Envelope& env, const RpcError& error) {
    int status = 500;
    if (error.code == RpcErrorCode::INVALID_REQUEST) status = 400;
    if (error.code == RpcErrorCode::METHOD_NOT_FOUND) status = 404;
    return JsonResponse(status, Reply(env, util::Fail(error)));
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string UrlDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
            out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::optional<std::optional<std::string>> ParseRpcTarget(std::string_view target, bool wallet_endpoint) {
    if (target == "/") return std::optional<std::string>();
    if (wallet_endpoint && target.starts_with(WALLET_ENDPOINT_PREFIX)) {
        return std::optional<std::string>(UrlDecode(target.substr(WALLET_ENDPOINT_PREFIX.size())));
    }
    return std::nullopt;
}

JsonRpcServer::JsonRpcServer(const MethodTable& table, const netcore::Authenticator& auth, ServerOptions options)
    : m_table(table), m_auth(auth), m_options(std::move(options)) {}

HttpResponse JsonRpcServer::HandleRequest(const HttpRequest& request) const {
    HttpResponse response;
    if (request.body.size() > m_options.max_body_size) {
        response.status = 413;
        return response;
    }
    const auto wallet = ParseRpcTarget(request.target, m_options.wallet_endpoint);
    if (!wallet) {
        response.status = 404;
        return response;
    }
    if (request.method != "POST") {
        response.status = 405;
        response.body = "JSONRPC server handles only POST requests";
        return response;
    }
    auto user = m_auth.Check(request.authorization);
    if (!user) {
        response.status = 401;
        response.headers.emplace_back("WWW-Authenticate", std::string(netcore::WWW_AUTHENTICATE_VALUE));
        if (user.error() != netcore::AuthFailure::MISSING_HEADER) response.delay = netcore::AUTH_FAILURE_DELAY;
        return response;
    }
    CallContext context;
    context.wallet_name = *wallet;
    context.auth_user = std::move(*user);
    return HandleBody(request.body, context);
}

HttpResponse JsonRpcServer::HandleBody(std::string_view body, const CallContext& context) const {
    try {
        const auto document = util::ParseJson(body);
        if (!document) return ErrorResponse(Envelope{}, RpcError{RpcErrorCode::PARSE_ERROR, "Parse error"});
        return HandleParsed(*document, context);
    } catch (const std::exception& e) {
        // Only allocation failure can get here (handlers are contained by MethodTable).
        return ErrorResponse(Envelope{}, RpcError{RpcErrorCode::INTERNAL_ERROR, e.what()});
    }
}

util::Result<util::Json, RpcError> JsonRpcServer::Run(std::string_view method, const util::Json& params,
                                                      const CallContext& context) const {
    if (m_options.warmup_status) {
        try {
            if (auto status = m_options.warmup_status()) {
                return util::Fail(RpcError{RpcErrorCode::IN_WARMUP, std::move(*status)});
            }
        } catch (const std::exception& e) {
            return util::Fail(RpcError{RpcErrorCode::INTERNAL_ERROR, e.what()});
        }
    }
    return m_table.Execute(method, params, context);
}

HttpResponse JsonRpcServer::HandleParsed(const util::Json& document, const CallContext& context) const {
    if (document.IsObject()) {
        Envelope env;
        const auto call = ReadCall(document, env);
        if (!call) return ErrorResponse(env, call.error());
        const auto outcome = Run(call->method, call->params, context);
        if (env.version == Version::V2) {
            // 2.0: the error travels in the body only; a notification is run but not answered.
            if (env.IsNotification()) return NoContent();
            return JsonResponse(200, Reply(env, outcome));
        }
        if (!outcome) return ErrorResponse(env, outcome.error());
        return JsonResponse(200, Reply(env, outcome));
    }

    if (document.IsArray()) {
        util::Json replies = util::Json::MakeArray();
        for (const util::Json& element : document.GetArray()) {
            // A fresh envelope per element: Core reuses one, so an element that is not an
            // object is answered with the previous element's id; we answer "id":null.
            Envelope env;
            const auto call = ReadCall(element, env);
            const auto outcome = call ? Run(call->method, call->params, context)
                                      : util::Result<util::Json, RpcError>(util::Fail(call.error()));
            if (env.IsNotification()) continue;
            replies.PushBack(Reply(env, outcome));
        }
        if (replies.size() == 0 && document.size() > 0) return NoContent();
        return JsonResponse(200, replies);
    }

    return ErrorResponse(Envelope{}, RpcError{RpcErrorCode::PARSE_ERROR, "Top-level object parse error"});
}

}  // namespace tonari::bitcoin::rpc
