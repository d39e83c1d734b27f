// Core's outbound eviction on the real PeerManager: a node in step with the chain loses its one
// honest peer and is left with a single automatic outbound peer run by an attacker, which
// relays nothing. Once that peer has been behind for CHAIN_SYNC_TIMEOUT (20 minutes), the node
// asks it for headers, drops it two minutes later for an old chain, dials an address it knows,
// and catches up. Zero jitter; one block a minute.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <iostream>

#include "bitcoin/consensus/params.h"
#include "bitcoin/p2p/peer_manager.h"
#include "bitcoin/sim/flat_model_test_support.h"
#include "bitcoin/sim/sim_node.h"
#include "sim/sim_network.h"
#include "sim/simulation.h"

namespace tonari::bitcoin::sim {
namespace {

constexpr int64_t MINUTE_US = 60'000'000;

bitcoin::wire::AddrEntry Address(const char* ip, int64_t now_us, uint16_t port) {
    return {static_cast<uint32_t>(now_us / 1'000'000 - 60), bitcoin::wire::NODE_NETWORK | bitcoin::wire::NODE_WITNESS,
            *bitcoin::wire::NetAddress::Parse(ip, port)};
}

TEST(OutboundEviction, APeerThatRelaysNothingIsDroppedAfterTheChainSyncTimeout) {
    const auto& params = bitcoin::consensus::GetParams(bitcoin::encoding::Network::Regtest);
    const RegionModel model = FlatModel(50);
    Simulation sim(int64_t{1'700'000'000} * 1'000'000);
    SimNetwork net(sim, {.model = &model, .jitter = 0, .seed = 1, .port = params.default_port,
                         .frame_header_bytes = bitcoin::wire::FRAME_HEADER_SIZE});
    net.AddNode("11.0.0.1", Region::NorthAmerica, true);   // the miner
    net.AddNode("11.1.0.1", Region::NorthAmerica, true);   // the attacker's node
    net.AddNode("11.2.0.1", Region::NorthAmerica, false);  // the victim, behind NAT
    const netcore::PeerEndpoint miner_endpoint{"11.0.0.1", params.default_port};
    SimNode miner(sim, net, 0, {.params = &params, .seed = 11});
    SimNode attacker(sim, net, 1, {.params = &params, .seed = 22, .silent = true});
    SimNode victim(sim, net, 2,
                   {.params = &params, .outbound_full_relay = 1, .block_relay_only = 0, .seed = 33, .manual = {miner_endpoint}});
    victim.AddAddresses({Address("11.1.0.1", sim.Now(), params.default_port)});
    miner.Start();
    attacker.Start();
    victim.Start();

    uint32_t salt = 0;
    std::function<void()> mine = [&] {
        miner.MineBlock(salt++);
        sim.After(MINUTE_US, mine);
    };
    sim.After(MINUTE_US, mine);
    sim.RunUntil(sim.Now() + 10 * MINUTE_US + 30'000'000);  // half a minute after a block
    ASSERT_EQ(victim.Chain().Tip()->hash, miner.Chain().Tip()->hash)
        << "in step through its manual peer: height " << victim.Chain().Tip()->height << " of " << miner.Chain().Tip()->height
        << ", " << victim.Peers().ConnectionCount() << " peers";
    ASSERT_EQ(victim.Peers().ConnectionCount(), 2u) << "the miner and the attacker's node";

    // The honest link goes; the miner's address stays known, but the one outbound slot is taken.
    ASSERT_TRUE(victim.Peers().RemoveManual(miner_endpoint));
    ASSERT_TRUE(victim.Peers().DisconnectByAddress(miner_endpoint.ToString()));
    victim.AddAddresses({Address("11.0.0.1", sim.Now(), params.default_port)});
    const int64_t cut_at = sim.Now();
    const int cut_height = victim.Chain().Tip()->height;
    sim.RunUntil(cut_at + 5 * MINUTE_US);
    EXPECT_EQ(victim.Chain().Tip()->height, cut_height) << "nothing reaches it through the attacker's node";
    EXPECT_GE(miner.Chain().Tip()->height, cut_height + 4);

    // The attacker's node has been behind since the victim's first block: 20 minutes from then,
    // a getheaders, 2 minutes more, and it is dropped. The victim dials an address it knows,
    // maybe the attacker's again (then another 22 minutes), until it reaches the miner.
    int64_t caught_up_at = 0;
    for (int64_t t = cut_at + 5 * MINUTE_US; t < cut_at + 180 * MINUTE_US && caught_up_at == 0; t += 10'000'000) {
        sim.RunUntil(t);
        if (victim.Chain().Tip()->height > cut_height && victim.Chain().Tip()->hash == miner.Chain().Tip()->hash) caught_up_at = t;
    }
    ASSERT_NE(caught_up_at, 0) << "still cut off three hours later";
    const auto& reasons = victim.DisconnectReasons();
    const auto evicted = reasons.find("outbound peer with an old chain");
    ASSERT_NE(evicted, reasons.end()) << "freed some other way";
    EXPECT_GE(evicted->second, 1);
    std::cout << "[outbound eviction] cut off at height " << cut_height << ", back in step " << (caught_up_at - cut_at) / 1'000'000
              << " s later at height " << victim.Chain().Tip()->height << ", after " << evicted->second
              << " evictions of the attacker's node\n";
}

}  // namespace
}  // namespace tonari::bitcoin::sim
