// Blocking and waiting for the stop signals.
#include "app/stop_signals.h"

#include <pthread.h>

namespace tonari::app {

StopSignals::StopSignals() {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGINT);
    sigaddset(&m_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &m_set, nullptr);
}

int StopSignals::WaitFor(std::chrono::milliseconds timeout) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    const timespec wait{static_cast<time_t>(secs.count()), static_cast<long>((timeout - secs).count() * 1'000'000)};
    const int sig = sigtimedwait(&m_set, nullptr, &wait);
    return sig > 0 ? sig : 0;
}

int StopSignals::Wait() {
    int sig = 0;
    while (sigwait(&m_set, &sig) != 0) {
    }
    return sig;
}

}  // namespace tonari::app
