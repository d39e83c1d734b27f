// HttpGet over Asio: resolve, connect (each address in turn), write, read until the parser says
// the response is complete — every step waited on in short slices against the deadline and the
// cancel flag.
#include "netcore/http_client.h"

#include "netcore/http_message.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <array>

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

// One plain-HTTP exchange on the caller's thread: resolve and connect, send, read in slices,
// each step against a deadline and the cancel flag.
class Exchange {
public:
    Exchange(const Url& url, const std::atomic<bool>* cancel)
        : m_url(url), m_cancel(cancel), m_where(url.host + ":" + std::to_string(url.port)) {}

    std::string Stopped() const { return m_cancel && m_cancel->load() ? "cancelled" : "timed out"; }
    const std::string& Where() const { return m_where; }

    util::Result<void, std::string> Open(const std::string& request, std::chrono::steady_clock::time_point deadline) {
        if (m_url.scheme != "http") return util::Fail("unsupported URL scheme " + m_url.scheme + " (plain http only)");
        bool done = false;
        boost::system::error_code error;
        tcp::resolver::results_type addresses;
        m_resolver.async_resolve(m_url.host, std::to_string(m_url.port),
                                 [&](const boost::system::error_code& ec, tcp::resolver::results_type r) {
                                     error = ec;
                                     addresses = std::move(r);
                                     done = true;
                                 });
        if (!WaitFor(m_io, done, deadline, m_cancel)) return util::Fail(Stopped() + " resolving " + m_url.host);
        if (error) return util::Fail("cannot resolve " + m_url.host + ": " + error.message());
        done = false;
        asio::async_connect(m_socket, addresses, [&](const boost::system::error_code& ec, const tcp::endpoint&) {
            error = ec;
            done = true;
        });
        if (!WaitFor(m_io, done, deadline, m_cancel)) return util::Fail(Stopped() + " connecting to " + m_where);
        if (error) return util::Fail("cannot connect to " + m_where + ": " + error.message());
        m_request = request;
        done = false;
        asio::async_write(m_socket, asio::buffer(m_request), [&](const boost::system::error_code& ec, size_t) {
            error = ec;
            done = true;
        });
        if (!WaitFor(m_io, done, deadline, m_cancel)) return util::Fail(Stopped() + " sending to " + m_where);
        if (error) return util::Fail("cannot send to " + m_where + ": " + error.message());
        return {};
    }

    // Appends what arrives to `out`; true at the end of the stream.
    util::Result<bool, std::string> Read(std::string& out, std::chrono::steady_clock::time_point deadline) {
        bool done = false;
        size_t got = 0;
        boost::system::error_code error;
        m_socket.async_read_some(asio::buffer(m_chunk), [&](const boost::system::error_code& ec, size_t n) {
            error = ec;
            got = n;
            done = true;
        });
        if (!WaitFor(m_io, done, deadline, m_cancel)) return util::Fail(Stopped() + " waiting for " + m_where);
        out.append(m_chunk.data(), got);
        if (error == asio::error::eof) return true;
        if (error) return util::Fail("reading from " + m_where + ": " + error.message());
        return false;
    }

    std::string RequestFor(const std::string& user_agent, const std::string& extra_headers) const {
        return Head("GET", user_agent, extra_headers) + "\r\n";
    }

    std::string PostFor(const std::string& user_agent, const std::string& extra_headers, const std::string& content_type,
                        std::string_view body) const {
        return Head("POST", user_agent, extra_headers) + "Content-Type: " + content_type +
               "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
    }

private:
    std::string Head(const std::string& method, const std::string& user_agent, const std::string& extra_headers) const {
        const bool bracket = m_url.host.find(':') != std::string::npos;
        const std::string host_header = (bracket ? "[" + m_url.host + "]" : m_url.host) + ":" + std::to_string(m_url.port);
        return method + " " + m_url.target + " HTTP/1.1\r\nHost: " + host_header + "\r\nUser-Agent: " + user_agent +
               "\r\nAccept-Encoding: identity\r\n" + extra_headers + "Connection: close\r\n";
    }

    // Buffers and the io context first: they outlive the socket and any operation on it.
    Url m_url;
    const std::atomic<bool>* m_cancel;
    std::string m_where;
    std::string m_request;
    std::array<char, READ_CHUNK> m_chunk{};
    asio::io_context m_io;
    tcp::resolver m_resolver{m_io};
    tcp::socket m_socket{m_io};
};

}  // namespace

namespace {

// Sends `request` and reads one bounded response.
util::Result<HttpClientResponse, std::string> RoundTrip(Exchange& x, const std::string& request, const HttpGetOptions& options) {
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    if (auto opened = x.Open(request, deadline); !opened) return util::Fail(opened.error());
    std::string received;
    while (true) {
        auto eof = x.Read(received, deadline);
        if (!eof) return util::Fail(eof.error());
        // Whatever the framing claims, no more than a head and a full body (plus chunk
        // overhead) is ever held.
        if (received.size() > MAX_HEADER_BYTES + 2 * options.max_body_bytes + 4096) {
            return util::Fail("response from " + x.Where() + " too large");
        }
        auto parsed = ParseHttpResponse(received, *eof, options.max_body_bytes);
        if (parsed.state == HttpParseState::Done) return std::move(parsed.response);
        if (parsed.state == HttpParseState::Error) return util::Fail("bad HTTP response from " + x.Where() + ": " + parsed.error);
        if (*eof) return util::Fail("connection closed by " + x.Where());
    }
}

}  // namespace

util::Result<HttpClientResponse, std::string> HttpGet(const Url& url, const HttpGetOptions& options,
                                                      const std::atomic<bool>* cancel) {
    Exchange x(url, cancel);
    return RoundTrip(x, x.RequestFor(options.user_agent, ""), options);
}

util::Result<HttpClientResponse, std::string> HttpPost(const Url& url, const HttpPostRequest& request,
                                                       const HttpGetOptions& options, const std::atomic<bool>* cancel) {
    // Header text passed on from elsewhere (an Authorization header) must not add lines of
    // its own to the request (header injection).
    for (const std::string* text : {&request.content_type, &url.target}) {
        if (text->find_first_of("\r\n") != std::string::npos) return util::Fail(std::string("a line break in the request"));
    }
    const std::string& extra = request.extra_headers;
    for (size_t at = extra.find_first_of("\r\n"); at != std::string::npos; at = extra.find_first_of("\r\n", at + 2)) {
        if (extra.compare(at, 2, "\r\n") != 0) return util::Fail(std::string("a bare line break in a header"));
    }
    Exchange x(url, cancel);
    return RoundTrip(x, x.PostFor(options.user_agent, request.extra_headers, request.content_type, request.body), options);
}

util::Result<void, std::string> HttpGetStream(const Url& url, const HttpStreamOptions& options,
                                              const std::function<void(std::string_view)>& on_body,
                                              const std::atomic<bool>* cancel) {
    auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
    Exchange x(url, cancel);
    if (auto opened = x.Open(x.RequestFor(options.user_agent, options.extra_headers), deadline); !opened) {
        return util::Fail(opened.error());
    }
    std::string received;
    size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
        auto eof = x.Read(received, deadline);
        if (!eof) return util::Fail(eof.error());
        head_end = received.find("\r\n\r\n");
        if (head_end == std::string::npos && (received.size() > MAX_HEADER_BYTES || *eof)) {
            return util::Fail("no response head from " + x.Where());
        }
    }
    if (received.rfind("HTTP/1.1 200", 0) != 0 && received.rfind("HTTP/1.0 200", 0) != 0) {
        return util::Fail(x.Where() + " answered " + received.substr(0, std::min<size_t>(received.find("\r\n"), 64)));
    }
    received.erase(0, head_end + 4);
    while (true) {
        if (!received.empty()) on_body(received);
        received.clear();
        // Silence longer than the idle timeout (the server sends keep-alives) ends it.
        auto eof = x.Read(received, std::chrono::steady_clock::now() + options.idle_timeout);
        if (!eof) return util::Fail(eof.error());
        if (*eof) {
            if (!received.empty()) on_body(received);
            return util::Fail("connection closed by " + x.Where());
        }
    }
}

}  // namespace tonari::netcore
