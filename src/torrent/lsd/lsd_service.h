// LsdService: LocalDiscovery on a real multicast socket (BEP 14's IPv4 group, 239.192.152.143
// port 6771, shared with every other client on the host) joined on one interface, with a
// ticker thread that multicasts our announce when it is due. Peers heard of are handed to the
// callback of the torrent they were announced for. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "netcore/peer_network.h"
#include "torrent/lsd/local_discovery.h"
#include "util/result.h"

namespace tonari::torrent::lsd {

struct LsdServiceOptions {
    // The interface to join and send on, by its IPv4 address ("127.0.0.1" for loopback only;
    // "0.0.0.0": the kernel's default multicast interface).
    std::string interface_address = "0.0.0.0";
    uint16_t listen_port = 0;  // where we take BitTorrent connections (announced)
    // Hops a multicast announce may travel (BEP 14 suggests more than 1 for its org-local scope).
    int ttl = 32;
    std::function<void(const std::string&)> log;
};

class LsdService {
public:
    using PeersFn = std::function<void(const std::vector<netcore::PeerEndpoint>& peers)>;

    static util::Result<std::unique_ptr<LsdService>, std::string> Start(LsdServiceOptions options);
    ~LsdService();

    // Announces info_hash and hands peers announcing it to on_peers, which runs on the socket's
    // thread (never after Stop returns): it must pass them on (post them), not block.
    void Track(const InfoHash& info_hash, PeersFn on_peers);
    DiscoveryStats Stats() const;
    // Stops the ticker and leaves the group. Idempotent; the destructor calls it.
    void Stop();

    class Impl;

private:
    explicit LsdService(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tonari::torrent::lsd
