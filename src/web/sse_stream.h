// SseStream: one browser's server-sent-event stream over the EventBus (the HTML standard's
// text/event-stream). It opens with a retry hint and a `hello` event (the bus's epoch and last
// id), then sends every event after the id the browser last saw — `Last-Event-ID` on a
// reconnect, so a page misses nothing the ring still holds — as
//   id: 42
//   data: {"id":42,"type":"tx_seen","time":1733500000000,"data":{…}}
// A browser further behind than the ring (or holding ids from another life of the node) gets a
// `reset` event first: it must reload /api/state. A comment line every KEEPALIVE keeps proxies
// and dead-peer detection honest. The stream holds no events itself: a slow browser only lags
// in the ring (and is dropped by the server when it stops reading).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "events/event_bus.h"
#include "netcore/http_stream.h"

namespace tonari::web {

// Events written per poll: a browser catching up takes the ring in slices.
inline constexpr size_t MAX_EVENTS_PER_POLL = 500;
inline constexpr auto KEEPALIVE = std::chrono::seconds(15);

// One event as SSE text.
std::string FormatSseEvent(const events::Event& e);

class SseStream final : public netcore::HttpStream {
public:
    SseStream(const events::EventBus& bus, uint64_t last_seen);
    std::string Take() override;
    bool Finished() const override { return false; }
    bool More() const override { return m_more; }

private:
    const events::EventBus& m_bus;
    uint64_t m_last;
    bool m_opened = false;
    bool m_more = false;  // the last batch was full
    std::chrono::steady_clock::time_point m_last_write;
};

}  // namespace tonari::web
