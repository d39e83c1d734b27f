// TokenBucket: refill on demand from the elapsed time, never above the burst.
#include "netcore/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace tonari::netcore {

TokenBucket::TokenBucket(double rate_per_second, double burst)
    : m_rate(rate_per_second > 0 && std::isfinite(rate_per_second) ? rate_per_second : 0),
      m_burst(burst > 0 ? burst : 0),
      m_tokens(m_burst) {}

double TokenBucket::Available(Clock::time_point now) const {
    if (!m_started || now <= m_last) return m_tokens;
    const double elapsed = std::chrono::duration<double>(now - m_last).count();
    return std::min(m_burst, m_tokens + elapsed * m_rate);
}

bool TokenBucket::TryTake(double n, Clock::time_point now) {
    if (!(n >= 0)) return false;  // also rejects NaN
    m_tokens = Available(now);
    if (!m_started || now > m_last) m_last = now;
    m_started = true;
    if (n > m_tokens) return false;
    m_tokens -= n;
    return true;
}

void TokenBucket::Spend(double n, Clock::time_point now) {
    if (!(n >= 0)) return;
    m_tokens = Available(now) - n;
    if (!m_started || now > m_last) m_last = now;
    m_started = true;
}

TokenBucket::Clock::duration TokenBucket::TimeUntil(double n, Clock::time_point now) const {
    const double available = Available(now);
    if (n <= available) return Clock::duration::zero();
    if (n > m_burst || m_rate <= 0) return Clock::duration::max();
    // Rounded up to the next microsecond, so waiting this long is always enough.
    const double micros = std::ceil((n - available) / m_rate * 1e6) + 1;
    return std::chrono::duration_cast<Clock::duration>(std::chrono::microseconds(static_cast<int64_t>(micros)));
}

}  // namespace tonari::netcore
