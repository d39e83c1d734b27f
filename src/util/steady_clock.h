// The monotonic clock in microseconds, as the network services' timers count it (never the
// wall clock: a clock set back must not stall pings or timeouts).
#pragma once

#include <chrono>
#include <cstdint>

namespace tonari::util {

inline int64_t SteadyNowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace tonari::util
