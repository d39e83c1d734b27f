// TickerThread: a thread that runs a service's periodic work (timeouts, pings, reconnects)
// every interval under the service's own mutex, until stopped. Several network services
// keep state behind one mutex and need the same loop; this is it, once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace tonari::util {

class TickerThread {
public:
    TickerThread() = default;
    TickerThread(const TickerThread&) = delete;
    TickerThread& operator=(const TickerThread&) = delete;
    ~TickerThread() { Stop(); }

    // Calls `tick` with `mutex` held at once, then every `interval`, on a thread of its own.
    void Start(std::mutex& mutex, std::chrono::milliseconds interval, std::function<void()> tick);
    // Runs the next tick now instead of at the end of the interval. Call with the mutex held.
    void Wake();
    // Stops and joins; false when it was stopped already (or never started). Call without the
    // mutex held: the last tick may be waiting for it.
    bool Stop();

private:
    std::mutex* m_mutex = nullptr;
    std::condition_variable m_wake;
    std::thread m_thread;
    bool m_woken = false;
    bool m_stopping = false;
};

}  // namespace tonari::util
