// Simulation: a discrete-event core. One simulated clock (microseconds since the epoch) owned
// by the object, so several simulations can run side by side; an event queue ordered by
// (time, sequence number), so events at the same instant run in the order they were
// scheduled; cancellation in O(1) whatever the queue holds (the event's function is dropped,
// its queue slot skipped when reached). A run is a pure function of what is scheduled: no
// wall clock, no threads. Every event run is folded into a trace hash, which the code being
// simulated can extend (Trace) so that two runs can be compared in one number.
//
// Not thread-safe: a simulation runs on one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <unordered_map>
#include <vector>

namespace tonari::sim {

using EventId = uint64_t;

class Simulation {
public:
    explicit Simulation(int64_t start_us) : m_now_us(start_us) {}
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    int64_t Now() const { return m_now_us; }

    // Runs `fn` at `at_us` (not before now: a time in the past means now).
    EventId At(int64_t at_us, std::function<void()> fn);
    EventId After(int64_t delay_us, std::function<void()> fn) { return At(m_now_us + delay_us, std::move(fn)); }
    // False when the event already ran or was cancelled.
    bool Cancel(EventId id);

    // Runs the next event; false when none is left.
    bool Step();
    // Runs every event due at or before `until_us`, then sets the clock to it.
    void RunUntil(int64_t until_us);

    // Folds a value into the trace (what happened, beyond when events ran).
    void Trace(uint64_t value);
    uint64_t TraceHash() const { return m_trace; }
    uint64_t EventsRun() const { return m_events_run; }
    size_t Pending() const { return m_pending.size(); }

private:
    // Runs the first live event due at or before limit_us; false when there is none.
    bool RunNext(int64_t limit_us);

    struct Slot {
        int64_t at_us;
        EventId id;  // also the sequence number: ids grow with scheduling order
        bool operator>(const Slot& o) const { return at_us != o.at_us ? at_us > o.at_us : id > o.id; }
    };

    int64_t m_now_us;
    EventId m_next_id = 1;
    std::priority_queue<Slot, std::vector<Slot>, std::greater<>> m_queue;
    // Looked up by id only, never iterated: its order cannot leak into a run.
    std::unordered_map<EventId, std::function<void()>> m_pending;
    uint64_t m_trace = 0xcbf29ce484222325ull;
    uint64_t m_events_run = 0;
};

}  // namespace tonari::sim
