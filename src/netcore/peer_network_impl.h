// Internal to netcore: the PeerNetwork implementation's types, shared by the files that
// define it — peer_network.cpp (lifecycle: listening, dialling, registering, stopping),
// peer_network_stream.cpp (stream handshakes before framing) and peer_network_io.cpp (each
// connection's reader and writer under deadlines, flow control and rate limits). Included
// by nothing else: Asio stays out of every other header.
#pragma once

#include "netcore/peer_network.h"

#include <algorithm>
#include <cassert>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <thread>

#include "netcore/token_bucket.h"

namespace tonari::netcore::detail {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;
using SteadyClock = std::chrono::steady_clock;
constexpr auto AS_TUPLE = asio::as_tuple(asio::use_awaitable);

// Bytes asked of the socket per read into a connection's buffer (payloads at least this big
// are read straight into their own buffer). Also what each connection keeps allocated.
constexpr size_t READ_CHUNK = 32 * 1024;
// Frames gathered into one write (writev); Asio hands at most 64 buffers to the kernel.
constexpr size_t MAX_WRITE_BATCH = 64;
// After accept fails for lack of descriptors or memory, wait this long instead of spinning
// (a descriptor-exhaustion flood must not also burn the io thread).
constexpr auto ACCEPT_RETRY_DELAY = std::chrono::milliseconds(100);
// Bytes asked of the socket per read during a stream handshake (they are small exchanges).
constexpr size_t HANDSHAKE_READ_CHUNK = 4096;
// Under a rate limit, a reader or writer waits until at least this much may move (or all it
// wants, if less): a slow limit means fewer, fuller reads and writes rather than a trickle of
// tiny ones, and no large payload waits for a bucket others keep emptying a little at a time.
constexpr size_t MIN_LIMITED_IO = 16 * 1024;
// How long Stop waits for the coroutines to end before stopping the io thread by force.
constexpr auto IO_DRAIN_LIMIT = std::chrono::seconds(10);

inline int64_t UnixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline PeerEndpoint ToPeerEndpoint(const tcp::endpoint& endpoint) {
    return {endpoint.address().to_string(), endpoint.port()};
}

// One TCP connection, kept alive by the network's table and by its two coroutines.
struct Connection {
    Connection(tcp::socket s, ConnectionId connection_id, bool is_inbound)
        : id(connection_id),
          inbound(is_inbound),
          socket(std::move(s)),
          read_timer(socket.get_executor()),
          reader_wake(socket.get_executor()),
          write_timer(socket.get_executor()),
          writer_wake(socket.get_executor()),
          rbuf(READ_CHUNK) {}

    const ConnectionId id;
    const bool inbound;
    tcp::socket socket;
    asio::steady_timer read_timer;   // inactivity deadline and token waits
    asio::steady_timer reader_wake;  // cancelled by FrameDone to resume a paused reader
    asio::steady_timer write_timer;  // write deadline
    asio::steady_timer writer_wake;  // cancelled by Send to wake an idle writer

    // io thread only.
    bool closed = false;  // Close ran: the socket is closed and the coroutines are ending
    int running = 2;      // reader and writer not yet finished
    std::vector<uint8_t> rbuf;
    size_t rbuf_begin = 0;
    size_t rbuf_end = 0;
    std::optional<TokenBucket> bucket;
    std::unique_ptr<StreamCipher> cipher;  // set by a stream handshake; null: plain bytes
    // With a cipher, rbuf holds the plaintext it produced and raw what the socket gave.
    util::Bytes raw;
    util::Bytes plain;

    // Guarded by PeerNetworkImpl::m_mutex.
    std::deque<util::Bytes> send_queue;  // not yet taken by the writer
    // With PeerNetworkOptions::send_delay: when each frame of send_queue was handed to Send.
    std::deque<SteadyClock::time_point> send_times;
    bool closing = false;                // no more Send, no more OnFrame
    std::string close_reason;
    bool writer_idle = false;
    bool writer_wake_posted = false;
    bool reader_wake_posted = false;
    ConnectionStats stats;
};

// An outbound dial in progress. Abort (timeout or Stop) makes every await in it end.
struct PendingConnect {
    PendingConnect(asio::io_context& io, PeerEndpoint to, uint64_t connect_tag)
        : remote(std::move(to)), tag(connect_tag), resolver(io), socket(io), timer(io) {}

    void Abort(const std::string& reason) {
        if (!abort_reason.empty()) return;
        abort_reason = reason;
        error_code ignored;
        resolver.cancel();
        socket.close(ignored);
        timer.cancel();
    }

    const PeerEndpoint remote;
    const uint64_t tag;
    bool inbound = false;  // an accepted connection in its stream handshake, not a dial
    SteadyClock::time_point started = SteadyClock::now();
    tcp::resolver resolver;
    tcp::socket socket;
    asio::steady_timer timer;  // connect_timeout, then handshake_timeout (see ArmDeadline)
    uint64_t deadline_generation = 0;
    std::string abort_reason;
};

struct Listener {
    explicit Listener(asio::io_context& io) : acceptor(io), retry(io) {}
    tcp::acceptor acceptor;
    asio::steady_timer retry;  // ACCEPT_RETRY_DELAY
};

// What a finished stream handshake leaves for the connection.
struct StreamStart {
    util::Bytes stream_bytes;  // already received past the handshake, decrypted
    std::unique_ptr<StreamCipher> cipher;
    std::string transport = "plaintext";
    util::Bytes session_id;
};

inline StreamStart TakeStreamStart(StreamHandshake& handshake) {
    StreamStart start;
    start.stream_bytes = handshake.TakeStreamBytes();
    start.cipher = handshake.TakeCipher();
    start.transport = handshake.Transport();
    start.session_id = handshake.SessionId();
    return start;
}

// (Re)arms a dial's single deadline. A generation number, not just cancel(): a wait that has
// already fired and queued its handler must not abort the attempt that re-armed the timer.
inline void ArmDeadline(const std::shared_ptr<PendingConnect>& pending, std::chrono::milliseconds after, const char* reason) {
    const uint64_t generation = ++pending->deadline_generation;
    pending->timer.expires_after(after);
    pending->timer.async_wait([pending, generation, reason](const error_code& ec) {
        if (!ec && pending->deadline_generation == generation) pending->Abort(reason);
    });
}

inline bool OutOfResources(const error_code& ec) {
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
           ec == asio::error::no_memory || ec.value() == ENFILE;
}

class PeerNetworkImpl final : public PeerNetwork {
public:
    PeerNetworkImpl(PeerNetworkOptions options, PeerNetworkEvents& events)
        : m_io(1), m_work(asio::make_work_guard(m_io)), m_options(std::move(options)), m_events(events) {
        if (m_options.total_recv_rate_bytes_per_sec > 0) {
            m_recv_total.emplace(m_options.total_recv_rate_bytes_per_sec, m_options.total_recv_rate_bytes_per_sec);
        }
        if (m_options.total_send_rate_bytes_per_sec > 0) {
            m_send_total.emplace(m_options.total_send_rate_bytes_per_sec, m_options.total_send_rate_bytes_per_sec);
        }
    }

    ~PeerNetworkImpl() override { Stop(); }

    util::Result<void, std::string> Bind();
    void Run();

    std::vector<PeerEndpoint> ListenEndpoints() const override { return m_bound; }

    void Connect(const PeerEndpoint& remote, uint64_t tag) override;
    void Resolve(const std::string& host, uint16_t port, ResolveHandler done) override;
    bool Send(ConnectionId id, util::Bytes frame) override;
    void FrameDone(ConnectionId id, size_t payload_bytes) override;
    void Disconnect(ConnectionId id, const std::string& reason) override;
    std::optional<ConnectionStats> Stats(ConnectionId id) const override;
    PeerNetworkStats NetworkStats() const override;
    void Stop() override;

private:
    template <typename Awaitable>
    void Spawn(Awaitable&& awaitable) {
        // Every loop catches its own exceptions, so nothing reaches this handler.
        asio::co_spawn(m_io, std::forward<Awaitable>(awaitable), [](std::exception_ptr) {});
    }

    bool Banned(const std::string& address);

    // --- Events: never called with m_mutex held (a handler may call back into us). ---

    template <typename F>
    void Deliver(F&& call) noexcept {
        try {
            call();
        } catch (...) {
            std::lock_guard lock(m_mutex);
            ++m_stats.handler_errors;
        }
    }
    void NotifyConnected(const ConnectionInfo& info, uint64_t tag);
    void NotifyFrame(ConnectionId id, util::Bytes header, util::Bytes payload);
    void NotifyDisconnected(ConnectionId id, const std::string& reason);
    void NotifyConnectFailed(const PeerEndpoint& remote, uint64_t tag, const std::string& reason);

    // --- Shutdown ---

    void StopOnIo();
    void BeginClose(const std::shared_ptr<Connection>& conn, const std::string& reason);
    void Close(Connection& c, const std::string& reason);
    void Finished(const std::shared_ptr<Connection>& conn);

    // --- Accepting and dialling ---

    asio::awaitable<void> AcceptLoop(Listener& listener);
    asio::awaitable<void> AcceptOne(Listener& listener);
    std::unique_ptr<StreamHandshake> MakeHandshake(bool inbound, uint64_t tag, const PeerEndpoint& remote);
    asio::awaitable<std::string> RunHandshake(tcp::socket& socket, const std::string& abort_reason,
                                              StreamHandshake& handshake);
    void StartInboundHandshake(tcp::socket socket, const tcp::endpoint& remote, const tcp::endpoint& local,
                               std::unique_ptr<StreamHandshake> handshake);
    bool EvictHandshake();
    asio::awaitable<void> InboundHandshake(std::shared_ptr<PendingConnect> pending,
                                           std::unique_ptr<StreamHandshake> handshake, tcp::endpoint remote,
                                           tcp::endpoint local);
    void BeginConnect(const PeerEndpoint& remote, uint64_t tag);
    asio::awaitable<void> ConnectLoop(std::shared_ptr<PendingConnect> pending);
    asio::awaitable<std::string> OutboundHandshake(std::shared_ptr<PendingConnect> pending, StreamStart& start);
    asio::awaitable<std::string> Dial(PendingConnect& pc);
    void Register(tcp::socket socket, bool inbound, const tcp::endpoint& remote, const tcp::endpoint& local,
                  uint64_t tag, StreamStart start);

    // --- Reading ---

    asio::awaitable<void> ReadLoop(std::shared_ptr<Connection> conn);
    asio::awaitable<void> ReadFrames(Connection& c);
    asio::awaitable<bool> WaitForConsumer(Connection& c);
    asio::awaitable<bool> Fill(Connection& c, std::span<uint8_t> out);
    asio::awaitable<bool> ReadDecrypted(Connection& c, size_t wanted);
    asio::awaitable<size_t> ReadSome(Connection& c, std::span<uint8_t> into, size_t wanted);

    // --- Writing ---

    asio::awaitable<void> WriteLoop(std::shared_ptr<Connection> conn);
    asio::awaitable<void> WriteFrames(Connection& c);
    asio::awaitable<bool> WriteAll(Connection& c, std::vector<asio::const_buffer>& buffers);

    // Declared first, destroyed last: pending operations refer to everything below.
    asio::io_context m_io;
    asio::executor_work_guard<asio::io_context::executor_type> m_work;
    const PeerNetworkOptions m_options;
    PeerNetworkEvents& m_events;
    std::vector<std::unique_ptr<Listener>> m_listeners;
    std::vector<PeerEndpoint> m_bound;

    // io thread only.
    std::optional<TokenBucket> m_recv_total;
    std::optional<TokenBucket> m_send_total;
    bool m_stopping = false;
    ConnectionId m_next_id = 1;
    std::set<std::shared_ptr<PendingConnect>> m_pending;
    mutable std::mutex m_mutex;
    // Guarded by m_mutex.
    std::map<ConnectionId, std::shared_ptr<Connection>> m_connections;
    PeerNetworkStats m_stats;
    bool m_stop_requested = false;
    bool m_io_done = false;
    std::condition_variable m_io_done_cv;
    std::thread m_thread;
};

}  // namespace tonari::netcore::detail
