// The event ring.
#include "events/event_bus.h"

#include <random>

namespace tonari::events {
namespace {

size_t Cost(const Event& e) { return e.type.size() + e.data.size() + sizeof(Event); }

std::string NewEpoch() {
    std::random_device rd;
    const uint64_t r = (uint64_t{rd()} << 32) ^ rd();
    static const char* const digits = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) out += digits[(r >> (4 * i)) & 0xf];
    return out;
}

}  // namespace

EventBus::EventBus(ClockMs clock, size_t max_events, size_t max_bytes)
    : m_clock(std::move(clock)), m_max_events(std::max<size_t>(max_events, 1)), m_max_bytes(max_bytes), m_epoch(NewEpoch()) {}

uint64_t EventBus::Publish(std::string_view type, std::string data_json) {
    if (data_json.size() > MAX_EVENT_DATA_BYTES) {
        data_json = "{\"dropped\":\"data of " + std::to_string(data_json.size()) + " bytes\"}";
    }
    const int64_t now = m_clock ? m_clock() : 0;
    std::lock_guard lock(m_mutex);
    Event e{++m_last_id, std::string(type), now, std::move(data_json)};
    m_bytes += Cost(e);
    m_ring.push_back(std::move(e));
    while (m_ring.size() > m_max_events || (m_bytes > m_max_bytes && m_ring.size() > 1)) {
        m_bytes -= Cost(m_ring.front());
        m_ring.pop_front();
    }
    return m_last_id;
}

Batch EventBus::Since(uint64_t after, size_t max) const {
    std::lock_guard lock(m_mutex);
    Batch b;
    if (after > m_last_id) {
        // Ids from another life of the node (or invented): start over from what is kept.
        b.gap = true;
        after = m_ring.empty() ? m_last_id : m_ring.front().id - 1;
    }
    if (m_ring.empty() || after >= m_last_id) return b;
    const uint64_t first = m_ring.front().id;
    if (after + 1 < first) {
        b.gap = true;
        after = first - 1;
    }
    for (size_t i = static_cast<size_t>(after + 1 - first); i < m_ring.size() && b.events.size() < max; ++i) {
        b.events.push_back(m_ring[i]);
    }
    return b;
}

uint64_t EventBus::LastId() const {
    std::lock_guard lock(m_mutex);
    return m_last_id;
}

size_t EventBus::Held() const {
    std::lock_guard lock(m_mutex);
    return m_ring.size();
}

size_t EventBus::HeldBytes() const {
    std::lock_guard lock(m_mutex);
    return m_bytes;
}

}  // namespace tonari::events
