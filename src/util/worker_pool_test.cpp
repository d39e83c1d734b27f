// Tests for WorkerPool: every index runs exactly once (counted per index, so a duplicate or a
// skip both fail), empty loops, a one-thread pool, large loops, many reuses of one pool,
// explicit grains, nested calls, concurrent callers, and that work really spreads over the
// threads.
#include "util/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace tonari::util {
namespace {

// Runs a loop of n over the pool and checks each index was visited exactly once.
void ExpectEachOnce(WorkerPool& pool, size_t n, size_t grain = 0) {
    const auto counts = std::make_unique<std::atomic<uint32_t>[]>(n == 0 ? 1 : n);
    pool.ParallelFor(
        n, [&](size_t i) { counts[i].fetch_add(1, std::memory_order_relaxed); }, grain);
    size_t wrong = 0;
    for (size_t i = 0; i < n; ++i) wrong += counts[i].load() != 1;
    EXPECT_EQ(wrong, 0u) << "n=" << n << " grain=" << grain << " threads=" << pool.ThreadCount();
}

TEST(WorkerPool, DefaultSizeIsHardwareConcurrency) {
    WorkerPool pool;
    const size_t hw = std::thread::hardware_concurrency();
    EXPECT_EQ(pool.ThreadCount(), hw == 0 ? 1 : hw);
}

TEST(WorkerPool, ExplicitSize) {
    WorkerPool pool(3);
    EXPECT_EQ(pool.ThreadCount(), 3u);
}

TEST(WorkerPool, ZeroItemsNeverCallsFn) {
    WorkerPool pool(4);
    std::atomic<int> calls{0};
    pool.ParallelFor(0, [&](size_t) { calls++; });
    EXPECT_EQ(calls.load(), 0);
}

TEST(WorkerPool, OneThreadRunsEverythingOnCaller) {
    WorkerPool pool(1);
    EXPECT_EQ(pool.ThreadCount(), 1u);
    const std::thread::id self = std::this_thread::get_id();
    std::vector<size_t> order;
    bool other_thread = false;
    pool.ParallelFor(1000, [&](size_t i) {
        order.push_back(i);  // no lock: must all run on this thread, in order
        other_thread |= std::this_thread::get_id() != self;
    });
    EXPECT_FALSE(other_thread);
    ASSERT_EQ(order.size(), 1000u);
    for (size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], i);
}

TEST(WorkerPool, EachIndexOnceForManySizes) {
    WorkerPool pool(4);
    for (size_t n : {1u, 2u, 3u, 7u, 31u, 32u, 33u, 100u, 1000u, 4097u}) ExpectEachOnce(pool, n);
}

TEST(WorkerPool, ManyItems) {
    WorkerPool pool(4);
    ExpectEachOnce(pool, 1'000'003);
    // Sum check as a second, independent witness of exactly-once.
    std::atomic<uint64_t> sum{0};
    const size_t n = 200'000;
    pool.ParallelFor(n, [&](size_t i) { sum.fetch_add(i, std::memory_order_relaxed); });
    EXPECT_EQ(sum.load(), uint64_t{n} * (n - 1) / 2);
}

TEST(WorkerPool, ExplicitGrains) {
    WorkerPool pool(3);
    for (size_t grain : {1u, 2u, 5u, 64u, 999u, 1000u, 5000u}) ExpectEachOnce(pool, 1000, grain);
}

TEST(WorkerPool, ReuseManyTimes) {
    WorkerPool pool(4);
    std::atomic<uint64_t> total{0};
    for (int round = 0; round < 2000; ++round) {
        const size_t n = 1 + static_cast<size_t>(round % 50);
        pool.ParallelFor(
            n, [&](size_t) { total.fetch_add(1, std::memory_order_relaxed); }, 1);
    }
    uint64_t expected = 0;
    for (int round = 0; round < 2000; ++round) expected += 1 + static_cast<uint64_t>(round % 50);
    EXPECT_EQ(total.load(), expected);
    ExpectEachOnce(pool, 12345);
}

TEST(WorkerPool, WorkSpreadsOverThreads) {
    WorkerPool pool(4);
    std::mutex mutex;
    std::set<std::thread::id> seen;
    // Items that take a little while, one per chunk, so idle workers must pick some up.
    pool.ParallelFor(
        64,
        [&](size_t) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            std::lock_guard lock(mutex);
            seen.insert(std::this_thread::get_id());
        },
        1);
    EXPECT_GE(seen.size(), 2u);
    EXPECT_LE(seen.size(), 4u);
}

TEST(WorkerPool, NestedCallRunsSerially) {
    WorkerPool pool(3);
    std::atomic<uint64_t> total{0};
    pool.ParallelFor(
        8,
        [&](size_t) {
            pool.ParallelFor(
                100, [&](size_t j) { total.fetch_add(j, std::memory_order_relaxed); }, 1);
        },
        1);
    EXPECT_EQ(total.load(), 8u * (99u * 100u / 2u));
}

TEST(WorkerPool, ConcurrentCallersAreSerialized) {
    WorkerPool pool(3);
    std::atomic<uint64_t> total{0};
    {
        std::vector<std::jthread> callers;
        for (int c = 0; c < 4; ++c) {
            callers.emplace_back([&] {
                for (int r = 0; r < 200; ++r) {
                    pool.ParallelFor(
                        64, [&](size_t) { total.fetch_add(1, std::memory_order_relaxed); }, 4);
                }
            });
        }
    }
    EXPECT_EQ(total.load(), 4u * 200u * 64u);
}

TEST(WorkerPool, DestroyIdlePoolJoins) {
    for (int i = 0; i < 50; ++i) {
        WorkerPool pool(4);
        if (i % 2 == 0) ExpectEachOnce(pool, 100, 1);
    }
}

}  // namespace
}  // namespace tonari::util
