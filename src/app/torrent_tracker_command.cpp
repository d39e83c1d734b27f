// The tracker command: netcore's HTTP server and a UDP socket in front of torrent/tracker's
// Tracker, a log line when the swarms change, a clean stop on a signal.
#include "app/torrent_tracker_command.h"


#include <atomic>
#include <chrono>
#include <iostream>

#include "app/stop_signals.h"
#include "netcore/http_server.h"
#include "netcore/udp_socket.h"
#include "torrent/tracker/tracker_server.h"

namespace tonari::app {
namespace {

int64_t NowS() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int RunTrackerServer(const TrackerCommandOptions& o) {
    if (o.interval_s < torrent::tracker::MIN_ANNOUNCE_INTERVAL_S || o.interval_s > torrent::tracker::MAX_ANNOUNCE_INTERVAL_S) {
        std::cerr << "error: --interval must be between " << torrent::tracker::MIN_ANNOUNCE_INTERVAL_S << " and "
                  << torrent::tracker::MAX_ANNOUNCE_INTERVAL_S << " seconds\n";
        return 1;
    }
    StopSignals signals;

    torrent::tracker::TrackerOptions tracker_options;
    tracker_options.interval_s = o.interval_s;
    torrent::tracker::Tracker tracker(tracker_options);

    netcore::HttpServerOptions http;
    http.bind.push_back({o.bind, o.port});
    // A public service: anyone may announce (the tracker itself bounds what they can do).
    http.allow = {*netcore::Subnet::Parse("0.0.0.0/0"), *netcore::Subnet::Parse("::/0")};
    http.worker_threads = 2;
    http.max_body_bytes = 0;  // announces are GETs
    auto server = netcore::HttpServer::Start(http, [&tracker](const netcore::HttpRequest& req, const netcore::HttpClientInfo& client) {
        return tracker.Http(req, client.address, NowS());
    });
    if (!server) {
        std::cerr << "error: cannot serve HTTP on " << o.bind << ":" << o.port << ": " << server.error() << "\n";
        return 1;
    }
    const auto endpoint = (*server)->Endpoints().front();
    // The UDP socket answers from its io thread, through this pointer once it is set.
    std::atomic<netcore::UdpSocket*> udp_self{nullptr};
    std::unique_ptr<netcore::UdpSocket> udp;
    if (o.udp) {
        auto opened = netcore::UdpSocket::Open({o.bind, endpoint.port}, [&tracker, &udp_self](const netcore::PeerEndpoint& from, util::ByteSpan data) {
            auto reply = tracker.Udp(data, from, NowS());
            if (auto* socket = udp_self.load(); reply && socket) socket->SendTo(from, std::move(*reply));
        });
        if (!opened) {
            std::cerr << "error: " << opened.error() << " (--no-udp serves HTTP alone)\n";
            (*server)->Stop();
            return 1;
        }
        udp = std::move(*opened);
        udp_self = udp.get();
    }
    const std::string host = o.bind == "0.0.0.0" ? "127.0.0.1" : o.bind == "::" ? "[::1]" : o.bind;
    std::cout << "tracker: http://" << host << ":" << endpoint.port << "/announce";
    if (udp) std::cout << " and udp://" << host << ":" << endpoint.port << "/announce";
    std::cout << " (interval " << o.interval_s << " s)" << std::endl;

    int64_t last_log = 0;
    torrent::tracker::TrackerStats last{};
    while (true) {
        if (signals.WaitFor(std::chrono::seconds(1)) != 0) break;
        const auto s = tracker.Stats();
        if (NowS() - last_log >= 10 && (s.announces != last.announces || s.scrapes != last.scrapes)) {
            std::cout << "tracker: " << s.torrents << " torrents, " << s.seeders << " seeders, " << s.leechers
                      << " leechers (" << s.announces << " announces, " << s.scrapes << " scrapes)" << std::endl;
            last = s;
            last_log = NowS();
        }
    }
    if (udp) udp->Stop();
    std::cout << "tracker: stopping" << std::endl;
    (*server)->Stop();
    return 0;
}

}  // namespace tonari::app
