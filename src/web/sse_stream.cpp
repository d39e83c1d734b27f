// Server-sent events from the bus.
#include "web/sse_stream.h"

namespace tonari::web {

std::string FormatSseEvent(const events::Event& e) {
    // The data is one line of JSON (the bus holds compact JSON), so one data: field carries it.
    std::string out = "id: " + std::to_string(e.id) + "\ndata: {\"id\":" + std::to_string(e.id) + ",\"type\":\"" + e.type +
                      "\",\"time\":" + std::to_string(e.time_ms) + ",\"data\":" + (e.data.empty() ? "{}" : e.data) + "}\n\n";
    return out;
}

SseStream::SseStream(const events::EventBus& bus, uint64_t last_seen)
    : m_bus(bus), m_last(last_seen), m_last_write(std::chrono::steady_clock::now()) {}

std::string SseStream::Take() {
    std::string out;
    if (!m_opened) {
        m_opened = true;
        out = "retry: 2000\nevent: hello\ndata: {\"epoch\":\"" + m_bus.Epoch() + "\",\"last_id\":" + std::to_string(m_bus.LastId()) +
              ",\"resume_from\":" + std::to_string(m_last) + "}\n\n";
    }
    const auto batch = m_bus.Since(m_last, MAX_EVENTS_PER_POLL);
    if (batch.gap) {
        out += "event: reset\ndata: {\"reason\":\"events were missed: reload the state\"}\n\n";
        // Nothing held to resume from (an id of another life, the ring empty): start at the
        // newest, so the reset is said once.
        if (batch.events.empty()) m_last = m_bus.LastId();
    }
    m_more = batch.events.size() == MAX_EVENTS_PER_POLL;
    for (const auto& e : batch.events) {
        out += FormatSseEvent(e);
        m_last = e.id;
    }
    const auto now = std::chrono::steady_clock::now();
    if (out.empty() && now - m_last_write >= KEEPALIVE) out = ": keepalive\n\n";
    if (!out.empty()) m_last_write = now;
    return out;
}

}  // namespace tonari::web
