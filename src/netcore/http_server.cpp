// HttpServer over Asio C++20 coroutines: an accept loop per endpoint and one session
// coroutine per connection (read under an idle deadline, parse, hand to a worker, write back).
#include "netcore/http_server.h"

#include "netcore/http_stream.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <set>
#include <thread>

namespace tonari::netcore {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto AS_TUPLE = asio::as_tuple(asio::use_awaitable);

// Bytes asked of the socket per read.
constexpr size_t READ_CHUNK = 16 * 1024;
// How long Stop waits for the io thread to finish its coroutines before forcing it.
constexpr auto IO_DRAIN_LIMIT = std::chrono::seconds(5);

std::array<uint8_t, 16> AddressBytes(const asio::ip::address& address) {
    if (address.is_v4()) return asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4()).to_bytes();
    return address.to_v6().to_bytes();
}

class ServerImpl final : public HttpServer {
public:
    ServerImpl(const HttpServerOptions& options, HttpHandler handler)
        : m_io(1), m_options(options), m_handler(std::move(handler)), m_workers(std::max<size_t>(options.worker_threads, 1)) {}

    ~ServerImpl() override { Stop(std::chrono::milliseconds(0)); }

    util::Result<void, std::string> Bind() {
        std::string errors;
        for (const auto& ep : m_options.bind) {
            boost::system::error_code ec;
            const auto address = asio::ip::make_address(ep.address, ec);
            if (ec) {
                errors += " " + ep.address + ": not an IP address;";
                continue;
            }
            auto acceptor = std::make_unique<tcp::acceptor>(m_io);
            const tcp::endpoint endpoint(address, ep.port);
            acceptor->open(endpoint.protocol(), ec);
            if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
            if (!ec && address.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
            if (!ec) acceptor->bind(endpoint, ec);
            if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
            if (ec) {
                errors += " " + ep.address + ":" + std::to_string(ep.port) + ": " + ec.message() + ";";
                continue;
            }
            const auto local = acceptor->local_endpoint(ec);
            m_bound.push_back({local.address().to_string(), local.port()});
            m_acceptors.push_back(std::move(acceptor));
        }
        if (m_acceptors.empty()) return util::Fail("could not bind the RPC server:" + errors);
        return {};
    }

    void Run() {
        for (auto& acceptor : m_acceptors) asio::co_spawn(m_io, AcceptLoop(*acceptor), asio::detached);
        m_io_thread = std::thread([this] {
            m_io.run();
            std::lock_guard lock(m_mutex);
            m_io_done = true;
            m_idle.notify_all();
        });
    }

    std::vector<HttpEndpoint> Endpoints() const override { return m_bound; }

    void Stop(std::chrono::milliseconds grace) override {
        if (m_stopped.exchange(true)) return;
        asio::post(m_io, [this] {
            for (auto& acceptor : m_acceptors) {
                boost::system::error_code ec;
                acceptor->close(ec);
            }
        });
        {
            // Requests being answered get the time to reach their clients.
            std::unique_lock lock(m_mutex);
            m_idle.wait_for(lock, grace, [this] { return m_busy == 0; });
        }
        asio::post(m_io, [this] {
            for (tcp::socket* s : m_sockets) {
                boost::system::error_code ec;
                s->close(ec);
            }
        });
        // Queued requests now answer 503 at once; with every socket and acceptor closed, each
        // coroutine ends and the io thread runs out of work.
        m_workers.join();
        if (m_io_thread.joinable()) {
            std::unique_lock lock(m_mutex);
            if (!m_idle.wait_for(lock, IO_DRAIN_LIMIT, [this] { return m_io_done; })) m_io.stop();
        }
        if (m_io_thread.joinable()) m_io_thread.join();
    }

private:
    asio::awaitable<void> AcceptLoop(tcp::acceptor& acceptor) {
        while (!m_stopped) {
            auto [ec, socket] = co_await acceptor.async_accept(AS_TUPLE);
            if (ec) {
                if (!acceptor.is_open()) co_return;
                continue;  // e.g. out of descriptors for a moment
            }
            if (m_sockets.size() >= MAX_HTTP_CONNECTIONS) {
                boost::system::error_code ignored;
                socket.close(ignored);
                continue;
            }
            asio::co_spawn(m_io, Session(std::move(socket)), asio::detached);
        }
    }

    bool Allowed(const asio::ip::address& address) const {
        const auto bytes = AddressBytes(address);
        for (const auto& net : m_options.allow) {
            if (net.Contains(bytes)) return true;
        }
        return false;
    }

    asio::awaitable<void> Session(tcp::socket socket) {
        m_sockets.insert(&socket);
        boost::system::error_code ec;
        const auto remote = socket.remote_endpoint(ec);
        if (!ec) co_await Serve(socket, remote);
        m_sockets.erase(&socket);
        socket.close(ec);
    }

    asio::awaitable<void> Serve(tcp::socket& socket, const tcp::endpoint& remote) {
        const HttpClientInfo client{remote.address().to_string(), remote.port()};
        if (!Allowed(remote.address())) {
            // Named, not a temporary: GCC 12 mishandles temporaries that live across co_await.
            HttpResponse forbidden;
            forbidden.status = 403;
            forbidden.content_type.clear();
            forbidden.close = true;
            co_await Write(socket, forbidden);
            co_return;
        }
        HttpRequestParser parser(m_options.max_body_bytes);
        std::string pending;  // received bytes not yet given to the parser
        std::vector<char> buffer(READ_CHUNK);
        asio::steady_timer deadline(socket.get_executor());
        while (!m_stopped) {
            while (parser.GetState() == HttpRequestParser::State::NeedMore) {
                if (!pending.empty()) {
                    pending.erase(0, parser.Feed(pending));
                    if (parser.GetState() != HttpRequestParser::State::NeedMore) break;
                }
                deadline.expires_after(m_options.idle_timeout);
                auto result = co_await (socket.async_read_some(asio::buffer(buffer), AS_TUPLE) ||
                                        deadline.async_wait(AS_TUPLE));
                if (result.index() == 1) co_return;  // idle too long
                auto [ec, n] = std::get<0>(result);
                if (ec || n == 0) co_return;
                pending.append(buffer.data(), n);
            }
            if (parser.GetState() == HttpRequestParser::State::Error) {
                HttpResponse error{.status = parser.ErrorStatus(), .content_type = "text/plain",
                                   .headers = {}, .body = parser.ErrorText() + "\n", .close = true, .stream = nullptr};
                co_await Write(socket, error);
                co_return;
            }
            HttpRequest request = std::move(parser.Request());
            const bool keep_alive = request.KeepAlive();
            HttpResponse response;
            if (!Enqueue()) {
                response = HttpResponse{.status = 503, .content_type = "text/plain", .headers = {},
                                        .body = "Work queue depth exceeded\n", .close = false, .stream = nullptr};
            } else {
                // Answer on a worker thread, then come back to the io thread to write.
                co_await asio::post(m_workers, asio::use_awaitable);
                try {
                    if (m_stopped) {
                        response = HttpResponse{.status = 503, .content_type = "text/plain", .headers = {},
                                                .body = "shutting down\n", .close = true, .stream = nullptr};
                    } else {
                        response = m_handler(request, client);
                    }
                } catch (...) {
                    response = HttpResponse{.status = 500, .content_type = "text/plain", .headers = {},
                                            .body = "internal error\n", .close = true, .stream = nullptr};
                }
                co_await asio::post(m_io, asio::use_awaitable);
            }
            if (response.stream) {
                // The head now; the body for as long as the stream and the client last.
                const bool ok = co_await Write(socket, response);
                Done();
                if (ok) co_await Stream(socket, *response.stream);
                co_return;
            }
            response.close = response.close || !keep_alive || m_stopped;
            const bool ok = co_await Write(socket, response);
            Done();
            if (!ok || response.close) co_return;
            parser.Reset();
        }
    }

    // Polls the stream and writes what it gives until it finishes, the client goes (a read
    // ends: anything a client sends on an event stream is ignored) or stalls past the write
    // deadline, or the server stops.
    asio::awaitable<void> Stream(tcp::socket& socket, HttpStream& stream) {
        asio::steady_timer timer(socket.get_executor());
        std::vector<char> sink(256);
        boost::system::error_code ignored;
        socket.set_option(asio::socket_base::send_buffer_size(STREAM_SEND_BUFFER), ignored);
        const unsigned user_timeout_ms = static_cast<unsigned>(std::chrono::milliseconds(STREAM_USER_TIMEOUT).count());
        ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof(user_timeout_ms));
        while (!m_stopped) {
            const std::string bytes = stream.Take();
            if (!bytes.empty()) {
                timer.expires_after(STREAM_WRITE_TIMEOUT);
                auto written = co_await (asio::async_write(socket, asio::buffer(bytes), AS_TUPLE) || timer.async_wait(AS_TUPLE));
                if (written.index() == 1) co_return;  // stalled past the deadline
                if (auto [ec, n] = std::get<0>(written); ec) co_return;
            }
            if (stream.Finished()) co_return;
            if (stream.More()) continue;
            timer.expires_after(STREAM_POLL_INTERVAL);
            auto waited = co_await (socket.async_read_some(asio::buffer(sink), AS_TUPLE) || timer.async_wait(AS_TUPLE));
            if (waited.index() == 0) {
                auto [ec, n] = std::get<0>(waited);
                if (ec || n == 0) co_return;  // the client went away
            }
        }
    }

    asio::awaitable<bool> Write(tcp::socket& socket, const HttpResponse& response) {
        const std::string bytes = SerializeResponse(response);
        auto [ec, n] = co_await asio::async_write(socket, asio::buffer(bytes), AS_TUPLE);
        co_return !ec;
    }

    // Counts a request in; false when the work queue is full.
    bool Enqueue() {
        std::lock_guard lock(m_mutex);
        if (m_busy >= m_options.work_queue_depth + m_options.worker_threads) {
            ++m_busy;  // balanced by Done()
            return false;
        }
        ++m_busy;
        return true;
    }

    void Done() {
        std::lock_guard lock(m_mutex);
        --m_busy;
        m_idle.notify_all();
    }

    // Declared first, destroyed last: pending operations may refer to everything below.
    asio::io_context m_io;
    HttpServerOptions m_options;
    HttpHandler m_handler;
    asio::thread_pool m_workers;
    std::vector<std::unique_ptr<tcp::acceptor>> m_acceptors;
    std::vector<HttpEndpoint> m_bound;
    std::set<tcp::socket*> m_sockets;  // io thread only
    std::thread m_io_thread;
    std::atomic<bool> m_stopped{false};
    std::mutex m_mutex;
    std::condition_variable m_idle;
    size_t m_busy = 0;
    bool m_io_done = false;
};

}  // namespace

util::Result<std::unique_ptr<HttpServer>, std::string> HttpServer::Start(const HttpServerOptions& options,
                                                                         HttpHandler handler) {
    auto server = std::make_unique<ServerImpl>(options, std::move(handler));
    if (auto bound = server->Bind(); !bound) return util::Fail(bound.error());
    server->Run();
    return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace tonari::netcore
