// The HTTP server on loopback: answers, keep-alive, the allow-list, limits and idle deadline.
// The client is plain blocking sockets with receive timeouts, so a bug fails instead of hanging.
#include "netcore/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>

namespace tonari::netcore {
namespace {

class Client {
public:
    explicit Client(uint16_t port) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{10, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    }
    ~Client() { ::close(m_fd); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool Connected() const { return m_connected; }
    void Send(const std::string& bytes) { ASSERT_EQ(::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size())); }

    // Reads one response (head + Content-Length body); empty when the server closed.
    std::string ReadResponse() {
        while (true) {
            const size_t head_end = m_buffer.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                size_t length = 0;
                const size_t cl = m_buffer.find("Content-Length: ");
                if (cl != std::string::npos && cl < head_end) length = std::stoul(m_buffer.substr(cl + 16));
                if (m_buffer.size() >= head_end + 4 + length) {
                    std::string out = m_buffer.substr(0, head_end + 4 + length);
                    m_buffer.erase(0, out.size());
                    return out;
                }
            }
            char chunk[4096];
            const ssize_t n = ::recv(m_fd, chunk, sizeof(chunk), 0);
            if (n <= 0) return {};
            m_buffer.append(chunk, static_cast<size_t>(n));
        }
    }

    // True when the server closes or resets the connection within the receive timeout (a
    // connection still in the listen backlog when the listener closes is reset).
    bool ClosedByServer() {
        char c;
        const ssize_t n = ::recv(m_fd, &c, 1, 0);
        return n == 0 || (n < 0 && errno == ECONNRESET);
    }

private:
    int m_fd = -1;
    bool m_connected = false;
    std::string m_buffer;
};

HttpServerOptions LoopbackOptions() {
    HttpServerOptions o;
    o.bind = {{"127.0.0.1", 0}};
    o.allow = {Subnet::Localhost4()};
    o.max_body_bytes = 1000;
    o.worker_threads = 2;
    return o;
}

std::unique_ptr<HttpServer> StartEcho(const HttpServerOptions& options, std::atomic<int>* calls = nullptr) {
    auto server = HttpServer::Start(options, [calls](const HttpRequest& req, const HttpClientInfo& client) {
        if (calls) ++*calls;
        return HttpResponse{.status = 200, .content_type = "text/plain", .headers = {},
                            .body = req.method + " " + req.target + " " + req.body + " from " + client.address,
                            .close = false, .stream = nullptr};
    });
    EXPECT_TRUE(server) << (server ? "" : server.error());
    return server ? std::move(*server) : nullptr;
}

TEST(HttpServer, AnswersAndKeepsTheConnectionAlive) {
    auto server = StartEcho(LoopbackOptions());
    ASSERT_TRUE(server);
    const uint16_t port = server->Endpoints().at(0).port;
    ASSERT_NE(port, 0);
    Client c(port);
    ASSERT_TRUE(c.Connected());
    c.Send("POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\none");
    const std::string r1 = c.ReadResponse();
    EXPECT_NE(r1.find("HTTP/1.1 200 OK"), std::string::npos) << r1;
    EXPECT_NE(r1.find("POST /a one from 127.0.0.1"), std::string::npos) << r1;
    // Two pipelined requests on the same connection, the second asking to close.
    c.Send("POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\ntwoPOST /c HTTP/1.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree");
    EXPECT_NE(c.ReadResponse().find("POST /b two"), std::string::npos);
    const std::string r3 = c.ReadResponse();
    EXPECT_NE(r3.find("POST /c three"), std::string::npos) << r3;
    EXPECT_NE(r3.find("Connection: close"), std::string::npos) << r3;
    EXPECT_TRUE(c.ClosedByServer());
    server->Stop();
}

TEST(HttpServer, ClientsOutsideTheAllowListGet403) {
    HttpServerOptions o = LoopbackOptions();
    o.allow = {*Subnet::Parse("10.0.0.0/8")};
    std::atomic<int> calls = 0;
    auto server = StartEcho(o, &calls);
    ASSERT_TRUE(server);
    Client c(server->Endpoints().at(0).port);
    c.Send("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
    EXPECT_NE(c.ReadResponse().find("HTTP/1.1 403 Forbidden"), std::string::npos);
    EXPECT_EQ(calls, 0);
}

TEST(HttpServer, BadRequestsAreAnsweredAndClosed) {
    std::atomic<int> calls = 0;
    auto server = StartEcho(LoopbackOptions(), &calls);
    ASSERT_TRUE(server);
    const uint16_t port = server->Endpoints().at(0).port;
    {
        Client c(port);
        c.Send("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n");
        EXPECT_NE(c.ReadResponse().find("HTTP/1.1 413"), std::string::npos);
        EXPECT_TRUE(c.ClosedByServer());
    }
    {
        Client c(port);
        c.Send("garbage\r\n\r\n");
        EXPECT_NE(c.ReadResponse().find("HTTP/1.1 400"), std::string::npos);
    }
    EXPECT_EQ(calls, 0);
    // The server still serves.
    Client c(port);
    c.Send("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
    EXPECT_NE(c.ReadResponse().find("200 OK"), std::string::npos);
}

TEST(HttpServer, IdleConnectionsAreClosed) {
    HttpServerOptions o = LoopbackOptions();
    o.idle_timeout = std::chrono::milliseconds(100);
    auto server = StartEcho(o);
    ASSERT_TRUE(server);
    Client c(server->Endpoints().at(0).port);
    c.Send("POST / HTTP/1.1\r\nContent-Le");  // and then nothing
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.ClosedByServer());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(9));
}

TEST(HttpServer, BindFailuresAreReported) {
    HttpServerOptions o = LoopbackOptions();
    o.bind = {{"not-an-address", 1}};
    auto server = HttpServer::Start(o, [](const HttpRequest&, const HttpClientInfo&) { return HttpResponse{}; });
    ASSERT_FALSE(server);
    EXPECT_NE(server.error().find("not-an-address"), std::string::npos);
    // A port in use.
    auto first = StartEcho(LoopbackOptions());
    ASSERT_TRUE(first);
    o.bind = {{"127.0.0.1", first->Endpoints().at(0).port}};
    EXPECT_FALSE(HttpServer::Start(o, [](const HttpRequest&, const HttpClientInfo&) { return HttpResponse{}; }));
}

TEST(HttpServer, StopIsIdempotentAndClosesClients) {
    auto server = StartEcho(LoopbackOptions());
    ASSERT_TRUE(server);
    Client c(server->Endpoints().at(0).port);
    ASSERT_TRUE(c.Connected());
    server->Stop();
    server->Stop();
    EXPECT_TRUE(c.ClosedByServer());
}

}  // namespace
}  // namespace tonari::netcore
