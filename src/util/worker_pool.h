// WorkerPool: a fixed set of threads that runs data-parallel loops (script checks of a block,
// batch hashing). ParallelFor(n, fn) calls fn(i) exactly once for every i < n, spread over
// the pool's threads and the calling thread, and returns when all calls have finished.
//
// Work is handed out in chunks of consecutive indices from one shared counter, in ascending
// order, so the cost per item is one inlined call plus 1/grain of an atomic increment. The
// pool owns its threads (std::jthread): destroying it stops and joins them. fn must not throw
// (the project does not use exceptions on these paths; a throw in a worker terminates).
//
// Thread-safety: ParallelFor may be called from any thread; concurrent calls on one pool are
// serialized (one loop runs at a time). A call made from inside fn (nested) runs serially on
// the calling thread instead of deadlocking.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace tonari::util {

class WorkerPool {
public:
    // `threads` is the total parallelism including the calling thread: the pool starts
    // threads - 1 workers, since the caller of ParallelFor works too. 0 means
    // std::thread::hardware_concurrency() (or 1 if that is unknown).
    explicit WorkerPool(size_t threads = 0);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Threads that take part in a ParallelFor, the caller included (>= 1).
    size_t ThreadCount() const { return m_workers.size() + 1; }

    // Calls fn(i) for each i in [0, n), each exactly once, and returns after the last call
    // completes. `grain` is the chunk size handed to a thread at a time; 0 picks one that
    // gives each thread about CHUNKS_PER_THREAD chunks. Loops with a single chunk run on the
    // caller alone, without waking any worker.
    template <typename Fn>
    void ParallelFor(size_t n, Fn&& fn, size_t grain = 0) {
        auto range = [&fn](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) fn(i);
        };
        using Range = decltype(range);
        Run(n, grain, &range,
            [](void* ctx, size_t begin, size_t end) { (*static_cast<Range*>(ctx))(begin, end); });
    }

    // Automatic grain: enough chunks per thread that uneven item costs still balance.
    static constexpr size_t CHUNKS_PER_THREAD = 8;

private:
    using RangeFn = void (*)(void* ctx, size_t begin, size_t end);

    // One ParallelFor in flight; lives on the caller's stack. The caller does not return
    // before `helpers` is back to zero, so workers never touch a dead Job.
    struct Job {
        size_t n = 0;
        size_t grain = 1;
        void* ctx = nullptr;
        RangeFn fn = nullptr;
        std::atomic<size_t> next{0};  // first index not yet handed out
        size_t helpers = 0;           // workers inside RunChunks; guarded by m_mutex
    };

    void Run(size_t n, size_t grain, void* ctx, RangeFn fn);
    static void RunChunks(Job& job);
    void WorkerLoop(std::stop_token stop);
    bool IsPoolThread() const;

    std::mutex m_run_mutex;                           // serializes ParallelFor calls
    std::atomic<std::thread::id> m_running_caller{};  // thread inside ParallelFor, for nesting

    std::mutex m_mutex;
    std::condition_variable_any m_work_cv;  // workers wait here for a new generation
    std::condition_variable m_done_cv;      // the caller waits here for helpers to leave
    Job* m_job = nullptr;                   // the current job, or null between jobs
    uint64_t m_generation = 0;              // bumped once per posted job

    // Last member: the threads are stopped and joined before anything they use is destroyed.
    std::vector<std::jthread> m_workers;
};

}  // namespace tonari::util
