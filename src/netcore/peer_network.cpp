// PeerNetwork over Asio C++20 coroutines, its lifecycle: binding, an accept loop per listen
// endpoint, a dial coroutine per Connect, registering each connection (whose reader and writer
// live in peer_network_io.cpp), closing and stopping. Every coroutine is owned: Stop closes
// what it waits on, and the io thread is joined only once all have ended.
#include "netcore/peer_network_impl.h"

namespace tonari::netcore::detail {

util::Result<void, std::string> PeerNetworkImpl::Bind() {
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

void PeerNetworkImpl::Run() {
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

void PeerNetworkImpl::Connect(const PeerEndpoint& remote, uint64_t tag) {
    // Posted under the lock Stop takes: a Connect either precedes Stop's shutdown on the
    // io thread (and gets its answer) or is ignored.
    std::lock_guard lock(m_mutex);
    if (m_stop_requested) return;
    asio::post(m_io, [this, remote, tag] { BeginConnect(remote, tag); });
}

void PeerNetworkImpl::Resolve(const std::string& host, uint16_t port, ResolveHandler done) {
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

bool PeerNetworkImpl::Send(ConnectionId id, util::Bytes frame) {
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
    if (m_options.send_delay.count() > 0) conn->send_times.push_back(SteadyClock::now());
    if (conn->writer_idle && !conn->writer_wake_posted) {
        conn->writer_wake_posted = true;
        asio::post(m_io, [conn] { conn->writer_wake.cancel(); });
    }
    return true;
}

void PeerNetworkImpl::FrameDone(ConnectionId id, size_t payload_bytes) {
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

void PeerNetworkImpl::Disconnect(ConnectionId id, const std::string& reason) {
    std::lock_guard lock(m_mutex);
    const auto it = m_connections.find(id);
    if (it == m_connections.end() || it->second->closing) return;
    BeginClose(it->second, reason);
}

std::optional<ConnectionStats> PeerNetworkImpl::Stats(ConnectionId id) const {
    std::lock_guard lock(m_mutex);
    const auto it = m_connections.find(id);
    if (it == m_connections.end()) return std::nullopt;
    return it->second->stats;
}

PeerNetworkStats PeerNetworkImpl::NetworkStats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

void PeerNetworkImpl::Stop() {
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

bool PeerNetworkImpl::Banned(const std::string& address) {
    if (!m_options.is_banned) return false;
    try {
        return m_options.is_banned(address);
    } catch (...) {
        return true;  // a failing hook refuses rather than admits
    }
}

void PeerNetworkImpl::NotifyConnected(const ConnectionInfo& info, uint64_t tag) {
    Deliver([&] { m_events.OnConnected(info, tag); });
}

void PeerNetworkImpl::NotifyFrame(ConnectionId id, util::Bytes header, util::Bytes payload) {
    Deliver([&] { m_events.OnFrame(id, std::move(header), std::move(payload)); });
}

void PeerNetworkImpl::NotifyDisconnected(ConnectionId id, const std::string& reason) {
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.disconnected;
    }
    Deliver([&] { m_events.OnDisconnected(id, reason); });
}

void PeerNetworkImpl::NotifyConnectFailed(const PeerEndpoint& remote, uint64_t tag, const std::string& reason) {
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.connect_failed;
    }
    Deliver([&] { m_events.OnConnectFailed(remote, tag, reason); });
}

void PeerNetworkImpl::StopOnIo() {
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
void PeerNetworkImpl::BeginClose(const std::shared_ptr<Connection>& conn, const std::string& reason) {
    conn->closing = true;
    conn->close_reason = reason;
    asio::post(m_io, [this, conn] { Close(*conn, {}); });
}

// io thread: closes the socket and ends every wait, so both coroutines finish. The first
// reason given (here or in BeginClose) is the one reported.
void PeerNetworkImpl::Close(Connection& c, const std::string& reason) {
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
void PeerNetworkImpl::Finished(const std::shared_ptr<Connection>& conn) {
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

asio::awaitable<void> PeerNetworkImpl::AcceptLoop(Listener& listener) {
    while (!m_stopping) {
        try {
            co_await AcceptOne(listener);
        } catch (...) {
            // Only allocation failure can land here; the loop keeps serving.
        }
    }
}

asio::awaitable<void> PeerNetworkImpl::AcceptOne(Listener& listener) {
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
    }
    // A handshake in progress gives way (its count drops once its coroutine ends).
    if (full && EvictHandshake()) full = false;
    {
        std::lock_guard lock(m_mutex);
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

void PeerNetworkImpl::BeginConnect(const PeerEndpoint& remote, uint64_t tag) {
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

asio::awaitable<void> PeerNetworkImpl::ConnectLoop(std::shared_ptr<PendingConnect> pending) {
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

// Resolves (unless given an IP) and tries each address in turn. Empty string: connected.
asio::awaitable<std::string> PeerNetworkImpl::Dial(PendingConnect& pc) {
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

void PeerNetworkImpl::Register(tcp::socket socket, bool inbound, const tcp::endpoint& remote, const tcp::endpoint& local,
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
                              std::move(start.transport), std::move(start.session_id)};
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

}  // namespace tonari::netcore::detail

namespace tonari::netcore {

util::Result<std::unique_ptr<PeerNetwork>, std::string> PeerNetwork::Start(PeerNetworkOptions options,
                                                                           PeerNetworkEvents& events) {
    if (options.format.header_size == 0 || !options.format.payload_length) {
        return util::Fail(std::string("the frame format needs a header size and a payload_length function"));
    }
    auto network = std::make_unique<detail::PeerNetworkImpl>(std::move(options), events);
    if (auto bound = network->Bind(); !bound) return util::Fail(bound.error());
    network->Run();
    return std::unique_ptr<PeerNetwork>(std::move(network));
}

}  // namespace tonari::netcore
