// StartLsd: LsdService options from the session's.
#include "torrent/session/lsd_discovery.h"

namespace tonari::torrent::session {

std::unique_ptr<lsd::LsdService> StartLsd(const SessionOptions& options, const netcore::PeerEndpoint& tcp_listening,
                                          const std::vector<wire::Hash20>& info_hashes, const peer::LogFn& log,
                                          const lsd::LsdService::PeersFn& on_peers) {
    if (!options.lsd) return nullptr;
    lsd::LsdServiceOptions o;
    const std::string& address = tcp_listening.address;
    if (address == "0.0.0.0" || address == "::") {
        o.interface_address = "0.0.0.0";
    } else if (address.find(':') == std::string::npos) {
        o.interface_address = address;
    } else {
        log("lsd: local discovery speaks IPv4 only; not started for " + tcp_listening.ToString());
        return nullptr;
    }
    o.listen_port = tcp_listening.port;
    o.log = log;
    auto service = lsd::LsdService::Start(std::move(o));
    if (!service) {
        log(service.error() + "; going on without local discovery");
        return nullptr;
    }
    log("lsd: announcing on the local network (" + std::string(lsd::LSD_GROUP) + ":" + std::to_string(lsd::LSD_PORT) +
        " via " + (address == "::" ? std::string("0.0.0.0") : address) + ")");
    for (const auto& hash : info_hashes) (*service)->Track(hash, on_peers);
    return std::move(*service);
}

}  // namespace tonari::torrent::session
