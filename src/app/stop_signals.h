// StopSignals: SIGINT and SIGTERM blocked in the calling thread (and so in every thread it
// starts afterwards) and taken by waiting for them, so a command ends its work cleanly —
// files synced, peers told — instead of dying in the middle of a write.
#pragma once

#include <signal.h>

#include <chrono>

namespace tonari::app {

class StopSignals {
public:
    StopSignals();
    // The signal that arrived within `timeout` (SIGINT or SIGTERM), or 0.
    int WaitFor(std::chrono::milliseconds timeout);
    // Blocks until one arrives; returns it.
    int Wait();

private:
    sigset_t m_set;
};

}  // namespace tonari::app
