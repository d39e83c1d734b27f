// EventBus: what the services of a node report as it happens (a peer connected, a transaction
// first seen, a block connected, a torrent piece verified…) for whoever watches: the web
// dashboard's event stream now, the simulator's monitors later. It knows no protocol: an event
// is a type name, the node's own time and a JSON object's text.
//
// Ids start at 1 and rise by one per event, with no gaps, for the life of the bus; a random
// epoch names that life, so a watcher reconnecting to a restarted node can tell its ids began
// again. The last events are kept in a ring bounded in count and in bytes for replay
// (`Since`); a reader that fell behind the ring is told so (`gap`) and resumes at the oldest
// event kept. Publishing never waits for readers and costs one copy into the ring.
//
// Thread-safe: any thread may publish or read.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tonari::events {

// Attack (by any service's peers, through the events they cause): memory held for replay.
// A watcher further behind than this starts again from a snapshot.
inline constexpr size_t DEFAULT_MAX_EVENTS = 10'000;
inline constexpr size_t DEFAULT_MAX_BYTES = 8u << 20;
// One event's data larger than this is replaced by a note saying so (a bug, not a peer, makes
// them; the ring must not hold one giant event).
inline constexpr size_t MAX_EVENT_DATA_BYTES = 64 * 1024;

struct Event {
    uint64_t id = 0;
    std::string type;     // "peer_connected", "tx_seen", …
    int64_t time_ms = 0;  // the node's clock (milliseconds since 1970)
    std::string data;     // a JSON object's text
};

struct Batch {
    std::vector<Event> events;  // in id order
    bool gap = false;           // events after the reader's id were dropped from the ring (or never existed)
};

class EventBus {
public:
    using ClockMs = std::function<int64_t()>;

    explicit EventBus(ClockMs clock, size_t max_events = DEFAULT_MAX_EVENTS, size_t max_bytes = DEFAULT_MAX_BYTES);

    // Adds an event; returns its id.
    uint64_t Publish(std::string_view type, std::string data_json);

    // Events with ids above `after`, at most `max` of them.
    Batch Since(uint64_t after, size_t max) const;

    uint64_t LastId() const;
    // Random, fixed for the life of the bus (hex).
    const std::string& Epoch() const { return m_epoch; }
    size_t Held() const;        // events in the ring
    size_t HeldBytes() const;

private:
    ClockMs m_clock;
    size_t m_max_events;
    size_t m_max_bytes;
    std::string m_epoch;
    mutable std::mutex m_mutex;
    std::deque<Event> m_ring;
    size_t m_bytes = 0;
    uint64_t m_last_id = 0;
};

}  // namespace tonari::events
