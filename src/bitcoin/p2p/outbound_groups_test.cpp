// Eclipse resistance of automatic outbound connections: an attacker floods the address table
// with 5,000 addresses from two /16 ranges (through its own connection, as gossip); the node
// still spreads its ten automatic outbound peers over ten network groups (honest addresses
// come five to a range), so the attacker holds at most one slot per range it controls. Runs PeerManager over a network that records
// the dials and reports each as connected, on a clock the test drives.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "bitcoin/addrman/addrman.h"
#include "bitcoin/chain/test_node.h"
#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/p2p/ban_list.h"
#include "bitcoin/p2p/eviction.h"
#include "bitcoin/p2p/peer_manager.h"
#include "bitcoin/wire/protocol.h"
#include "netcore/peer_network.h"

namespace tonari::bitcoin::p2p {
namespace {

// Accepts every dial at once (the caller reports it connected); sends go nowhere.
class RecordingNetwork final : public netcore::PeerNetwork {
public:
    struct Dial {
        netcore::PeerEndpoint remote;
        uint64_t tag = 0;
    };
    std::vector<Dial> dials;

    std::vector<netcore::PeerEndpoint> ListenEndpoints() const override { return {}; }
    void Connect(const netcore::PeerEndpoint& remote, uint64_t tag) override { dials.push_back({remote, tag}); }
    void Resolve(const std::string&, uint16_t, ResolveHandler) override {}
    bool Send(netcore::ConnectionId, util::Bytes) override { return true; }
    void FrameDone(netcore::ConnectionId, size_t) override {}
    void Disconnect(netcore::ConnectionId, const std::string&) override {}
    std::optional<netcore::ConnectionStats> Stats(netcore::ConnectionId) const override { return std::nullopt; }
    netcore::PeerNetworkStats NetworkStats() const override { return {}; }
    void Stop() override {}
};

wire::AddrEntry Entry(const std::string& ip, int64_t now) {
    auto address = wire::NetAddress::Parse(ip, 8333);
    EXPECT_TRUE(address) << ip;
    return wire::AddrEntry{static_cast<uint32_t>(now - 600), wire::NODE_NETWORK | wire::NODE_WITNESS, *address};
}

TEST(OutboundGroups, AnAddressFloodFromTwoRangesGetsAtMostOneSlotEach) {
    chain::fixture::MemoryNode node;
    ASSERT_TRUE(node.chain.Load());
    mempool::TxMempool pool;
    mempool::MempoolAccept accept(node.chain, pool, {});
    addrman::AddrMan addrman({.key0 = 1, .key1 = 2, .rng_seed = 3});
    BanList bans;
    int64_t now_us = int64_t{1'700'000'000} * 1'000'000;
    const int64_t now_s = now_us / 1'000'000;

    // The flood: 5,000 addresses in 44.1.0.0/16 and 45.2.0.0/16, all gossiped by the attacker.
    std::vector<wire::AddrEntry> flood;
    for (int i = 0; i < 5000; ++i) {
        const std::string ip = (i % 2 ? "44.1." : "45.2.") + std::to_string((i / 2) / 250) + "." +
                               std::to_string((i / 2) % 250 + 1);
        flood.push_back(Entry(ip, now_s));
    }
    const auto attacker = *wire::NetAddress::Parse("44.1.200.200", 8333);
    for (size_t at = 0; at < flood.size(); at += 1000) {
        addrman.Add({flood.begin() + static_cast<std::ptrdiff_t>(at),
                     flood.begin() + static_cast<std::ptrdiff_t>(std::min(at + 1000, flood.size()))},
                    attacker, 0, now_s);
    }
    // Honest addresses: 60 in 12 ranges of five, each heard from a different honest peer (so
    // without the one-per-group rule two outbound peers would often share a range).
    for (int i = 0; i < 60; ++i) {
        const std::string ip = std::to_string(60 + i / 5) + ".10.0." + std::to_string(i % 5 + 1);
        const auto source = *wire::NetAddress::Parse(std::to_string(100 + i) + ".20.0.1", 8333);
        addrman.Add({Entry(ip, now_s)}, source, 0, now_s);
    }

    const auto& params = chain::fixture::Regtest();
    PeerManagerDeps deps{node.chain, *node.store, accept, pool, addrman, bans, [](int64_t) {},
                         [&now_us] { return now_us; }, {}, {}, {}};
    PeerManagerOptions options;
    options.params = &params;
    options.local_services = wire::NODE_NETWORK | wire::NODE_WITNESS;
    options.dns_seed = false;
    options.fixed_seeds = false;
    PeerManager pm(std::move(deps), options);
    RecordingNetwork net;
    pm.SetNetwork(&net);

    // Every dial connects at once; the handshake never completes, so each keeps its slot for
    // the minute the test runs (the handshake timeout).
    size_t reported = 0;
    netcore::ConnectionId next_id = 1;
    for (int step = 0; step < 100 && pm.ConnectionCount() < 10; ++step) {
        now_us += 500'000;
        pm.Tick();
        for (; reported < net.dials.size(); ++reported) {
            netcore::ConnectionInfo info;
            info.id = next_id++;
            info.remote = net.dials[reported].remote;
            info.local = {"127.0.0.1", 18444};
            pm.OnConnected(info, net.dials[reported].tag);
        }
    }

    ASSERT_EQ(pm.ConnectionCount(), 10u);  // 8 full-relay + 2 block-relay-only
    std::map<std::vector<uint8_t>, int> per_group;
    int attacker_slots = 0;
    for (const auto& dial : net.dials) {
        ++per_group[NetGroup(dial.remote.address)];
        if (dial.remote.address.starts_with("44.1.") || dial.remote.address.starts_with("45.2.")) ++attacker_slots;
    }
    EXPECT_EQ(per_group.size(), net.dials.size()) << "two outbound peers share a network group";
    EXPECT_LE(attacker_slots, 2);
    std::cout << "[eclipse] 5,000 flooded addresses in 2 ranges, 60 honest: " << net.dials.size()
              << " outbound peers in " << per_group.size() << " network groups, " << attacker_slots
              << " of them the attacker's\n";
}

}  // namespace
}  // namespace tonari::bitcoin::p2p
