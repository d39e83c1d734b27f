// WorkerPool: the job hand-off. A job is posted by pointer under m_mutex with a new generation
// number; workers that wake register as helpers, pull chunks from the job's atomic counter
// until it runs dry, and deregister. The caller pulls chunks too, then withdraws the job
// (so late wakers ignore it) and waits for the registered helpers to leave.
#include "util/worker_pool.h"

#include <algorithm>

namespace tonari::util {

WorkerPool::WorkerPool(size_t threads) {
    if (threads == 0) threads = std::max<size_t>(1, std::thread::hardware_concurrency());
    m_workers.reserve(threads - 1);
    for (size_t i = 1; i < threads; ++i) {
        m_workers.emplace_back([this](std::stop_token stop) { WorkerLoop(stop); });
    }
}

// The jthreads request stop and join in their destructors; the stop request wakes the
// condition_variable_any wait in WorkerLoop.
WorkerPool::~WorkerPool() = default;

bool WorkerPool::IsPoolThread() const {
    const std::thread::id self = std::this_thread::get_id();
    if (m_running_caller.load(std::memory_order_relaxed) == self) return true;
    return std::any_of(m_workers.begin(), m_workers.end(),
                       [&](const std::jthread& t) { return t.get_id() == self; });
}

void WorkerPool::RunChunks(Job& job) {
    while (true) {
        const size_t begin = job.next.fetch_add(job.grain, std::memory_order_relaxed);
        if (begin >= job.n) return;
        job.fn(job.ctx, begin, std::min(job.n, begin + job.grain));
    }
}

void WorkerPool::Run(size_t n, size_t grain, void* ctx, RangeFn fn) {
    if (n == 0) return;
    const size_t threads = ThreadCount();
    if (grain == 0) grain = std::max<size_t>(1, n / (threads * CHUNKS_PER_THREAD));
    const size_t chunks = (n - 1) / grain + 1;

    // Serial paths: nothing to share, no workers, or a nested call from inside fn (the pool
    // is busy with the outer loop, so waiting for it would deadlock).
    if (chunks == 1 || m_workers.empty() || IsPoolThread()) {
        fn(ctx, 0, n);
        return;
    }

    std::lock_guard run_lock(m_run_mutex);
    m_running_caller.store(std::this_thread::get_id(), std::memory_order_relaxed);

    Job job;
    job.n = n;
    job.grain = grain;
    job.ctx = ctx;
    job.fn = fn;
    const size_t wanted = std::min(m_workers.size(), chunks - 1);
    {
        std::lock_guard lock(m_mutex);
        m_job = &job;
        ++m_generation;
    }
    if (wanted == m_workers.size()) {
        m_work_cv.notify_all();
    } else {
        for (size_t i = 0; i < wanted; ++i) m_work_cv.notify_one();
    }

    RunChunks(job);

    {
        std::unique_lock lock(m_mutex);
        m_job = nullptr;
        m_done_cv.wait(lock, [&] { return job.helpers == 0; });
    }
    m_running_caller.store(std::thread::id{}, std::memory_order_relaxed);
}

void WorkerPool::WorkerLoop(std::stop_token stop) {
    uint64_t seen = 0;
    std::unique_lock lock(m_mutex);
    while (true) {
        // Returns false only when stop is requested and no new generation arrived.
        if (!m_work_cv.wait(lock, stop, [&] { return m_generation != seen; })) return;
        seen = m_generation;
        Job* job = m_job;
        if (job == nullptr) continue;  // woke after the caller already finished it
        ++job->helpers;
        lock.unlock();
        RunChunks(*job);
        lock.lock();
        if (--job->helpers == 0) m_done_cv.notify_one();
    }
}

}  // namespace tonari::util
