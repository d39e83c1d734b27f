// `tonari cli`: argument conversion, a small blocking HTTP client, output in bitcoin-cli's form.
#include "app/cli_command.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include "app/node_args.h"
#include "netcore/http_auth.h"

namespace tonari::app {
namespace {

// An RPC answer larger than this is refused: a misbehaving server cannot make the client
// allocate without bound.
constexpr size_t MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

// bitcoin-cli's conversion table (src/rpc/client.cpp) for the methods Tonari serves:
// (method, position, name) of the parameters sent as JSON rather than as strings.
struct ConvertParam {
    const char* method;
    int position;
    const char* name;
};
constexpr ConvertParam CONVERT[] = {
    {"generatetoaddress", 0, "nblocks"}, {"generatetoaddress", 2, "maxtries"},
    {"generateblock", 1, "transactions"}, {"generateblock", 2, "submit"},
    {"getblockhash", 0, "height"},       {"getblockheader", 1, "verbose"},
    {"getblock", 1, "verbosity"},        {"gettxout", 1, "n"},
    {"gettxout", 2, "include_mempool"},  {"getrawtransaction", 1, "verbosity"},
    {"sendtoaddress", 1, "amount"},      {"sendtoaddress", 4, "subtractfeefromamount"},
    {"sendtoaddress", 5, "replaceable"}, {"sendtoaddress", 6, "conf_target"},
    {"sendtoaddress", 9, "fee_rate"},    {"sendtoaddress", 10, "verbose"},
    {"getbalance", 1, "minconf"},        {"getbalance", 2, "include_watchonly"},
    {"getbalance", 3, "avoid_reuse"},    {"listunspent", 0, "minconf"},
    {"listunspent", 1, "maxconf"},       {"listunspent", 2, "addresses"},
    {"listunspent", 3, "include_unsafe"}, {"listunspent", 4, "query_options"},
    {"listtransactions", 1, "count"},    {"listtransactions", 2, "skip"},
    {"listtransactions", 3, "include_watchonly"}, {"gettransaction", 1, "include_watchonly"},
    {"gettransaction", 2, "verbose"},    {"createwallet", 1, "disable_private_keys"},
    {"createwallet", 2, "blank"},        {"createwallet", 4, "avoid_reuse"},
    {"createwallet", 5, "descriptors"},  {"createwallet", 6, "load_on_startup"},
    {"loadwallet", 1, "load_on_startup"}, {"createrawtransaction", 0, "inputs"},
    {"createrawtransaction", 1, "outputs"}, {"createrawtransaction", 2, "locktime"},
    {"createrawtransaction", 3, "replaceable"}, {"sendrawtransaction", 1, "maxfeerate"},
    {"sendrawtransaction", 2, "maxburnamount"}, {"testmempoolaccept", 0, "rawtxs"},
    {"testmempoolaccept", 1, "maxfeerate"}, {"getrawmempool", 0, "verbose"},
    {"getrawmempool", 1, "mempool_sequence"}, {"decoderawtransaction", 1, "iswitness"},
    {"estimatesmartfee", 0, "conf_target"}, {"stop", 0, "wait"},
    {"getblocktemplate", 0, "template_request"}, {"createrawtransaction", 4, "version"},
    {"createwallet", 7, "external_signer"}, {"sendtoaddress", 8, "avoid_reuse"},
    {"getnetworkhashps", 0, "nblocks"},  {"getnetworkhashps", 1, "height"},
    {"deriveaddresses", 1, "range"},     {"getblockstats", 1, "stats"},
    {"gettxoutsetinfo", 2, "use_index"}, {"setban", 2, "bantime"},
    {"setban", 3, "absolute"},           {"disconnectnode", 1, "nodeid"},
    {"addnode", 2, "v2transport"},       {"pruneblockchain", 0, "height"},
};

// Parameters bitcoin-cli sends as JSON when they parse as JSON and as a string otherwise
// (Core's JSON_OR_STRING): a height or a block hash.
constexpr ConvertParam JSON_OR_STRING[] = {
    {"getblockstats", 0, "hash_or_height"},
    {"gettxoutsetinfo", 1, "hash_or_height"},
};

template <size_t N>
bool InTable(const ConvertParam (&table)[N], const std::string& method, int position, const std::string& name) {
    for (const auto& c : table) {
        if (method == c.method && (position == c.position || (!name.empty() && name == c.name))) return true;
    }
    return false;
}

util::Result<util::Json, std::string> Convert(const std::string& method, int position, const std::string& name,
                                              const std::string& word) {
    if (InTable(JSON_OR_STRING, method, position, name)) {
        auto parsed = util::ParseJson(word);
        return parsed ? *parsed : util::Json(word);
    }
    if (!InTable(CONVERT, method, position, name)) return util::Json(word);
    auto parsed = util::ParseJson(word);
    if (!parsed) return util::Fail("Error parsing JSON: " + word);
    return *parsed;
}

struct HttpAnswer {
    int status = 0;
    std::string body;
};

// One POST over a fresh connection; Err when the server cannot be reached (for -rpcwait).
util::Result<HttpAnswer, std::string> Post(const std::string& host, uint16_t port, const std::string& target,
                                           const std::string& authorization, const std::string& body, int timeout_s) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) {
        return util::Fail("cannot resolve " + host);
    }
    int fd = -1;
    for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        if (timeout_s > 0) {
            timeval tv{timeout_s, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        }
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd < 0) return util::Fail("Could not connect to the server " + host + ":" + std::to_string(port));
    std::string request = "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" +
                          "Authorization: " + authorization + "\r\nContent-Type: application/json\r\n" +
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    size_t sent = 0;
    while (sent < request.size()) {
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            ::close(fd);
            return util::Fail(std::string("error sending the request"));
        }
        sent += static_cast<size_t>(n);
    }
    std::string in;
    char buf[65536];
    while (in.size() <= MAX_RESPONSE_BYTES) {
        const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    const size_t head_end = in.find("\r\n\r\n");
    if (in.size() > MAX_RESPONSE_BYTES || head_end == std::string::npos || in.compare(0, 9, "HTTP/1.1 ") != 0 ||
        in.size() < 12) {
        return util::Fail(std::string("error: no response from server or a malformed one"));
    }
    HttpAnswer answer;
    answer.status = std::atoi(in.c_str() + 9);
    answer.body = in.substr(head_end + 4);
    return answer;
}

void PrintResult(const util::Json& result) {
    if (result.IsNull()) return;
    if (result.IsString()) {
        std::cout << result.GetString() << "\n";
    } else {
        std::cout << result.Dump(2) << "\n";
    }
}

}  // namespace

util::Result<util::Json, std::string> CliParams(const std::string& method, const std::vector<std::string>& words,
                                                bool named) {
    if (!named) {
        util::Json params = util::Json::MakeArray();
        for (size_t i = 0; i < words.size(); ++i) {
            auto v = Convert(method, static_cast<int>(i), "", words[i]);
            if (!v) return util::Fail(v.error());
            params.PushBack(std::move(*v));
        }
        return params;
    }
    util::Json params = util::Json::MakeObject();
    util::Json positional = util::Json::MakeArray();
    for (const auto& word : words) {
        const size_t eq = word.find('=');
        if (eq == std::string::npos) {
            auto v = Convert(method, static_cast<int>(positional.GetArray().size()), "", word);
            if (!v) return util::Fail(v.error());
            positional.PushBack(std::move(*v));
            continue;
        }
        const std::string name = word.substr(0, eq);
        auto v = Convert(method, -1, name, word.substr(eq + 1));
        if (!v) return util::Fail(v.error());
        params.Set(name, std::move(*v));
    }
    if (!positional.GetArray().empty()) params.Set("args", std::move(positional));
    return params;
}

int RunCli(int argc, const char* const argv[]) {
    config::Args args;
    RegisterCliOptions(args);
    auto settings = LoadSettings(args, argc, argv);
    if (!settings) {
        std::cerr << settings.error() << "\n";
        return 1;
    }
    if (settings->help || settings->positionals.empty()) {
        std::cout << "Usage: tonari cli [options] <command> [params]\n       tonari cli [options] -named <command> "
                     "[name=value]...\n       tonari cli [options] help\n\n"
                  << args.HelpMessage();
        return settings->help ? 0 : 1;
    }
    std::vector<std::string> words(settings->positionals.begin() + 1, settings->positionals.end());
    if (args.GetBoolArg("stdin", false)) {
        for (std::string line; std::getline(std::cin, line);) words.push_back(line);
    }
    const std::string method = settings->positionals[0];
    auto params = CliParams(method, words, args.GetBoolArg("named", false));
    if (!params) {
        std::cerr << "error: " << params.error() << "\n";
        return 1;
    }
    std::string credentials;
    if (auto password = args.GetArg("rpcpassword"); password && !password->empty()) {
        credentials = args.GetArg("rpcuser", "") + ":" + *password;
    } else {
        std::filesystem::path cookie = args.GetArg("rpccookiefile", ".cookie");
        if (cookie.is_relative()) cookie = settings->net_dir / cookie;
        auto read = netcore::ReadCookieFile(cookie.string());
        if (read) credentials = *read;
    }
    auto port = args.GetIntArg("rpcport", DefaultRpcPort(settings->network));
    if (!port || *port < 1 || *port > 65535) {
        std::cerr << "error: Invalid port provided in -rpcport\n";
        return 1;
    }
    auto client_timeout = args.GetIntArg("rpcclienttimeout", 900);
    auto wait_timeout = args.GetIntArg("rpcwaittimeout", 0);
    if (!client_timeout || !wait_timeout) {
        std::cerr << "error: " << (!client_timeout ? client_timeout.error().message : wait_timeout.error().message) << "\n";
        return 1;
    }
    std::string target = "/";
    if (auto wallet = args.GetArg("rpcwallet")) target = "/wallet/" + *wallet;
    util::Json request = util::Json::MakeObject();
    request.Set("jsonrpc", "1.0");
    request.Set("id", 1);
    request.Set("method", method);
    request.Set("params", std::move(*params));
    const std::string body = request.Dump();
    const bool wait = args.GetBoolArg("rpcwait", false);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*wait_timeout);
    const std::string host = args.GetArg("rpcconnect", "127.0.0.1");
    while (true) {
        auto answer = Post(host, static_cast<uint16_t>(*port), target,
                           netcore::BasicAuthorizationValue(credentials), body, static_cast<int>(*client_timeout));
        const bool past_deadline = *wait_timeout > 0 && std::chrono::steady_clock::now() >= deadline;
        if (!answer) {
            if (wait && !past_deadline) {
                std::this_thread::sleep_for(std::chrono::seconds(1));
                continue;
            }
            std::cerr << "error: " << answer.error()
                      << (wait ? " (timeout waiting for the server)" : "\n\nMake sure the Tonari node is running.") << "\n";
            return 1;
        }
        if (answer->status == 401) {
            std::cerr << "error: Authorization failed: Incorrect rpcuser or rpcpassword\n";
            return 1;
        }
        auto reply = util::ParseJson(answer->body);
        if (!reply || !reply->IsObject()) {
            std::cerr << "error: server returned HTTP " << answer->status << " without a JSON-RPC reply\n";
            return 1;
        }
        const util::Json* error = reply->Find("error");
        if (error && !error->IsNull()) {
            const int64_t code = error->Find("code") ? error->Find("code")->GetInt64().value_or(-1) : -1;
            // -28: still warming up; -rpcwait keeps trying.
            if (wait && code == -28 && !past_deadline) {
                std::this_thread::sleep_for(std::chrono::seconds(1));
                continue;
            }
            const util::Json* message = error->Find("message");
            std::cerr << "error code: " << code << "\nerror message:\n"
                      << (message && message->IsString() ? message->GetString() : error->Dump()) << "\n";
            return static_cast<int>(std::min<int64_t>(std::abs(code), 255));
        }
        const util::Json* result = reply->Find("result");
        PrintResult(result ? *result : util::Json());
        return 0;
    }
}

}  // namespace tonari::app
