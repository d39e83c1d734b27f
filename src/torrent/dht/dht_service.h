// DhtService: a DhtNode on a real UDP socket — packets from the socket's io thread, a 100 ms
// ticker, bootstrap routers resolved by name, the nodes it knew saved to a file on exit (and
// pinged on the next start) — plus the torrents it finds peers for: each looked up at once,
// then every 15 minutes (sooner, backing off, while a lookup finds nobody), announcing our
// port to the closest nodes each time. Thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "torrent/dht/dht_node.h"
#include "util/result.h"

namespace tonari::torrent::dht {

// The public routers BitTorrent clients bootstrap from (when none are given).
std::vector<netcore::PeerEndpoint> DefaultRouters();

// A torrent is looked up again this often once peers were found…
inline constexpr int64_t ANNOUNCE_INTERVAL_US = 15LL * 60 * 1'000'000;
// …and, while lookups find nobody, after this, doubling up to ANNOUNCE_INTERVAL_US.
inline constexpr int64_t FIRST_RETRY_US = 5'000'000;
// Nodes saved for the next start (the closest-first order of the table is kept).
inline constexpr size_t MAX_SAVED_NODES = 200;

struct DhtServiceOptions {
    netcore::PeerEndpoint bind{"0.0.0.0", 0};
    std::vector<netcore::PeerEndpoint> routers;  // host names allowed
    std::filesystem::path nodes_file;            // empty: nothing saved or loaded
    LogFn log;
};

class DhtService {
public:
    using PeersFn = std::function<void(const std::vector<netcore::PeerEndpoint>& peers)>;

    static util::Result<std::unique_ptr<DhtService>, std::string> Start(DhtServiceOptions options);
    ~DhtService();

    netcore::PeerEndpoint LocalEndpoint() const;
    // Finds peers for info_hash now and then periodically, announcing `port` (0: look only).
    // on_peers runs on the service's threads with its lock held: it must hand the peers on
    // (post them) and never call back into the service.
    void Track(const NodeId& info_hash, uint16_t port, PeersFn on_peers);
    // Announces as a seed (BEP 33) from now on.
    void SetSeed(bool seed);
    DhtStats Stats() const;
    // Stops the ticker and the socket and saves the nodes. Idempotent; the destructor calls it.
    void Stop();

    class Impl;

private:
    explicit DhtService(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tonari::torrent::dht
