// The discrete-event core: scheduling, cancellation, running and the trace hash.
#include "sim/simulation.h"

#include <algorithm>
#include <limits>

namespace tonari::sim {

EventId Simulation::At(int64_t at_us, std::function<void()> fn) {
    const EventId id = m_next_id++;
    m_queue.push({std::max(at_us, m_now_us), id});
    m_pending.emplace(id, std::move(fn));
    return id;
}

bool Simulation::Cancel(EventId id) { return m_pending.erase(id) != 0; }

bool Simulation::RunNext(int64_t limit_us) {
    while (!m_queue.empty()) {
        const Slot slot = m_queue.top();
        auto it = m_pending.find(slot.id);
        if (it == m_pending.end()) {  // cancelled: its slot goes now
            m_queue.pop();
            continue;
        }
        if (slot.at_us > limit_us) return false;
        m_queue.pop();
        std::function<void()> fn = std::move(it->second);
        m_pending.erase(it);
        m_now_us = slot.at_us;
        ++m_events_run;
        Trace(static_cast<uint64_t>(slot.at_us));
        fn();
        return true;
    }
    return false;
}

bool Simulation::Step() { return RunNext(std::numeric_limits<int64_t>::max()); }

void Simulation::RunUntil(int64_t until_us) {
    while (RunNext(until_us)) {
    }
    m_now_us = std::max(m_now_us, until_us);
}

void Simulation::Trace(uint64_t value) {
    // FNV-1a over the value's bytes: cheap, and any difference in what ran changes it.
    for (int i = 0; i < 8; ++i) {
        m_trace ^= (value >> (8 * i)) & 0xff;
        m_trace *= 0x100000001b3ull;
    }
}

}  // namespace tonari::sim
