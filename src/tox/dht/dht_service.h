// DhtService: a DhtNode on a real UDP socket. Packets arrive on the socket's io thread, a
// ticker runs the node's timers every 50 ms, bootstrap hosts are resolved by name, and the
// good nodes it knew can be read for saving. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tox/dht/dht_node.h"
#include "util/result.h"

namespace tonari::tox::dht {

// The UDP ports toxcore clients take, the first free one of them (c-toxcore's port range).
inline constexpr uint16_t TOX_PORT_RANGE_FIRST = 33445;
inline constexpr uint16_t TOX_PORT_RANGE_LAST = 33545;
// LAN discovery broadcasts (spec "LAN discovery"): every 10 s, to the first port of the range
// and to 10 more of the rest in turn, so every client on the LAN hears one within 100 s
// (c-toxcore's numbers).
inline constexpr int64_t LAN_DISCOVERY_INTERVAL_US = 10'000'000;
inline constexpr uint16_t LAN_DISCOVERY_PORTS_PER_ROUND = 10;
// The ports one round of LAN discovery goes to; `next` is where the rest of the range goes on.
std::vector<uint16_t> LanDiscoveryPorts(uint16_t& next);

// A bootstrap node as people write it: HOST:PORT:KEY (the key as 64 hex digits).
struct BootstrapNode {
    std::string host;
    uint16_t port = 0;
    PublicKey public_key;
};
util::Result<BootstrapNode, std::string> ParseBootstrapNode(const std::string& text);
// Every one of a list (from repeated options); the first bad one is the error.
util::Result<std::vector<BootstrapNode>, std::string> ParseBootstrapNodes(const std::vector<std::string>& texts);

struct DhtServiceOptions {
    netcore::PeerEndpoint bind{"0.0.0.0", 0};
    // False: no UDP socket at all (a network that blocks UDP; everything goes through TCP
    // relays). The node still runs, and sends nothing.
    bool udp = true;
    crypto::BoxKeyPair keys;  // a bootstrap node keeps one; a client makes a fresh one per run
    std::vector<BootstrapNode> bootstrap;
    std::vector<NodeInfo> saved_nodes;  // from the last run: bootstrapped from as well
    // Broadcast LAN discovery packets and answer them (the socket may then broadcast).
    bool lan_discovery = false;
    bool serve_bootstrap_info = false;
    uint32_t info_version = 0;
    std::string motd;
    LogFn log;
    // Layers that attach to the node (the onion server): each is made once the node exists,
    // runs under the service's lock, and is destroyed before the node.
    std::vector<std::function<std::shared_ptr<void>(DhtNode&)>> extensions;
};

class DhtService {
public:
    static util::Result<std::unique_ptr<DhtService>, std::string> Start(DhtServiceOptions options);
    ~DhtService();

    netcore::PeerEndpoint LocalEndpoint() const;
    PublicKey SelfKey() const;
    DhtStats Stats() const;
    std::vector<NodeInfo> KnownNodes() const;
    // Runs `f` on the node under the service's lock (for the layers above, and tests).
    void WithNode(const std::function<void(DhtNode&, int64_t now_us)>& f);
    // Stops the ticker and the socket. Idempotent; the destructor calls it.
    void Stop();

    class Impl;

private:
    explicit DhtService(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tonari::tox::dht
