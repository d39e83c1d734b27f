// HttpGet over Asio: resolve, connect (each address in turn), write, read until the parser says
// the response is complete — every step waited on in short slices against the deadline and the
// cancel flag.
#include "netcore/http_client.h"

#include "netcore/http_message.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

namespace tonari::netcore {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr auto WAIT_SLICE = std::chrono::milliseconds(50);
constexpr size_t READ_CHUNK = 16 * 1024;

// Runs the io context until `done`, the deadline or a cancel; false when not done.
bool WaitFor(asio::io_context& io, const bool& done, std::chrono::steady_clock::time_point deadline,
             const std::atomic<bool>* cancel) {
    while (!done) {
        if (cancel && cancel->load()) return false;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        io.restart();
        io.run_one_for(WAIT_SLICE);
    }
    return true;
}

}  // namespace

util::Result<HttpClientResponse, std::string> HttpGet(const Url& url, const HttpGetOptions& options,
                                                      const std::atomic<bool>* cancel) {
    if (url.scheme != "http") return util::Fail("unsupported URL scheme " + url.scheme + " (plain http only)");
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    auto stopped = [&]() -> std::string { return cancel && cancel->load() ? "cancelled" : "timed out"; };

    // Buffers first: they outlive the socket and any operation still pending on it.
    std::string request;
    std::string received;
    std::array<char, READ_CHUNK> chunk{};
    asio::io_context io;
    tcp::resolver resolver(io);
    tcp::socket socket(io);
    bool done = false;
    boost::system::error_code error;
    tcp::resolver::results_type addresses;
    resolver.async_resolve(url.host, std::to_string(url.port), [&](const boost::system::error_code& ec, tcp::resolver::results_type r) {
        error = ec;
        addresses = std::move(r);
        done = true;
    });
    if (!WaitFor(io, done, deadline, cancel)) return util::Fail(stopped() + " resolving " + url.host);
    if (error) return util::Fail("cannot resolve " + url.host + ": " + error.message());

    done = false;
    asio::async_connect(socket, addresses, [&](const boost::system::error_code& ec, const tcp::endpoint&) {
        error = ec;
        done = true;
    });
    const std::string where = url.host + ":" + std::to_string(url.port);
    if (!WaitFor(io, done, deadline, cancel)) return util::Fail(stopped() + " connecting to " + where);
    if (error) return util::Fail("cannot connect to " + where + ": " + error.message());

    const bool bracket = url.host.find(':') != std::string::npos;
    const std::string host_header = (bracket ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
    request = "GET " + url.target + " HTTP/1.1\r\nHost: " + host_header + "\r\nUser-Agent: " +
                                options.user_agent + "\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n";
    done = false;
    asio::async_write(socket, asio::buffer(request), [&](const boost::system::error_code& ec, size_t) {
        error = ec;
        done = true;
    });
    if (!WaitFor(io, done, deadline, cancel)) return util::Fail(stopped() + " sending to " + where);
    if (error) return util::Fail("cannot send to " + where + ": " + error.message());

    while (true) {
        done = false;
        size_t got = 0;
        socket.async_read_some(asio::buffer(chunk), [&](const boost::system::error_code& ec, size_t n) {
            error = ec;
            got = n;
            done = true;
        });
        if (!WaitFor(io, done, deadline, cancel)) return util::Fail(stopped() + " waiting for " + where);
        received.append(chunk.data(), got);
        // Whatever the framing claims, no more than a head and a full body (plus chunk
        // overhead) is ever held.
        if (received.size() > MAX_HEADER_BYTES + 2 * options.max_body_bytes + 4096) {
            return util::Fail("response from " + where + " too large");
        }
        const bool eof = error == asio::error::eof;
        if (error && !eof) return util::Fail("reading from " + where + ": " + error.message());
        auto parsed = ParseHttpResponse(received, eof, options.max_body_bytes);
        if (parsed.state == HttpParseState::Done) return std::move(parsed.response);
        if (parsed.state == HttpParseState::Error) return util::Fail("bad HTTP response from " + where + ": " + parsed.error);
        if (eof) return util::Fail("connection closed by " + where);
    }
}

}  // namespace tonari::netcore
