// TokenBucket: a rate limit as a plain value. Tokens (bytes, messages…) refill at a fixed rate
// up to a burst; a caller takes tokens before doing the work they pay for. Time is injected
// (every call takes `now`), so the limit is tested without clocks or sleeps.
// Not thread-safe: one owner (e.g. one connection's reader) uses it.
#pragma once

#include <chrono>

namespace tonari::netcore {

class TokenBucket {
public:
    using Clock = std::chrono::steady_clock;

    // Starts full (`burst` tokens). A rate ≤ 0 never refills; a negative burst counts as 0.
    TokenBucket(double rate_per_second, double burst);

    // Takes `n` tokens if that many are available at `now`; otherwise takes nothing.
    // n == 0 always succeeds; n < 0 never does.
    bool TryTake(double n, Clock::time_point now);
    // Takes `n` tokens whatever is available, going into debt that later refills must pay
    // off: for bytes already moved (the socket may take a little more than was looked at).
    // n < 0 is ignored.
    void Spend(double n, Clock::time_point now);
    // Tokens available at `now` (never more than the burst). A `now` earlier than the last
    // call refills nothing: a clock that steps back cannot mint tokens.
    double Available(Clock::time_point now) const;
    // How long from `now` until `n` tokens are available: zero if they already are,
    // Clock::duration::max() if they never will be (n above the burst, or no refill).
    Clock::duration TimeUntil(double n, Clock::time_point now) const;

    double Rate() const { return m_rate; }
    double Burst() const { return m_burst; }

private:
    double m_rate;
    double m_burst;
    double m_tokens;
    Clock::time_point m_last{};
    bool m_started = false;  // m_last is meaningful only after the first TryTake
};

}  // namespace tonari::netcore
