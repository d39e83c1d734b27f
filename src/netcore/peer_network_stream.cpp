// PeerNetwork: stream handshakes (StreamHandshake) run on fresh connections before framing —
// inbound under their own deadline and slot, outbound inside the dial, with a plain retry.
#include "netcore/peer_network_impl.h"

namespace tonari::netcore::detail {

std::unique_ptr<StreamHandshake> PeerNetworkImpl::MakeHandshake(bool inbound, uint64_t tag, const PeerEndpoint& remote) {
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
asio::awaitable<std::string> PeerNetworkImpl::RunHandshake(tcp::socket& socket, const std::string& abort_reason,
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

void PeerNetworkImpl::StartInboundHandshake(tcp::socket socket, const tcp::endpoint& remote, const tcp::endpoint& local,
                           std::unique_ptr<StreamHandshake> handshake) {
    auto pending = std::make_shared<PendingConnect>(m_io, ToPeerEndpoint(remote), 0);
    pending->inbound = true;
    pending->socket = std::move(socket);
    m_pending.insert(pending);
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.handshaking;
    }
    ArmDeadline(pending, m_options.handshake_timeout, "stream handshake timeout");
    Spawn(InboundHandshake(pending, std::move(handshake), remote, local));
}

// With every inbound slot taken, a newcomer takes the place of an inbound connection still in
// its stream handshake: the oldest one of the address holding the most. Else one host could
// keep every slot in silent handshakes (renewed each handshake_timeout) and shut honest peers
// out, since only connections past their handshake reach the protocol's eviction. False when
// no handshake is in progress.
bool PeerNetworkImpl::EvictHandshake() {
    std::map<std::string, int> per_address;
    for (const auto& p : m_pending) {
        if (p->inbound && p->abort_reason.empty()) ++per_address[p->remote.address];
    }
    if (per_address.empty()) return false;
    const auto most = std::max_element(per_address.begin(), per_address.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    std::shared_ptr<PendingConnect> victim;
    for (const auto& p : m_pending) {
        if (!p->inbound || !p->abort_reason.empty() || p->remote.address != most->first) continue;
        if (!victim || p->started < victim->started) victim = p;
    }
    victim->Abort("stream handshake evicted: inbound slots are full");
    return true;
}

asio::awaitable<void> PeerNetworkImpl::InboundHandshake(std::shared_ptr<PendingConnect> pending,
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

// After a successful dial: the stream handshake, if the protocol wants one, under its own
// deadline; on failure, one more dial without it when the handshake allows that.
asio::awaitable<std::string> PeerNetworkImpl::OutboundHandshake(std::shared_ptr<PendingConnect> pending, StreamStart& start) {
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

}  // namespace tonari::netcore::detail
