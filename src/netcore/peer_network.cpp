// PeerNetwork over Asio C++20 coroutines: an accept loop per listen endpoint, a dial
// coroutine per Connect, and per connection a reader (header → FrameFormat → payload, under
// the inactivity deadline, the receive token bucket and the unprocessed-bytes pause) and a
// writer (drains the send queue, each write under the write deadline). Every coroutine is
// owned: Stop closes what it waits on, and the io thread is joined only once all have ended.
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

namespace tonari::netcore {

namespace {

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

int64_t UnixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

PeerEndpoint ToPeerEndpoint(const tcp::endpoint& endpoint) {
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

    // Guarded by PeerNetworkImpl::m_mutex.
    std::deque<util::Bytes> send_queue;  // not yet taken by the writer
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
};

StreamStart TakeStreamStart(StreamHandshake& handshake) {
    StreamStart start;
    start.stream_bytes = handshake.TakeStreamBytes();
    start.cipher = handshake.TakeCipher();
    start.transport = handshake.Transport();
    return start;
}

// (Re)arms a dial's single deadline. A generation number, not just cancel(): a wait that has
// already fired and queued its handler must not abort the attempt that re-armed the timer.
void ArmDeadline(const std::shared_ptr<PendingConnect>& pending, std::chrono::milliseconds after, const char* reason) {
    const uint64_t generation = ++pending->deadline_generation;
    pending->timer.expires_after(after);
    pending->timer.async_wait([pending, generation, reason](const error_code& ec) {
        if (!ec && pending->deadline_generation == generation) pending->Abort(reason);
    });
}

bool OutOfResources(const error_code& ec) {
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

    util::Result<void, std::string> Bind() {
        for (const auto& ep : m_options.listen) {
            error_code ec;
            const auto address = asio::ip::make_address(ep.address, ec);
            if (ec) return util::Fail("cannot listen on " + ep.ToString() + ": not an IP address");
            auto listener = std::make_unique<Listener>(m_io);
            auto& acceptor = listener->acceptor;
            const tcp::endpoint endpoint(address, ep.port);
            acceptor.open(endpoint.protocol(), ec);
            if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
            if (!ec && address.is_v6()) acceptor.set_option(asio::ip::v6_only(true), ec);
            if (!ec) acceptor.bind(endpoint, ec);
            if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
            const auto local = ec ? tcp::endpoint() : acceptor.local_endpoint(ec);
            if (ec) return util::Fail("cannot listen on " + ep.ToString() + ": " + ec.message());
            m_bound.push_back(ToPeerEndpoint(local));
            m_listeners.push_back(std::move(listener));
        }
        return {};
    }

    void Run() {
        for (auto& listener : m_listeners) Spawn(AcceptLoop(*listener));
        // Exactly one thread runs m_io: the reader's and writer's wake-ups rely on no wake
        // handler running while the coroutine it wakes is between its check and its wait.
        m_thread = std::thread([this] {
            m_io.run();
            std::lock_guard lock(m_mutex);
            m_io_done = true;
            m_io_done_cv.notify_all();
        });
    }

    std::vector<PeerEndpoint> ListenEndpoints() const override { return m_bound; }

    void Connect(const PeerEndpoint& remote, uint64_t tag) override {
        // Posted under the lock Stop takes: a Connect either precedes Stop's shutdown on the
        // io thread (and gets its answer) or is ignored.
        std::lock_guard lock(m_mutex);
        if (m_stop_requested) return;
        asio::post(m_io, [this, remote, tag] { BeginConnect(remote, tag); });
    }

    void Resolve(const std::string& host, uint16_t port, ResolveHandler done) override {
        std::lock_guard lock(m_mutex);
        if (m_stop_requested) return;
        asio::post(m_io, [this, host, port, done = std::move(done)]() mutable {
            auto resolver = std::make_shared<tcp::resolver>(m_io);
            resolver->async_resolve(
                host, std::to_string(port),
                [resolver, done = std::move(done)](const error_code& ec, const tcp::resolver::results_type& results) {
                    std::vector<std::string> out;
                    if (!ec) {
                        for (const auto& entry : results) out.push_back(entry.endpoint().address().to_string());
                    }
                    done(std::move(out), ec ? ec.message() : std::string());
                });
        });
    }

    bool Send(ConnectionId id, util::Bytes frame) override {
        std::lock_guard lock(m_mutex);
        const auto it = m_connections.find(id);
        if (it == m_connections.end() || it->second->closing) return false;
        const auto& conn = it->second;
        if (frame.empty()) return true;
        auto& queued = conn->stats.send_queue_bytes;
        if (queued > 0 && queued + frame.size() > m_options.max_send_queue_bytes) {
            BeginClose(conn, "send queue full");
            return false;
        }
        queued += frame.size();
        conn->send_queue.push_back(std::move(frame));
        if (conn->writer_idle && !conn->writer_wake_posted) {
            conn->writer_wake_posted = true;
            asio::post(m_io, [conn] { conn->writer_wake.cancel(); });
        }
        return true;
    }

    void FrameDone(ConnectionId id, size_t payload_bytes) override {
        std::lock_guard lock(m_mutex);
        const auto it = m_connections.find(id);
        if (it == m_connections.end()) return;
        const auto& conn = it->second;
        auto& unprocessed = conn->stats.unprocessed_bytes;
        unprocessed -= std::min(unprocessed, payload_bytes);
        if (conn->stats.recv_paused && unprocessed <= m_options.max_unprocessed_bytes && !conn->reader_wake_posted) {
            conn->reader_wake_posted = true;
            asio::post(m_io, [conn] { conn->reader_wake.cancel(); });
        }
    }

    void Disconnect(ConnectionId id, const std::string& reason) override {
        std::lock_guard lock(m_mutex);
        const auto it = m_connections.find(id);
        if (it == m_connections.end() || it->second->closing) return;
        BeginClose(it->second, reason);
    }

    std::optional<ConnectionStats> Stats(ConnectionId id) const override {
        std::lock_guard lock(m_mutex);
        const auto it = m_connections.find(id);
        if (it == m_connections.end()) return std::nullopt;
        return it->second->stats;
    }

    PeerNetworkStats NetworkStats() const override {
        std::lock_guard lock(m_mutex);
        return m_stats;
    }

    void Stop() override {
        assert(std::this_thread::get_id() != m_thread.get_id() && "Stop from an event would join its own thread");
        {
            std::lock_guard lock(m_mutex);
            if (m_stop_requested) return;
            m_stop_requested = true;
        }
        asio::post(m_io, [this] { StopOnIo(); });
        m_work.reset();  // with every socket closed, run() returns once the coroutines end
        if (!m_thread.joinable()) return;
        {
            std::unique_lock lock(m_mutex);
            if (!m_io_done_cv.wait_for(lock, IO_DRAIN_LIMIT, [this] { return m_io_done; })) m_io.stop();
        }
        m_thread.join();
        // Only after a forced stop: deliver the disconnections the io thread could not.
        std::map<ConnectionId, std::shared_ptr<Connection>> left;
        {
            std::lock_guard lock(m_mutex);
            left.swap(m_connections);
        }
        for (const auto& [id, conn] : left) {
            const std::string reason = conn->close_reason.empty() ? "network stopping" : conn->close_reason;
            NotifyDisconnected(id, reason);
        }
    }

private:
    template <typename Awaitable>
    void Spawn(Awaitable&& awaitable) {
        // Every loop catches its own exceptions, so nothing reaches this handler.
        asio::co_spawn(m_io, std::forward<Awaitable>(awaitable), [](std::exception_ptr) {});
    }

    bool Banned(const std::string& address) {
        if (!m_options.is_banned) return false;
        try {
            return m_options.is_banned(address);
        } catch (...) {
            return true;  // a failing hook refuses rather than admits
        }
    }

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
    void NotifyConnected(const ConnectionInfo& info, uint64_t tag) {
        Deliver([&] { m_events.OnConnected(info, tag); });
    }
    void NotifyFrame(ConnectionId id, util::Bytes header, util::Bytes payload) {
        Deliver([&] { m_events.OnFrame(id, std::move(header), std::move(payload)); });
    }
    void NotifyDisconnected(ConnectionId id, const std::string& reason) {
        {
            std::lock_guard lock(m_mutex);
            ++m_stats.disconnected;
        }
        Deliver([&] { m_events.OnDisconnected(id, reason); });
    }
    void NotifyConnectFailed(const PeerEndpoint& remote, uint64_t tag, const std::string& reason) {
        {
            std::lock_guard lock(m_mutex);
            ++m_stats.connect_failed;
        }
        Deliver([&] { m_events.OnConnectFailed(remote, tag, reason); });
    }

    // --- Shutdown ---

    void StopOnIo() {
        m_stopping = true;
        for (auto& listener : m_listeners) {
            error_code ignored;
            listener->acceptor.close(ignored);
            listener->retry.cancel();
        }
        for (const auto& pending : m_pending) pending->Abort("network stopping");
        std::vector<std::shared_ptr<Connection>> connections;
        {
            std::lock_guard lock(m_mutex);
            for (const auto& [id, conn] : m_connections) connections.push_back(conn);
        }
        for (const auto& conn : connections) Close(*conn, "network stopping");
    }

    // Any thread, m_mutex held: marks the connection closing and has the io thread close it.
    void BeginClose(const std::shared_ptr<Connection>& conn, const std::string& reason) {
        conn->closing = true;
        conn->close_reason = reason;
        asio::post(m_io, [this, conn] { Close(*conn, {}); });
    }

    // io thread: closes the socket and ends every wait, so both coroutines finish. The first
    // reason given (here or in BeginClose) is the one reported.
    void Close(Connection& c, const std::string& reason) {
        if (c.closed) return;
        c.closed = true;
        {
            std::lock_guard lock(m_mutex);
            if (!c.closing) {
                c.closing = true;
                c.close_reason = reason;
            }
        }
        error_code ignored;
        c.socket.close(ignored);
        c.read_timer.cancel();
        c.reader_wake.cancel();
        c.write_timer.cancel();
        c.writer_wake.cancel();
    }

    // io thread: one of the two coroutines ended; the last one reports the disconnection.
    void Finished(const std::shared_ptr<Connection>& conn) {
        if (--conn->running > 0) return;
        std::string reason;
        {
            std::lock_guard lock(m_mutex);
            m_connections.erase(conn->id);
            if (conn->inbound) {
                --m_stats.inbound;
            } else {
                --m_stats.outbound;
            }
            reason = conn->close_reason;
        }
        NotifyDisconnected(conn->id, reason);
    }

    // --- Accepting and dialling ---

    asio::awaitable<void> AcceptLoop(Listener& listener) {
        while (!m_stopping) {
            try {
                co_await AcceptOne(listener);
            } catch (...) {
                // Only allocation failure can land here; the loop keeps serving.
            }
        }
    }

    asio::awaitable<void> AcceptOne(Listener& listener) {
        auto [ec, socket] = co_await listener.acceptor.async_accept(AS_TUPLE);
        error_code ignored;
        if (m_stopping || !listener.acceptor.is_open()) {
            socket.close(ignored);
            co_return;
        }
        if (ec) {
            if (OutOfResources(ec)) {
                listener.retry.expires_after(ACCEPT_RETRY_DELAY);
                co_await listener.retry.async_wait(AS_TUPLE);
            }
            co_return;  // otherwise (e.g. the peer aborted before accept) take the next one
        }
        error_code remote_ec;
        error_code local_ec;
        const auto remote = socket.remote_endpoint(remote_ec);
        const auto local = socket.local_endpoint(local_ec);
        if (remote_ec || local_ec) {
            socket.close(ignored);  // the peer is already gone
            co_return;
        }
        const bool banned = Banned(remote.address().to_string());
        bool full = false;
        {
            std::lock_guard lock(m_mutex);
            full = !banned && m_stats.inbound + m_stats.handshaking >= m_options.max_inbound;
            if (banned) ++m_stats.rejected_banned;
            if (full) ++m_stats.rejected_slots;
        }
        if (banned || full) {
            socket.close(ignored);
            co_return;
        }
        if (auto handshake = MakeHandshake(true, 0, ToPeerEndpoint(remote))) {
            StartInboundHandshake(std::move(socket), remote, local, std::move(handshake));
            co_return;
        }
        Register(std::move(socket), true, remote, local, 0, {});
    }

    std::unique_ptr<StreamHandshake> MakeHandshake(bool inbound, uint64_t tag, const PeerEndpoint& remote) {
        if (!m_options.stream_handshake) return nullptr;
        try {
            return m_options.stream_handshake(inbound, tag, remote);
        } catch (...) {
            std::lock_guard lock(m_mutex);
            ++m_stats.handler_errors;
            return nullptr;
        }
    }

    // Runs a stream handshake on a socket: writes what it says, feeds it what arrives. Empty
    // string: done. abort_reason is the PendingConnect's (set when Stop or the timer closed
    // the socket under us).
    asio::awaitable<std::string> RunHandshake(tcp::socket& socket, const std::string& abort_reason,
                                              StreamHandshake& handshake) {
        auto step = handshake.Start();
        std::vector<uint8_t> buffer(HANDSHAKE_READ_CHUNK);
        while (true) {
            if (!step.error.empty()) co_return "stream handshake failed: " + step.error;
            if (!step.send.empty()) {
                auto [ec, written] = co_await asio::async_write(socket, asio::buffer(step.send), AS_TUPLE);
                if (!abort_reason.empty()) co_return abort_reason;
                if (ec) co_return "stream handshake failed: " + ec.message();
            }
            if (step.done) co_return std::string();
            auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), AS_TUPLE);
            if (!abort_reason.empty()) co_return abort_reason;
            if (ec == asio::error::eof) co_return std::string("stream handshake failed: closed by peer");
            if (ec) co_return "stream handshake failed: " + ec.message();
            step = handshake.Receive(util::ByteSpan(buffer.data(), n));
        }
    }

    void StartInboundHandshake(tcp::socket socket, const tcp::endpoint& remote, const tcp::endpoint& local,
                               std::unique_ptr<StreamHandshake> handshake) {
        auto pending = std::make_shared<PendingConnect>(m_io, ToPeerEndpoint(remote), 0);
        pending->socket = std::move(socket);
        m_pending.insert(pending);
        {
            std::lock_guard lock(m_mutex);
            ++m_stats.handshaking;
        }
        ArmDeadline(pending, m_options.handshake_timeout, "stream handshake timeout");
        Spawn(InboundHandshake(pending, std::move(handshake), remote, local));
    }

    asio::awaitable<void> InboundHandshake(std::shared_ptr<PendingConnect> pending,
                                           std::unique_ptr<StreamHandshake> handshake, tcp::endpoint remote,
                                           tcp::endpoint local) {
        PendingConnect& pc = *pending;
        std::string failure;
        try {
            failure = co_await RunHandshake(pc.socket, pc.abort_reason, *handshake);
        } catch (const std::exception& e) {
            failure = std::string("internal error: ") + e.what();
        }
        if (failure.empty() && m_stopping) failure = "network stopping";
        pc.timer.cancel();
        m_pending.erase(pending);
        {
            std::lock_guard lock(m_mutex);
            --m_stats.handshaking;
            if (!failure.empty() && !m_stopping) ++m_stats.handshake_failed;
        }
        if (!failure.empty()) {
            error_code ignored;
            pc.socket.close(ignored);
            if (!m_stopping) Deliver([&] { m_events.OnStreamHandshakeFailed(pc.remote, true, failure); });
            co_return;
        }
        Register(std::move(pc.socket), true, remote, local, 0, TakeStreamStart(*handshake));
    }

    void BeginConnect(const PeerEndpoint& remote, uint64_t tag) {
        if (m_stopping) return NotifyConnectFailed(remote, tag, "network stopping");
        if (Banned(remote.address)) return NotifyConnectFailed(remote, tag, "banned");
        bool full = false;
        {
            std::lock_guard lock(m_mutex);
            full = m_stats.outbound + m_stats.connecting >= m_options.max_outbound;
            if (!full) ++m_stats.connecting;
        }
        if (full) return NotifyConnectFailed(remote, tag, "no free outbound slot");
        auto pending = std::make_shared<PendingConnect>(m_io, remote, tag);
        m_pending.insert(pending);
        ArmDeadline(pending, m_options.connect_timeout, "connect timeout");
        Spawn(ConnectLoop(pending));
    }

    asio::awaitable<void> ConnectLoop(std::shared_ptr<PendingConnect> pending) {
        PendingConnect& pc = *pending;
        std::string failure;
        StreamStart start;
        try {
            failure = co_await Dial(pc);
            if (failure.empty() && !m_stopping) failure = co_await OutboundHandshake(pending, start);
        } catch (const std::exception& e) {
            failure = std::string("internal error: ") + e.what();
        }
        if (failure.empty() && m_stopping) failure = "network stopping";
        pc.timer.cancel();
        m_pending.erase(pending);
        error_code remote_ec;
        error_code local_ec;
        const auto remote = failure.empty() ? pc.socket.remote_endpoint(remote_ec) : tcp::endpoint();
        const auto local = failure.empty() ? pc.socket.local_endpoint(local_ec) : tcp::endpoint();
        if (failure.empty() && (remote_ec || local_ec)) failure = "connection lost at once";
        if (!failure.empty()) {
            error_code ignored;
            pc.socket.close(ignored);
            {
                std::lock_guard lock(m_mutex);
                --m_stats.connecting;
            }
            NotifyConnectFailed(pc.remote, pc.tag, failure);
            co_return;
        }
        Register(std::move(pc.socket), false, remote, local, pc.tag, std::move(start));
    }

    // After a successful dial: the stream handshake, if the protocol wants one, under its own
    // deadline; on failure, one more dial without it when the handshake allows that.
    asio::awaitable<std::string> OutboundHandshake(std::shared_ptr<PendingConnect> pending, StreamStart& start) {
        PendingConnect& pc = *pending;
        auto handshake = MakeHandshake(false, pc.tag, pc.remote);
        if (!handshake) co_return std::string();
        ArmDeadline(pending, m_options.handshake_timeout, "stream handshake timeout");
        std::string failure = co_await RunHandshake(pc.socket, pc.abort_reason, *handshake);
        if (failure.empty()) {
            start = TakeStreamStart(*handshake);
            co_return std::string();
        }
        {
            std::lock_guard lock(m_mutex);
            ++m_stats.handshake_failed;
        }
        if (m_stopping || !handshake->RetryPlain()) co_return failure;
        {
            std::lock_guard lock(m_mutex);
            ++m_stats.plain_retries;
        }
        Deliver([&] { m_events.OnStreamHandshakeFailed(pc.remote, false, failure + "; dialling again in plain"); });
        pc.abort_reason.clear();
        ArmDeadline(pending, m_options.connect_timeout, "connect timeout");
        const std::string retry = co_await Dial(pc);
        co_return retry.empty() ? retry : "plain retry after " + failure + ": " + retry;
    }

    // Resolves (unless given an IP) and tries each address in turn. Empty string: connected.
    asio::awaitable<std::string> Dial(PendingConnect& pc) {
        std::vector<tcp::endpoint> targets;
        error_code ec;
        const auto literal = asio::ip::make_address(pc.remote.address, ec);
        if (!ec) {
            targets.emplace_back(literal, pc.remote.port);
        } else {
            const std::string service = std::to_string(pc.remote.port);
            auto [resolve_ec, results] = co_await pc.resolver.async_resolve(pc.remote.address, service, AS_TUPLE);
            if (!pc.abort_reason.empty()) co_return pc.abort_reason;
            if (resolve_ec) co_return "cannot resolve: " + resolve_ec.message();
            for (const auto& entry : results) targets.push_back(entry.endpoint());
        }
        std::string failure = "no address";
        for (const auto& target : targets) {
            if (Banned(target.address().to_string())) {
                failure = "banned";
                continue;
            }
            error_code ignored;
            pc.socket.close(ignored);
            auto [connect_ec] = co_await pc.socket.async_connect(target, AS_TUPLE);
            if (!pc.abort_reason.empty()) co_return pc.abort_reason;
            if (!connect_ec) co_return std::string();
            failure = "cannot connect: " + connect_ec.message();
        }
        co_return failure;
    }

    void Register(tcp::socket socket, bool inbound, const tcp::endpoint& remote, const tcp::endpoint& local,
                  uint64_t tag, StreamStart start) {
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);  // frames are small and latency-bound
        auto conn = std::make_shared<Connection>(std::move(socket), m_next_id++, inbound);
        conn->cipher = std::move(start.cipher);
        if (!start.stream_bytes.empty()) {
            // What arrived with the end of the handshake is the start of the framed stream.
            if (start.stream_bytes.size() > conn->rbuf.size()) conn->rbuf.resize(start.stream_bytes.size());
            std::memcpy(conn->rbuf.data(), start.stream_bytes.data(), start.stream_bytes.size());
            conn->rbuf_end = start.stream_bytes.size();
        }
        if (m_options.recv_rate_bytes_per_sec > 0) {
            // A burst below one byte could never pay for a read; none means one second's worth.
            const double burst = m_options.recv_burst_bytes > 0 ? m_options.recv_burst_bytes
                                                                : m_options.recv_rate_bytes_per_sec;
            conn->bucket.emplace(m_options.recv_rate_bytes_per_sec, std::max(burst, 1.0));
        }
        const ConnectionInfo info{conn->id, inbound, ToPeerEndpoint(remote), ToPeerEndpoint(local),
                                  std::move(start.transport)};
        {
            std::lock_guard lock(m_mutex);
            m_connections.emplace(conn->id, conn);
            conn->stats.connected_at_unix = UnixNow();
            if (inbound) {
                ++m_stats.accepted;
                ++m_stats.inbound;
            } else {
                --m_stats.connecting;
                ++m_stats.outbound_connected;
                ++m_stats.outbound;
            }
        }
        NotifyConnected(info, tag);
        Spawn(ReadLoop(conn));
        Spawn(WriteLoop(conn));
    }

    // --- Reading ---

    asio::awaitable<void> ReadLoop(std::shared_ptr<Connection> conn) {
        Connection& c = *conn;
        try {
            co_await ReadFrames(c);
        } catch (const std::exception& e) {
            Close(c, std::string("internal error: ") + e.what());
        }
        Close(c, "closed");
        Finished(conn);
    }

    asio::awaitable<void> ReadFrames(Connection& c) {
        const size_t header_size = m_options.format.header_size;
        while (!c.closed) {
            if (!co_await WaitForConsumer(c)) co_return;
            util::Bytes header(header_size);
            if (!co_await Fill(c, std::span<uint8_t>(header))) co_return;
            const auto length = m_options.format.payload_length(util::ByteSpan(header));
            if (!length) {
                Close(c, "bad frame header: " + length.error());
                co_return;
            }
            util::Bytes payload(*length);  // only now: the format has vetted the size
            if (!co_await Fill(c, std::span<uint8_t>(payload))) co_return;
            bool closing = false;
            {
                std::lock_guard lock(m_mutex);
                closing = c.closing;  // Disconnect was asked for: no more frames
                if (!closing) {
                    c.stats.unprocessed_bytes += payload.size();
                    ++c.stats.frames_received;
                }
            }
            if (closing) co_return;
            NotifyFrame(c.id, std::move(header), std::move(payload));
        }
    }

    // Waits while the consumer holds more than max_unprocessed_bytes. False: closed.
    // The "wake posted" flag is cleared in the same critical section that decides whether to
    // wait: cleared after the check instead, a FrameDone between the two would post a wake
    // that lands while the reader is busy reading (and is lost), leaving the flag set so no
    // later FrameDone posts another, and the next pause would last forever.
    asio::awaitable<bool> WaitForConsumer(Connection& c) {
        while (!c.closed) {
            bool ready = false;
            {
                std::lock_guard lock(m_mutex);
                c.reader_wake_posted = false;
                ready = c.stats.unprocessed_bytes <= m_options.max_unprocessed_bytes;
                c.stats.recv_paused = !ready;
            }
            if (ready) co_return true;
            // No suspension between the check and the wait: a wake posted after the check
            // runs on this thread only once the wait is pending.
            c.reader_wake.expires_at(SteadyClock::time_point::max());
            co_await c.reader_wake.async_wait(AS_TUPLE);
        }
        co_return false;
    }

    // Fills `out` from the connection's buffer and the socket. False: closed (reason given).
    asio::awaitable<bool> Fill(Connection& c, std::span<uint8_t> out) {
        size_t filled = 0;
        while (filled < out.size()) {
            if (c.rbuf_begin < c.rbuf_end) {
                const size_t n = std::min(out.size() - filled, c.rbuf_end - c.rbuf_begin);
                std::memcpy(out.data() + filled, c.rbuf.data() + c.rbuf_begin, n);
                c.rbuf_begin += n;
                filled += n;
                continue;
            }
            const size_t wanted = out.size() - filled;
            if (wanted >= c.rbuf.size()) {
                const size_t n = co_await ReadSome(c, out.subspan(filled), wanted);
                if (n == 0) co_return false;
                filled += n;
            } else {
                const size_t n = co_await ReadSome(c, std::span<uint8_t>(c.rbuf), wanted);
                if (n == 0) co_return false;
                c.rbuf_begin = 0;
                c.rbuf_end = n;
            }
        }
        co_return true;
    }

    // One read into `into`, after waiting for receive tokens. 0: closed (reason given).
    asio::awaitable<size_t> ReadSome(Connection& c, std::span<uint8_t> into, size_t wanted) {
        size_t n = 0;
        while (n == 0) {
            // Under the network-wide limit, first wait for bytes to be there: tokens are
            // looked at only when this reader can use them at once, so many idle readers
            // cannot all be promised the same tokens.
            if (m_recv_total) {
                c.read_timer.expires_after(m_options.inactivity_timeout);
                auto ready = co_await (c.socket.async_wait(tcp::socket::wait_read, AS_TUPLE) ||
                                       c.read_timer.async_wait(AS_TUPLE));
                if (c.closed) co_return 0;
                if (ready.index() == 1) {
                    Close(c, "inactivity timeout");
                    co_return 0;
                }
            }
            // Wait until a useful amount may be read under both limits (this connection's and
            // the network's), then read no more than is paid for. The threshold is capped so a
            // large payload is not starved by readers that take tokens a few at a time.
            size_t limit = into.size();
            for (TokenBucket* bucket : {c.bucket ? &*c.bucket : nullptr, m_recv_total ? &*m_recv_total : nullptr}) {
                if (bucket == nullptr) continue;
                const double threshold = std::min({static_cast<double>(wanted), static_cast<double>(into.size()),
                                                   static_cast<double>(MIN_LIMITED_IO), bucket->Burst()});
                while (true) {
                    const auto now = SteadyClock::now();
                    const auto wait = bucket->TimeUntil(threshold, now);
                    if (wait == SteadyClock::duration::zero()) break;
                    c.read_timer.expires_after(wait);
                    co_await c.read_timer.async_wait(AS_TUPLE);
                    if (c.closed) co_return 0;
                }
            }
            // No suspension from here to the payment: the amounts looked at are still there.
            for (TokenBucket* bucket : {c.bucket ? &*c.bucket : nullptr, m_recv_total ? &*m_recv_total : nullptr}) {
                if (bucket != nullptr) limit = std::min(limit, static_cast<size_t>(std::max(1.0, bucket->Available(SteadyClock::now()))));
            }
            error_code ec;
            if (m_recv_total) {
                c.socket.non_blocking(true, ec);
                if (!ec) n = c.socket.read_some(asio::buffer(into.data(), limit), ec);
                if (ec == asio::error::would_block || ec == asio::error::try_again) continue;  // readable was spurious
            } else {
                c.read_timer.expires_after(m_options.inactivity_timeout);
                auto result = co_await (c.socket.async_read_some(asio::buffer(into.data(), limit), AS_TUPLE) ||
                                        c.read_timer.async_wait(AS_TUPLE));
                if (c.closed) co_return 0;
                if (result.index() == 1) {
                    Close(c, "inactivity timeout");
                    co_return 0;
                }
                std::tie(ec, n) = std::get<0>(result);
            }
            if (c.closed) co_return 0;
            if (ec == asio::error::eof) {
                Close(c, "connection closed by peer");
                co_return 0;
            }
            if (ec || n == 0) {
                Close(c, "read failed: " + ec.message());
                co_return 0;
            }
        }
        if (c.cipher) c.cipher->Decrypt(into.first(n));
        if (c.bucket) c.bucket->TryTake(static_cast<double>(n), SteadyClock::now());
        if (m_recv_total) m_recv_total->Spend(static_cast<double>(n), SteadyClock::now());
        std::lock_guard lock(m_mutex);
        c.stats.bytes_received += n;
        c.stats.last_recv_unix = UnixNow();
        co_return n;
    }

    // --- Writing ---

    asio::awaitable<void> WriteLoop(std::shared_ptr<Connection> conn) {
        Connection& c = *conn;
        try {
            co_await WriteFrames(c);
        } catch (const std::exception& e) {
            Close(c, std::string("internal error: ") + e.what());
        }
        Close(c, "closed");
        Finished(conn);
    }

    asio::awaitable<void> WriteFrames(Connection& c) {
        std::vector<util::Bytes> batch;
        std::vector<asio::const_buffer> buffers;
        while (!c.closed) {
            {
                std::lock_guard lock(m_mutex);
                c.writer_idle = c.send_queue.empty();
                while (!c.send_queue.empty() && batch.size() < MAX_WRITE_BATCH) {
                    batch.push_back(std::move(c.send_queue.front()));
                    c.send_queue.pop_front();
                }
            }
            if (batch.empty()) {
                c.writer_wake.expires_at(SteadyClock::time_point::max());
                co_await c.writer_wake.async_wait(AS_TUPLE);
                std::lock_guard lock(m_mutex);
                c.writer_idle = false;
                c.writer_wake_posted = false;
                continue;
            }
            buffers.clear();
            for (auto& frame : batch) {
                if (c.cipher) c.cipher->Encrypt(frame);  // each frame once, in queue order
                buffers.push_back(asio::buffer(frame));
            }
            if (!co_await WriteAll(c, buffers)) co_return;
            batch.clear();
        }
    }

    // Writes the buffers, each write under the write deadline. False: closed (reason given).
    asio::awaitable<bool> WriteAll(Connection& c, std::vector<asio::const_buffer>& buffers) {
        size_t first = 0;
        std::vector<asio::const_buffer> limited;
        while (first < buffers.size()) {
            std::span<const asio::const_buffer> pending(buffers.data() + first, buffers.size() - first);
            size_t written = 0;
            if (m_send_total) {
                // The upload limit: wait until the socket takes bytes, then for a worthwhile
                // amount of tokens, then write what they pay for without blocking (no
                // suspension between looking at the tokens and paying them).
                c.write_timer.expires_after(m_options.write_timeout);
                auto ready = co_await (c.socket.async_wait(tcp::socket::wait_write, AS_TUPLE) ||
                                       c.write_timer.async_wait(AS_TUPLE));
                if (c.closed) co_return false;
                if (ready.index() == 1) {
                    Close(c, "write timeout");
                    co_return false;
                }
                size_t left = 0;
                for (const auto& b : pending) left += b.size();
                const double threshold = std::min({static_cast<double>(left), static_cast<double>(MIN_LIMITED_IO),
                                                   m_send_total->Burst()});
                while (true) {
                    const auto wait = m_send_total->TimeUntil(threshold, SteadyClock::now());
                    if (wait == SteadyClock::duration::zero()) break;
                    c.write_timer.expires_after(wait);
                    co_await c.write_timer.async_wait(AS_TUPLE);
                    if (c.closed) co_return false;
                }
                size_t allowed = static_cast<size_t>(std::max(1.0, m_send_total->Available(SteadyClock::now())));
                limited.clear();
                for (const auto& b : pending) {
                    if (allowed == 0) break;
                    const size_t take = std::min(allowed, b.size());
                    limited.push_back(asio::buffer(b.data(), take));
                    allowed -= take;
                }
                error_code ec;
                c.socket.non_blocking(true, ec);
                if (!ec) written = c.socket.write_some(limited, ec);
                if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
                if (ec) {
                    Close(c, "write failed: " + ec.message());
                    co_return false;
                }
                m_send_total->Spend(static_cast<double>(written), SteadyClock::now());
            } else {
                c.write_timer.expires_after(m_options.write_timeout);
                auto result = co_await (c.socket.async_write_some(pending, AS_TUPLE) || c.write_timer.async_wait(AS_TUPLE));
                if (c.closed) co_return false;
                if (result.index() == 1) {
                    Close(c, "write timeout");
                    co_return false;
                }
                const auto [ec, n] = std::get<0>(result);
                if (ec) {
                    Close(c, "write failed: " + ec.message());
                    co_return false;
                }
                written = n;
            }
            for (size_t left = written; left > 0;) {
                const size_t step = std::min(left, buffers[first].size());
                buffers[first] += step;
                left -= step;
                if (buffers[first].size() == 0) ++first;
            }
            std::lock_guard lock(m_mutex);
            c.stats.bytes_sent += written;
            c.stats.send_queue_bytes -= std::min(c.stats.send_queue_bytes, written);
            c.stats.last_send_unix = UnixNow();
        }
        co_return true;
    }

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

}  // namespace

util::Result<std::unique_ptr<PeerNetwork>, std::string> PeerNetwork::Start(PeerNetworkOptions options,
                                                                           PeerNetworkEvents& events) {
    if (options.format.header_size == 0 || !options.format.payload_length) {
        return util::Fail(std::string("the frame format needs a header size and a payload_length function"));
    }
    auto network = std::make_unique<PeerNetworkImpl>(std::move(options), events);
    if (auto bound = network->Bind(); !bound) return util::Fail(bound.error());
    network->Run();
    return std::unique_ptr<PeerNetwork>(std::move(network));
}

}  // namespace tonari::netcore
