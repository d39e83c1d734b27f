// TickerThread: a tick at once and then on every wake (not an hour later), under the caller's
// mutex; stopped once.
#include "util/ticker_thread.h"

#include <gtest/gtest.h>

namespace tonari::util {
namespace {

// Waits (up to 20 s) until `done` holds, looking under the mutex.
bool WaitUnder(std::mutex& mutex, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard lock(mutex);
            if (done()) return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

TEST(TickerThread, TicksAtOnceAndWhenWokenUnderTheMutexAndStopsOnce) {
    std::mutex mutex;
    int ticks = 0;  // guarded by the mutex, like a service's state
    TickerThread ticker;
    ticker.Start(mutex, std::chrono::hours(1), [&] { ++ticks; });
    ASSERT_TRUE(WaitUnder(mutex, [&] { return ticks == 1; }));
    {
        std::lock_guard lock(mutex);
        ticker.Wake();  // an hour early
    }
    ASSERT_TRUE(WaitUnder(mutex, [&] { return ticks == 2; }));
    EXPECT_TRUE(ticker.Stop());
    EXPECT_FALSE(ticker.Stop());
    TickerThread never_started;
    EXPECT_FALSE(never_started.Stop());
}

}  // namespace
}  // namespace tonari::util
