// SerialExecutor: order, results, nesting, and draining on destruction.
#include "util/serial_executor.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tonari::util {
namespace {

TEST(SerialExecutor, RunsInOrderOnOneThreadAndReturnsResults) {
    SerialExecutor ex;
    std::vector<int> seen;  // touched only on the executor's thread
    std::thread::id id;
    for (int i = 0; i < 100; ++i) ex.Post([&seen, i] { seen.push_back(i); });
    EXPECT_EQ(ex.Run([&] {
                  id = std::this_thread::get_id();
                  return static_cast<int>(seen.size());
              }),
              100);
    EXPECT_NE(id, std::this_thread::get_id());
    for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);
    EXPECT_FALSE(ex.OnThisThread());
}

TEST(SerialExecutor, NestedRunDoesNotDeadlock) {
    SerialExecutor ex;
    EXPECT_EQ(ex.Run([&ex] { return ex.Run([] { return 7; }) + 1; }), 8);
}

TEST(SerialExecutor, ManyCallersAreSerialized) {
    SerialExecutor ex;
    int counter = 0;  // unsynchronized on purpose: only the executor's thread touches it
    std::vector<std::thread> callers;
    for (int t = 0; t < 4; ++t) {
        callers.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) ex.Run([&] { ++counter; });
        });
    }
    for (auto& c : callers) c.join();
    EXPECT_EQ(ex.Run([&] { return counter; }), 4000);
}

TEST(SerialExecutor, DestructionRunsWhatIsQueued) {
    int ran = 0;
    {
        SerialExecutor ex;
        for (int i = 0; i < 50; ++i) ex.Post([&ran] { ++ran; });
    }
    EXPECT_EQ(ran, 50);
}

}  // namespace
}  // namespace tonari::util
