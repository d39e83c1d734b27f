// The discrete-event core: events run in (time, scheduling order), cancelled ones never run,
// the clock follows the events, and the trace hash tells two different runs apart.
#include "sim/simulation.h"

#include <gtest/gtest.h>

#include <string>

namespace tonari::sim {
namespace {

TEST(Simulation, RunsEventsByTimeThenSchedulingOrder) {
    Simulation sim(1000);
    std::string order;
    sim.At(3000, [&] { order += 'c'; });
    sim.At(2000, [&] { order += 'a'; });
    sim.At(2000, [&] { order += 'b'; });
    sim.After(0, [&] {
        order += '0';
        // Scheduled from inside an event for the same instant: runs after those already queued.
        sim.After(0, [&] { order += '1'; });
    });
    sim.At(500, [&] { order += 'p'; });  // in the past: runs now
    while (sim.Step()) {
    }
    EXPECT_EQ(order, "0p1abc");
    EXPECT_EQ(sim.Now(), 3000);
    EXPECT_EQ(sim.EventsRun(), 6u);
}

TEST(Simulation, CancelledEventsNeverRun) {
    Simulation sim(0);
    int ran = 0;
    const EventId a = sim.At(10, [&] { ran += 1; });
    const EventId b = sim.At(20, [&] { ran += 10; });
    EXPECT_TRUE(sim.Cancel(a));
    EXPECT_FALSE(sim.Cancel(a));
    sim.RunUntil(15);
    EXPECT_EQ(sim.Now(), 15);
    EXPECT_EQ(ran, 0);
    EXPECT_EQ(sim.Pending(), 1u);
    sim.RunUntil(100);
    EXPECT_EQ(ran, 10);
    EXPECT_FALSE(sim.Cancel(b));  // already ran
    EXPECT_EQ(sim.Now(), 100);
}

TEST(Simulation, TraceHashDependsOnWhatRanAndWhen) {
    auto run = [](int64_t second_at, uint64_t traced) {
        Simulation sim(0);
        sim.At(10, [&sim, traced] { sim.Trace(traced); });
        sim.At(second_at, [] {});
        sim.RunUntil(1000);
        return sim.TraceHash();
    };
    EXPECT_EQ(run(20, 7), run(20, 7));
    EXPECT_NE(run(20, 7), run(21, 7));
    EXPECT_NE(run(20, 7), run(20, 8));
}

}  // namespace
}  // namespace tonari::sim
