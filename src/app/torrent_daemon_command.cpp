// The daemon command: credentials (configured, or a cookie file as the Bitcoin RPC writes),
// the HTTP server on loopback unless told otherwise, the TorrentDaemon behind the
// Transmission RPC, a clean stop on a signal.
#include "app/torrent_daemon_command.h"

#include <filesystem>
#include <iostream>
#include <thread>

#include "app/stop_signals.h"
#include "crypto/random.h"
#include "netcore/http_auth.h"
#include "netcore/http_server.h"
#include "torrent/daemon/daemon.h"
#include "torrent/daemon/transmission_rpc.h"
#include "util/hex.h"

namespace tonari::app {

int RunTorrentDaemon(const DaemonCommandOptions& o) {
    namespace fs = std::filesystem;
    StopSignals signals;
    const fs::path datadir = o.datadir;
    std::error_code ec;
    fs::create_directories(datadir, ec);
    if (ec) {
        std::cerr << "error: cannot create " << datadir << ": " << ec.message() << "\n";
        return 1;
    }

    netcore::Authenticator auth;
    std::string cookie_path;
    if (!o.rpcuser.empty() || !o.rpcpassword.empty()) {
        if (o.rpcuser.empty() || o.rpcpassword.empty()) {
            std::cerr << "error: --rpcuser and --rpcpassword go together\n";
            return 1;
        }
        auth.AddPassword(o.rpcuser, o.rpcpassword);
    }
    for (const auto& a : o.rpcauth) {
        if (auto added = auth.AddRpcAuth(a); !added) {
            std::cerr << "error: --rpcauth " << a << ": " << added.error() << "\n";
            return 1;
        }
    }
    if (auth.empty()) {
        cookie_path = (datadir / ".cookie").string();
        const std::string cookie = netcore::GenerateCookie();
        if (auto written = netcore::WriteCookieFile(cookie_path, cookie); !written) {
            std::cerr << "error: " << written.error() << "\n";
            return 1;
        }
        (void)auth.AddUserColonPassword(cookie);
    }

    torrent::daemon::DaemonOptions d;
    d.datadir = datadir;
    d.download_dir = o.download_dir;
    d.bind = o.bind;
    d.session = o.session;
    d.log = [](const std::string& line) { std::cerr << line << std::endl; };
    auto daemon = torrent::daemon::TorrentDaemon::Open(std::move(d));
    if (!daemon) {
        std::cerr << "error: " << daemon.error() << "\n";
        return 1;
    }

    std::array<uint8_t, 24> id{};
    crypto::RandomBytes(id);
    torrent::daemon::TransmissionRpc rpc(**daemon, auth, util::HexEncode(id));
    netcore::HttpServerOptions http;
    http.bind.push_back({o.rpcbind, o.rpcport});
    http.allow = {*netcore::Subnet::Parse("127.0.0.0/8"), *netcore::Subnet::Parse("::1/128")};
    for (const auto& a : o.rpcallowip) {
        auto net = netcore::Subnet::Parse(a);
        if (!net) {
            std::cerr << "error: --rpcallowip " << a << " is not an address or subnet\n";
            return 1;
        }
        http.allow.push_back(*net);
    }
    http.worker_threads = 2;
    http.max_body_bytes = torrent::daemon::MAX_RPC_BODY;
    auto server = netcore::HttpServer::Start(http, [&rpc](const netcore::HttpRequest& req, const netcore::HttpClientInfo&) {
        std::chrono::milliseconds delay{0};
        auto response = rpc.Handle(req, &delay);
        if (delay.count() > 0) std::this_thread::sleep_for(delay);  // as the node's RPC does
        return response;
    });
    if (!server) {
        std::cerr << "error: cannot serve RPC on " << o.rpcbind << ":" << o.rpcport << ": " << server.error() << "\n";
        (*daemon)->Shutdown();
        return 1;
    }
    const auto endpoint = (*server)->Endpoints().front();
    std::cout << "daemon: Transmission RPC on http://" << endpoint.address << ":" << endpoint.port
              << torrent::daemon::RPC_PATH << (cookie_path.empty() ? std::string() : " (credentials in " + cookie_path + ")")
              << "; data in " << datadir.string() << std::endl;
    while (signals.WaitFor(std::chrono::seconds(1)) == 0) {
    }
    std::cout << "daemon: stopping" << std::endl;
    (*server)->Stop();
    (*daemon)->Shutdown();
    return 0;
}

}  // namespace tonari::app
