// TestNet: Tox DHT nodes in one process, datagrams delivered by address in order, ticks every
// 50 ms of simulated time, keys from a seeded generator: a run is a pure function of the test.
// Nodes can sit behind a simulated NAT (spec "NATs"). For unit tests of the DHT and the layers
// attached to it.
#pragma once

#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tox/dht/dht_node.h"

namespace tonari::tox::dht::test {

class TestNet {
public:
    struct Datagram {
        netcore::PeerEndpoint from, to;
        util::Bytes data;
    };

    // The NATs of spec "NATs" that filter: a port-restricted cone keeps one public port per
    // node and lets in only addresses it sent to; a symmetric NAT opens the next public port
    // for every new destination, and lets in only that destination.
    enum class NatKind { PORT_RESTRICTED_CONE, SYMMETRIC };

    DhtNode& Add(const std::string& ip = "127.0.0.1") {
        const size_t index = m_nodes.size();
        const uint16_t port = static_cast<uint16_t>(10000 + index);
        const netcore::PeerEndpoint self{ip, port};
        // Keys from a seeded generator: the whole run is a pure function of the test.
        crypto::BoxKeyPair keys;
        for (size_t b = 0; b < crypto::BOX_KEY_SIZE; b += 8) {
            const uint64_t r = m_key_rng();
            std::memcpy(keys.secret_key.data() + b, &r, 8);
        }
        keys.public_key = crypto::BoxPublicKeyOf(keys.secret_key);
        key_pairs.push_back(keys);
        auto node = std::make_unique<DhtNode>(
            keys,
            [this, self, index](const netcore::PeerEndpoint& to, util::Bytes d) {
                m_queue.push_back({Translate(index, self, to), to, std::move(d)});
                ++sent;
            },
            port);
        m_endpoints.push_back(self);
        m_nodes.push_back(std::move(node));
        return *m_nodes.back();
    }
    // Puts node `i` behind a NAT whose public address is `public_ip`.
    void BehindNat(size_t i, const std::string& public_ip, NatKind kind) {
        m_nats[i] = Nat{public_ip, kind, static_cast<uint16_t>(40000 + 1000 * m_nats.size()), {}, {}};
    }
    NodeInfo Info(size_t i) const { return {.tcp = false, .endpoint = m_endpoints[i], .public_key = m_nodes[i]->SelfKey()}; }
    DhtNode& operator[](size_t i) { return *m_nodes[i]; }
    size_t size() const { return m_nodes.size(); }

    // Runs `seconds` of simulated time: deliveries, then a tick for every node every 50 ms.
    void Run(double seconds) {
        const int64_t end = now + static_cast<int64_t>(seconds * 1e6);
        while (now < end) {
            while (!m_queue.empty()) {
                Datagram d = std::move(m_queue.front());
                m_queue.pop_front();
                if (inspect) inspect(d);
                if (drop && drop(d)) continue;
                for (size_t i = 0; i < m_nodes.size(); ++i) {
                    if (down.count(i) || !Admits(i, d)) continue;
                    m_nodes[i]->OnPacket(d.from, d.data, now);
                }
            }
            now += 50'000;
            for (size_t i = 0; i < m_nodes.size(); ++i) {
                if (!down.count(i)) m_nodes[i]->Tick(now);
            }
        }
    }
    void Inject(const netcore::PeerEndpoint& from, size_t to, util::Bytes data) {
        m_queue.push_back({from, m_endpoints[to], std::move(data)});
    }

    std::vector<crypto::BoxKeyPair> key_pairs;  // by node, for tests that play a node by hand
    int64_t now = 1'000'000;
    uint64_t sent = 0;
    std::set<size_t> down;
    std::function<void(const Datagram&)> inspect;
    std::function<bool(const Datagram&)> drop;  // true: the datagram is lost

private:
    struct Nat {
        std::string public_ip;
        NatKind kind = NatKind::PORT_RESTRICTED_CONE;
        uint16_t next_port = 0;
        std::map<std::pair<std::string, uint16_t>, uint16_t> ports;  // destination -> public port
        std::set<std::tuple<uint16_t, std::string, uint16_t>> open;  // public port, source let in
    };

    // The source address a datagram from node `i` to `to` carries on the wire.
    netcore::PeerEndpoint Translate(size_t i, const netcore::PeerEndpoint& self, const netcore::PeerEndpoint& to) {
        auto it = m_nats.find(i);
        if (it == m_nats.end()) return self;
        Nat& nat = it->second;
        const auto destination = std::make_pair(to.address, to.port);
        uint16_t port = 0;
        if (nat.kind == NatKind::PORT_RESTRICTED_CONE) {
            port = nat.next_port;
        } else if (auto p = nat.ports.find(destination); p != nat.ports.end()) {
            port = p->second;
        } else {
            port = ++nat.next_port;
            nat.ports.emplace(destination, port);
        }
        nat.open.emplace(port, to.address, to.port);
        return {nat.public_ip, port};
    }
    // Whether datagram `d` reaches node `i`: by its own address, or through its NAT's filter.
    bool Admits(size_t i, const Datagram& d) const {
        auto it = m_nats.find(i);
        if (it == m_nats.end()) return m_endpoints[i] == d.to;
        const Nat& nat = it->second;
        return d.to.address == nat.public_ip && nat.open.count({d.to.port, d.from.address, d.from.port}) != 0;
    }

    std::vector<std::unique_ptr<DhtNode>> m_nodes;
    std::map<size_t, Nat> m_nats;
    std::vector<netcore::PeerEndpoint> m_endpoints;
    std::deque<Datagram> m_queue;
    std::mt19937_64 m_key_rng{2026};
};

}  // namespace tonari::tox::dht::test
