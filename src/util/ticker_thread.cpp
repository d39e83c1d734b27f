// The ticker's loop and its stop.
#include "util/ticker_thread.h"

namespace tonari::util {

void TickerThread::Start(std::mutex& mutex, std::chrono::milliseconds interval, std::function<void()> tick) {
    m_mutex = &mutex;
    m_thread = std::thread([this, interval, tick = std::move(tick)] {
        std::unique_lock lock(*m_mutex);
        while (!m_stopping) {
            tick();
            m_wake.wait_for(lock, interval, [this] { return m_stopping || m_woken; });
            m_woken = false;
        }
    });
}

void TickerThread::Wake() {
    m_woken = true;
    m_wake.notify_all();
}

bool TickerThread::Stop() {
    if (m_mutex == nullptr) return false;
    {
        std::lock_guard lock(*m_mutex);
        if (m_stopping) return false;
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
    return true;
}

}  // namespace tonari::util
