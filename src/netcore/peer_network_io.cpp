// PeerNetwork: each connection's reader (header, then payload, under the inactivity deadline,
// the token buckets and the unprocessed-bytes pause) and writer (drains the send queue in
// batches, each write under the write deadline and the upload limit).
#include "netcore/peer_network_impl.h"

namespace tonari::netcore::detail {

asio::awaitable<void> PeerNetworkImpl::ReadLoop(std::shared_ptr<Connection> conn) {
    Connection& c = *conn;
    try {
        co_await ReadFrames(c);
    } catch (const std::exception& e) {
        Close(c, std::string("internal error: ") + e.what());
    }
    Close(c, "closed");
    Finished(conn);
}

asio::awaitable<void> PeerNetworkImpl::ReadFrames(Connection& c) {
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
asio::awaitable<bool> PeerNetworkImpl::WaitForConsumer(Connection& c) {
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
asio::awaitable<bool> PeerNetworkImpl::Fill(Connection& c, std::span<uint8_t> out) {
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
        if (c.cipher) {
            if (!co_await ReadDecrypted(c, wanted)) co_return false;
            continue;
        }
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

// With a cipher: one read of raw bytes, whatever plaintext they complete becoming the
// connection's buffer (which the caller has emptied). False: closed (reason given).
asio::awaitable<bool> PeerNetworkImpl::ReadDecrypted(Connection& c, size_t wanted) {
    if (c.raw.size() != READ_CHUNK) c.raw.resize(READ_CHUNK);
    const size_t n = co_await ReadSome(c, std::span<uint8_t>(c.raw), wanted);
    if (n == 0) co_return false;
    c.plain.clear();
    const std::string error = c.cipher->Decrypt(std::span<uint8_t>(c.raw).first(n), c.plain);
    if (!error.empty()) {
        Close(c, error);
        co_return false;
    }
    std::swap(c.rbuf, c.plain);  // the old buffer is reused for the next decryption
    c.rbuf_begin = 0;
    c.rbuf_end = c.rbuf.size();
    // After a large message the spare buffer is let go: an idle connection keeps READ_CHUNK-
    // sized buffers, not the largest message it ever received.
    if (c.plain.capacity() > 2 * READ_CHUNK) util::Bytes().swap(c.plain);
    co_return true;
}

// One read into `into`, after waiting for receive tokens. 0: closed (reason given).
asio::awaitable<size_t> PeerNetworkImpl::ReadSome(Connection& c, std::span<uint8_t> into, size_t wanted) {
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
    if (c.bucket) c.bucket->TryTake(static_cast<double>(n), SteadyClock::now());
    if (m_recv_total) m_recv_total->Spend(static_cast<double>(n), SteadyClock::now());
    std::lock_guard lock(m_mutex);
    c.stats.bytes_received += n;
    c.stats.last_recv_unix = UnixNow();
    co_return n;
}

asio::awaitable<void> PeerNetworkImpl::WriteLoop(std::shared_ptr<Connection> conn) {
    Connection& c = *conn;
    try {
        co_await WriteFrames(c);
    } catch (const std::exception& e) {
        Close(c, std::string("internal error: ") + e.what());
    }
    Close(c, "closed");
    Finished(conn);
}

asio::awaitable<void> PeerNetworkImpl::WriteFrames(Connection& c) {
    std::vector<util::Bytes> batch;
    std::vector<asio::const_buffer> buffers;
    const bool delayed = m_options.send_delay.count() > 0;
    while (!c.closed) {
        std::optional<SteadyClock::time_point> next_due;  // the send_delay hook: the first frame not yet due
        {
            std::lock_guard lock(m_mutex);
            c.writer_idle = c.send_queue.empty();
            const auto now = SteadyClock::now();
            while (!c.send_queue.empty() && batch.size() < MAX_WRITE_BATCH) {
                if (delayed) {
                    if (c.send_times.front() + m_options.send_delay > now) {
                        next_due = c.send_times.front() + m_options.send_delay;
                        break;
                    }
                    c.send_times.pop_front();
                }
                batch.push_back(std::move(c.send_queue.front()));
                c.send_queue.pop_front();
            }
        }
        if (batch.empty() && next_due) {
            c.write_timer.expires_at(*next_due);
            co_await c.write_timer.async_wait(AS_TUPLE);
            continue;
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
        size_t queued = 0;
        size_t written = 0;
        for (auto& frame : batch) {
            queued += frame.size();
            if (c.cipher) c.cipher->Encrypt(frame);  // each frame once, in queue order
            written += frame.size();
            buffers.push_back(asio::buffer(frame));
        }
        if (written != queued) {
            // A packet transport changed the sizes: the queue counts what will be written
            // (WriteAll takes off the bytes written), else the count drifts with every message.
            std::lock_guard lock(m_mutex);
            c.stats.send_queue_bytes = c.stats.send_queue_bytes + written - queued;
        }
        if (!co_await WriteAll(c, buffers)) co_return;
        batch.clear();
    }
}

// Writes the buffers, each write under the write deadline. False: closed (reason given).
asio::awaitable<bool> PeerNetworkImpl::WriteAll(Connection& c, std::vector<asio::const_buffer>& buffers) {
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

}  // namespace tonari::netcore::detail
