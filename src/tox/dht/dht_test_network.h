// TestNet: Tox DHT nodes in one process, datagrams delivered by address in order, ticks every
// 50 ms of simulated time, keys from a seeded generator: a run is a pure function of the test.
// For unit tests of the DHT and the layers attached to it.
#pragma once

#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "tox/dht/dht_node.h"

namespace tonari::tox::dht::test {

class TestNet {
public:
    struct Datagram {
        netcore::PeerEndpoint from, to;
        util::Bytes data;
    };

    DhtNode& Add() {
        const uint16_t port = static_cast<uint16_t>(10000 + m_nodes.size());
        const netcore::PeerEndpoint self{"127.0.0.1", port};
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
            [this, self](const netcore::PeerEndpoint& to, util::Bytes d) {
                m_queue.push_back({self, to, std::move(d)});
                ++sent;
            },
            port);
        m_endpoints.push_back(self);
        m_nodes.push_back(std::move(node));
        return *m_nodes.back();
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
                    if (m_endpoints[i] == d.to && !down.count(i)) m_nodes[i]->OnPacket(d.from, d.data, now);
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
    std::vector<std::unique_ptr<DhtNode>> m_nodes;
    std::vector<netcore::PeerEndpoint> m_endpoints;
    std::deque<Datagram> m_queue;
    std::mt19937_64 m_key_rng{2026};
};

}  // namespace tonari::tox::dht::test
