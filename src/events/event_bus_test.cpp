// The event ring: gap-free ids in order, replay from any id still held, a gap reported (and
// the oldest kept event next) once a reader fell behind the count or byte bound, ids from
// another life refused as a gap, oversized data replaced, and publishing from several threads
// at once losing nothing.
#include "events/event_bus.h"

#include <gtest/gtest.h>

#include <thread>

namespace tonari::events {
namespace {

TEST(EventBus, IdsRiseWithoutGapsAndReplay) {
    int64_t now = 1000;
    EventBus bus([&now] { return now++; });
    EXPECT_EQ(bus.LastId(), 0u);
    EXPECT_TRUE(bus.Since(0, 10).events.empty());
    for (int i = 1; i <= 5; ++i) EXPECT_EQ(bus.Publish("tick", "{\"n\":" + std::to_string(i) + "}"), static_cast<uint64_t>(i));
    const auto all = bus.Since(0, 100);
    EXPECT_FALSE(all.gap);
    ASSERT_EQ(all.events.size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(all.events[i].id, i + 1);
        EXPECT_EQ(all.events[i].type, "tick");
        EXPECT_EQ(all.events[i].time_ms, static_cast<int64_t>(1000 + i));
    }
    const auto rest = bus.Since(3, 100);
    ASSERT_EQ(rest.events.size(), 2u);
    EXPECT_EQ(rest.events[0].id, 4u);
    EXPECT_EQ(bus.Since(3, 1).events.size(), 1u);  // at most `max`
    EXPECT_TRUE(bus.Since(5, 100).events.empty());
    EXPECT_EQ(bus.Epoch().size(), 16u);
}

TEST(EventBus, AReaderBehindTheRingIsToldOfTheGap) {
    EventBus bus([] { return 0; }, 4);
    for (int i = 0; i < 10; ++i) bus.Publish("e", "{}");
    EXPECT_EQ(bus.Held(), 4u);
    const auto b = bus.Since(2, 100);
    EXPECT_TRUE(b.gap);
    ASSERT_EQ(b.events.size(), 4u);
    EXPECT_EQ(b.events.front().id, 7u);
    EXPECT_FALSE(bus.Since(6, 100).gap);  // exactly at the edge: nothing lost
    // An id this bus never gave (the node restarted): a gap, from the oldest kept.
    const auto future = bus.Since(99, 100);
    EXPECT_TRUE(future.gap);
    EXPECT_EQ(future.events.front().id, 7u);
}

TEST(EventBus, BytesAreBoundedToo) {
    EventBus bus([] { return 0; }, 1000, 10'000);
    for (int i = 0; i < 1000; ++i) bus.Publish("big", "{\"x\":\"" + std::string(500, 'a') + "\"}");
    EXPECT_LE(bus.HeldBytes(), 10'000u);
    EXPECT_GE(bus.Held(), 1u);
    EXPECT_EQ(bus.LastId(), 1000u);
    bus.Publish("huge", std::string(MAX_EVENT_DATA_BYTES + 1, 'x'));
    const auto last = bus.Since(1000, 10);
    ASSERT_EQ(last.events.size(), 1u);
    EXPECT_LT(last.events[0].data.size(), 100u);
}

TEST(EventBus, ConcurrentPublishersLoseNothing) {
    EventBus bus([] { return 0; }, 100'000);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&bus] {
            for (int i = 0; i < 2500; ++i) bus.Publish("e", "{}");
        });
    }
    for (auto& t : threads) t.join();
    const auto all = bus.Since(0, 100'000);
    ASSERT_EQ(all.events.size(), 10'000u);
    for (size_t i = 0; i < all.events.size(); ++i) EXPECT_EQ(all.events[i].id, i + 1);
}

}  // namespace
}  // namespace tonari::events
