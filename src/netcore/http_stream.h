// HttpStream: a response body produced over time — server-sent events — instead of all at
// once. The HttpServer writes the response head (no Content-Length; the body ends when the
// connection does), then asks the stream for bytes every STREAM_POLL_INTERVAL on its io thread
// and writes them. A client that does not take a write within STREAM_WRITE_TIMEOUT is dropped,
// so a stalled reader costs the server one socket buffer, never a growing queue; the stream
// itself decides how much it hands over per poll. A stream's socket gets a fixed send buffer of
// STREAM_SEND_BUFFER (the kernel's autotuning would let a stalled reader park megabytes there)
// and TCP_USER_TIMEOUT, so a reader that vanished without closing is dropped too.
#pragma once

#include <chrono>
#include <string>

namespace tonari::netcore {

inline constexpr auto STREAM_POLL_INTERVAL = std::chrono::milliseconds(100);
// Attack (or a browser tab in the background): a reader that stops reading.
inline constexpr auto STREAM_WRITE_TIMEOUT = std::chrono::seconds(10);
inline constexpr int STREAM_SEND_BUFFER = 64 * 1024;
inline constexpr auto STREAM_USER_TIMEOUT = std::chrono::seconds(30);

class HttpStream {
public:
    virtual ~HttpStream() = default;
    // Bytes to send now (empty: nothing yet). Called on the server's io thread: must not block.
    virtual std::string Take() = 0;
    // True once nothing more will come; the server closes the connection after the last Take.
    virtual bool Finished() const = 0;
    // True when the last Take left more ready at once (a reader catching up): the server asks
    // again without waiting for the next poll.
    virtual bool More() const { return false; }
};

}  // namespace tonari::netcore
