// The simulated network's busy nodes: a node checking a block reads nothing and sends nothing
// until it is done, then takes every frame that waited, in the order they came.
#include "sim/sim_network.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tonari::sim {
namespace {

constexpr size_t HEADER = 4;

// Records what reaches one node, and when.
struct Recorder final : netcore::PeerNetworkEvents {
    explicit Recorder(Simulation& s) : sim(s) {}
    void OnConnected(const netcore::ConnectionInfo& info, uint64_t) override { id = info.id; }
    void OnConnectFailed(const netcore::PeerEndpoint&, uint64_t, const std::string&) override {}
    void OnFrame(netcore::ConnectionId, util::Bytes, util::Bytes payload) override {
        frames.emplace_back(sim.Now(), payload.empty() ? 0 : payload[0]);
        if (on_frame) on_frame(payload.empty() ? 0 : payload[0]);
    }
    void OnDisconnected(netcore::ConnectionId, const std::string&) override {}

    Simulation& sim;
    netcore::ConnectionId id = 0;
    std::vector<std::pair<int64_t, uint8_t>> frames;  // (time, first payload byte)
    std::function<void(uint8_t)> on_frame;
};

util::Bytes Frame(uint8_t tag) { return util::Bytes{0, 0, 0, 0, tag}; }

class BusyTest : public ::testing::Test {
protected:
    void SetUp() override {
        a = net.AddNode("10.0.0.1", Region::Europe, true);
        b = net.AddNode("10.0.0.2", Region::Europe, true);
        net.SetEvents(a, &ra);
        net.SetEvents(b, &rb);
        net.Network(a).Connect({"10.0.0.2", 8333}, 1);
        Run();
        ASSERT_NE(ra.id, 0u);
        ASSERT_NE(rb.id, 0u);
    }
    void Run() {
        while (sim.Step()) {
        }
    }

    Simulation sim{0};
    SimNetwork net{sim, {.jitter = 0, .seed = 1, .port = 8333, .frame_header_bytes = HEADER}};
    Recorder ra{sim}, rb{sim};
    size_t a = 0, b = 0;
};

TEST_F(BusyTest, AnIdleNodeTakesFramesAsTheyArrive) {
    const int64_t sent_at = sim.Now();
    ASSERT_TRUE(net.Network(a).Send(ra.id, Frame(1)));
    Run();
    ASSERT_EQ(rb.frames.size(), 1u);
    const int64_t one_way = net.LatencyUs(a, b);
    EXPECT_GE(rb.frames[0].first - sent_at, one_way);
    EXPECT_LT(rb.frames[0].first - sent_at, one_way + 1000);  // a few bytes' serialization
}

TEST_F(BusyTest, ABusyNodeReadsEverythingThatWaitedInOrderOnceFree) {
    const int64_t start = sim.Now();
    net.Busy(b, 2'000'000);
    for (uint8_t tag = 1; tag <= 3; ++tag) ASSERT_TRUE(net.Network(a).Send(ra.id, Frame(tag)));
    Run();
    ASSERT_EQ(rb.frames.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(rb.frames[i].first, start + 2'000'000);  // all arrived long before, read at once
        EXPECT_EQ(rb.frames[i].second, i + 1);
    }
}

TEST_F(BusyTest, WhatABusyNodeSendsLeavesWhenItIsFree) {
    const int64_t start = sim.Now();
    net.Busy(b, 1'000'000);
    net.Busy(b, 500'000);  // more work queues behind the first
    EXPECT_EQ(net.BusyUntil(b), start + 1'500'000);
    ASSERT_TRUE(net.Network(b).Send(rb.id, Frame(9)));
    Run();
    ASSERT_EQ(ra.frames.size(), 1u);
    EXPECT_GE(ra.frames[0].first, start + 1'500'000 + net.LatencyUs(b, a));
    EXPECT_LT(ra.frames[0].first, start + 1'500'000 + net.LatencyUs(b, a) + 1000);
}

TEST_F(BusyTest, ARestartedNodeStartsIdle) {
    net.Busy(b, 5'000'000);
    net.RemoveNode(b);
    net.ReviveNode(b);
    EXPECT_LE(net.BusyUntil(b), sim.Now());
}

TEST(SimNetworkOrder, FramesOnAConnectionArriveInTheOrderSentWhateverTheJitter) {
    Simulation sim(0);
    // Half the latency either way: without the stream rule, back-to-back frames would overtake.
    SimNetwork net(sim, {.jitter = 0.5, .seed = 7, .port = 8333, .frame_header_bytes = HEADER});
    Recorder ra(sim), rb(sim);
    const size_t a = net.AddNode("10.0.0.1", Region::Europe, true);
    const size_t b = net.AddNode("10.0.0.2", Region::AsiaPacific, true);
    net.SetEvents(a, &ra);
    net.SetEvents(b, &rb);
    net.Network(a).Connect({"10.0.0.2", 8333}, 1);
    while (sim.Step()) {
    }
    ASSERT_NE(ra.id, 0u);
    for (uint8_t tag = 0; tag < 100; ++tag) ASSERT_TRUE(net.Network(a).Send(ra.id, Frame(tag)));
    while (sim.Step()) {
    }
    ASSERT_EQ(rb.frames.size(), 100u);
    for (size_t i = 0; i < rb.frames.size(); ++i) EXPECT_EQ(rb.frames[i].second, i) << "frame " << i;
}

TEST_F(BusyTest, AFrameThatMakesTheNodeBusyHoldsBackTheOnesBehindIt) {
    // b checks a "block" (tag 1) for a second; tag 2, already there, waits for it.
    rb.on_frame = [&](uint8_t tag) {
        if (tag == 1) net.Busy(b, 1'000'000);
    };
    ASSERT_TRUE(net.Network(a).Send(ra.id, Frame(1)));
    ASSERT_TRUE(net.Network(a).Send(ra.id, Frame(2)));
    Run();
    ASSERT_EQ(rb.frames.size(), 2u);
    EXPECT_EQ(rb.frames[0].second, 1);
    EXPECT_EQ(rb.frames[1].second, 2);
    EXPECT_EQ(rb.frames[1].first, rb.frames[0].first + 1'000'000);
}


TEST(SimNetworkSendDelay, EachNodesMessagesTakeItsOwnDelayWithoutBandwidthLimits) {
    Simulation sim{0};
    SimNetwork net{sim, {.jitter = 0, .seed = 1, .port = 8333, .frame_header_bytes = HEADER, .unlimited_bandwidth = true}};
    Recorder ra{sim}, rb{sim};
    const size_t a = net.AddNode("10.0.0.1", Region::Europe, true);
    const size_t b = net.AddNode("10.0.0.2", Region::AsiaPacific, true);
    net.SetEvents(a, &ra);
    net.SetEvents(b, &rb);
    net.SetSendDelay(a, 30'000);
    net.SetSendDelay(b, 70'000);
    EXPECT_EQ(net.LatencyUs(a, b), 30'000);
    EXPECT_EQ(net.LatencyUs(b, a), 70'000);
    net.Network(a).Connect({"10.0.0.2", 8333}, 1);
    while (sim.Step()) {
    }
    ASSERT_NE(ra.id, 0u);
    ASSERT_NE(rb.id, 0u);
    // A 10 MB frame: with no bandwidth limit it takes only the sender's delay.
    util::Bytes big(10'000'000, 0);
    big[HEADER] = 7;
    const int64_t sent_at = sim.Now();
    ASSERT_TRUE(net.Network(a).Send(ra.id, big));
    ASSERT_TRUE(net.Network(b).Send(rb.id, Frame(9)));
    while (sim.Step()) {
    }
    ASSERT_EQ(rb.frames.size(), 1u);
    EXPECT_EQ(rb.frames[0], std::make_pair(sent_at + 30'000, uint8_t{7}));
    ASSERT_EQ(ra.frames.size(), 1u);
    EXPECT_EQ(ra.frames[0], std::make_pair(sent_at + 70'000, uint8_t{9}));
}

}  // namespace
}  // namespace tonari::sim
