// SerialExecutor: one thread that runs tasks one at a time, in the order posted. The node's
// chainstate lives on one of these (the "validation strand"): RPC threads and peers hand it
// work instead of taking locks, so consensus code stays single-threaded.
//
// Run(f) blocks the caller until f has run there and returns f's result; a Run from inside
// a task runs f at once (no deadlock). Destroying the executor runs what is queued, then joins.
// Tasks must not throw. Thread-safety: Post and Run may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

namespace tonari::util {

class SerialExecutor {
public:
    SerialExecutor();
    ~SerialExecutor();
    SerialExecutor(const SerialExecutor&) = delete;
    SerialExecutor& operator=(const SerialExecutor&) = delete;

    void Post(std::function<void()> task);

    template <class F>
    std::invoke_result_t<F&> Run(F&& f) {
        if (OnThisThread()) return f();
        auto task = std::make_shared<std::packaged_task<std::invoke_result_t<F&>()>>(std::forward<F>(f));
        auto result = task->get_future();
        Post([task] { (*task)(); });
        return result.get();
    }

    bool OnThisThread() const { return std::this_thread::get_id() == m_thread.get_id(); }

private:
    void Loop();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_tasks;
    bool m_stopping = false;
    std::thread m_thread;  // last: started once everything above exists
};

}  // namespace tonari::util
