// BIP152's claim, measured on the real PeerManager: once a node has chosen its peer as a
// high-bandwidth compact-block source, a new block crosses that hop in half a round trip (the
// cmpctblock message is pushed unasked), where the first block,
// announced the ordinary way, takes at least one and a half. Zero jitter and bandwidth too
// large to matter, so the figures are the model's latency exactly.
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <vector>

#include "bitcoin/consensus/params.h"
#include "bitcoin/wire/frame.h"
#include "bitcoin/wire/protocol.h"
#include "sim/sim_network.h"
#include "bitcoin/sim/flat_model_test_support.h"
#include "bitcoin/sim/sim_node.h"
#include "sim/simulation.h"

namespace tonari::bitcoin::sim {
namespace {

constexpr int LATENCY_MS = 50;

constexpr int64_t ONE_WAY_US = int64_t{LATENCY_MS} * 1000;

// Three blocks from a miner to the node it serves; how long each took to reach the receiver's
// chain (checked, when the receiver pays for checks).
std::vector<int64_t> Hops(ValidationModel validation, uint32_t block_bytes) {
    const auto& params = bitcoin::consensus::GetParams(bitcoin::encoding::Network::Regtest);
    const RegionModel model = FlatModel(LATENCY_MS);
    Simulation sim(int64_t{1'700'000'000} * 1'000'000);
    SimNetwork net(sim, {.model = &model, .jitter = 0, .seed = 1, .port = params.default_port,
                         .frame_header_bytes = bitcoin::wire::FRAME_HEADER_SIZE});
    net.AddNode("11.0.0.1", Region::NorthAmerica, true);
    net.AddNode("11.1.0.1", Region::NorthAmerica, false);
    SimNode miner(sim, net, 0, {.params = &params, .seed = 11, .block_bytes = block_bytes});
    SimNode receiver(sim, net, 1, {.params = &params, .seed = 22, .validation = validation});
    receiver.AddAddresses({{static_cast<uint32_t>(sim.Now() / 1'000'000 - 60),
                            bitcoin::wire::NODE_NETWORK | bitcoin::wire::NODE_WITNESS,
                            *bitcoin::wire::NetAddress::Parse("11.0.0.1", params.default_port)}});
    miner.Start();
    receiver.Start();
    sim.RunUntil(sim.Now() + 10'000'000);
    EXPECT_EQ(receiver.Peers().ConnectionCount(), 1u);

    std::vector<int64_t> hops;
    for (uint32_t i = 0; i < 3; ++i) {
        const int64_t mined_at = sim.Now();
        const auto hash = miner.MineBlock(i);
        sim.RunUntil(sim.Now() + 10'000'000);
        const auto it = receiver.FirstConnected().find(hash);
        EXPECT_NE(it, receiver.FirstConnected().end()) << "block " << i << " did not arrive";
        hops.push_back(it == receiver.FirstConnected().end() ? -1 : it->second - mined_at);
    }
    std::cout << "[compact hop] one-way latency " << ONE_WAY_US << " us, checks " << ValidationModelName(validation)
              << ": block 1 took " << hops[0] << " us, block 2 " << hops[1] << " us, block 3 " << hops[2] << " us\n";
    return hops;
}

TEST(CompactHop, HighBandwidthCompactBlockCostsHalfARoundTrip) {
    // The claim is about the wire: the receiver's checks cost nothing here.
    const auto hops = Hops(ValidationModel::None, 0);
    ASSERT_EQ(hops.size(), 3u);
    // The first block: announced, then asked for: at least 1.5 round trips.
    EXPECT_GE(hops[0], 3 * ONE_WAY_US);
    // Afterwards the receiver has made the miner a high-bandwidth peer: half a round trip.
    EXPECT_EQ(hops[2], ONE_WAY_US);
}

TEST(CompactHop, AReceiverThatChecksEverySignaturePaysForTheBlockOnTopOfTheWire) {
    // A 100 kB block (the coinbase and its padding travel prefilled in the cmpctblock).
    const auto hops = Hops(ValidationModel::Full, 100'000);
    ASSERT_EQ(hops.size(), 3u);
    ASSERT_GT(ValidationUs(ValidationModel::Full, 100'000), 0);
    EXPECT_GE(hops[2], ONE_WAY_US + ValidationUs(ValidationModel::Full, 100'000));
    EXPECT_LE(hops[2], ONE_WAY_US + ValidationUs(ValidationModel::Full, 101'000));
}

}  // namespace
}  // namespace tonari::bitcoin::sim
