// The HTTP request parser on good, split, pipelined and hostile input.
#include "netcore/http_message.h"

#include <gtest/gtest.h>

namespace tonari::netcore {
namespace {

constexpr size_t MAX_BODY = 1000;

HttpRequestParser::State ParseAll(HttpRequestParser& p, std::string_view bytes) {
    p.Feed(bytes);
    return p.GetState();
}

TEST(HttpRequestParser, PostWithBody) {
    HttpRequestParser p(MAX_BODY);
    const std::string req = "POST /wallet/w1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nAuthorization:  Basic abc \r\n\r\nhello";
    EXPECT_EQ(p.Feed(req), req.size());
    ASSERT_EQ(p.GetState(), HttpRequestParser::State::Done);
    EXPECT_EQ(p.Request().method, "POST");
    EXPECT_EQ(p.Request().target, "/wallet/w1");
    EXPECT_EQ(p.Request().body, "hello");
    EXPECT_EQ(p.Request().Header("authorization"), "Basic abc");
    EXPECT_EQ(p.Request().Header("content-length"), "5");
    EXPECT_FALSE(p.Request().Header("missing"));
    EXPECT_TRUE(p.Request().KeepAlive());
}

TEST(HttpRequestParser, ByteByByteAndPipelined) {
    const std::string one = "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
    const std::string two = "GET /x HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
    const std::string stream = one + two;
    HttpRequestParser p(MAX_BODY);
    size_t pos = 0;
    while (p.GetState() == HttpRequestParser::State::NeedMore) {
        ASSERT_LT(pos, stream.size());
        pos += p.Feed(std::string_view(stream).substr(pos, 1));
    }
    ASSERT_EQ(p.GetState(), HttpRequestParser::State::Done);
    EXPECT_EQ(pos, one.size());
    EXPECT_EQ(p.Request().body, "abc");
    p.Reset();
    EXPECT_EQ(p.Feed(std::string_view(stream).substr(pos)), two.size());
    ASSERT_EQ(p.GetState(), HttpRequestParser::State::Done);
    EXPECT_EQ(p.Request().target, "/x");
    EXPECT_EQ(p.Request().version_minor, 0);
    EXPECT_TRUE(p.Request().KeepAlive());
}

TEST(HttpRequestParser, FeedStopsAtTheEndOfTheRequest) {
    HttpRequestParser p(MAX_BODY);
    const std::string req = "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nokNEXT";
    EXPECT_EQ(p.Feed(req), req.size() - 4);
    EXPECT_EQ(p.Request().body, "ok");
    EXPECT_EQ(p.Feed("more"), 0u);  // nothing more until Reset
}

TEST(HttpRequestParser, ConnectionHeaders) {
    HttpRequestParser p(MAX_BODY);
    ParseAll(p, "GET / HTTP/1.1\r\nConnection: foo, Close\r\n\r\n");
    EXPECT_FALSE(p.Request().KeepAlive());
    p.Reset();
    ParseAll(p, "GET / HTTP/1.0\r\n\r\n");
    EXPECT_FALSE(p.Request().KeepAlive());
}

struct Bad {
    std::string bytes;
    int status;
};

TEST(HttpRequestParser, HostileRequestsGetTheRightStatus) {
    const std::vector<Bad> cases = {
        {"POST / HTTP/1.1\r\n\r\n", 411},
        {"POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", 413},
        {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        {"POST / HTTP/2.0\r\n\r\n", 505},
        {"POST /  HTTP/1.1\r\n\r\n", 400},
        {"POST x HTTP/1.1\r\n\r\n", 400},
        {"PO(ST / HTTP/1.1\r\n\r\n", 400},
        {"\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
    };
    for (const auto& c : cases) {
        HttpRequestParser p(MAX_BODY);
        EXPECT_EQ(ParseAll(p, c.bytes), HttpRequestParser::State::Error) << c.bytes;
        EXPECT_EQ(p.ErrorStatus(), c.status) << c.bytes;
        EXPECT_FALSE(p.ErrorText().empty());
    }
}

TEST(HttpRequestParser, HeadSizeAndCountLimits) {
    {
        // An endless header never terminated: refused once past the limit, not buffered forever.
        HttpRequestParser p(MAX_BODY);
        const std::string chunk = "GET / HTTP/1.1\r\nX: " + std::string(1000, 'a');
        size_t fed = p.Feed(chunk);
        for (int i = 0; i < 20 && p.GetState() == HttpRequestParser::State::NeedMore; ++i) fed += p.Feed(std::string(1000, 'a'));
        EXPECT_EQ(p.GetState(), HttpRequestParser::State::Error);
        EXPECT_EQ(p.ErrorStatus(), 431);
        EXPECT_LE(fed, MAX_HEADER_BYTES + 4);
    }
    {
        std::string many = "GET / HTTP/1.1\r\n";
        for (size_t i = 0; i <= MAX_HEADER_COUNT; ++i) many += "A: b\r\n";
        many += "\r\n";
        ASSERT_LT(many.size(), MAX_HEADER_BYTES);
        HttpRequestParser p(MAX_BODY);
        EXPECT_EQ(ParseAll(p, many), HttpRequestParser::State::Error);
        EXPECT_EQ(p.ErrorStatus(), 431);
    }
    {
        // Exactly at the limit is fine.
        std::string head = "GET / HTTP/1.1\r\nX: ";
        head += std::string(MAX_HEADER_BYTES - head.size(), 'a');
        HttpRequestParser p(MAX_BODY);
        EXPECT_EQ(ParseAll(p, head + "\r\n\r\n"), HttpRequestParser::State::Done);
    }
}

TEST(HttpResponse, Serialized) {
    HttpResponse r{.status = 401, .content_type = "", .headers = {{"WWW-Authenticate", "Basic realm=\"jsonrpc\""}},
                   .body = "", .close = true, .stream = nullptr};
    EXPECT_EQ(SerializeResponse(r),
              "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n"
              "WWW-Authenticate: Basic realm=\"jsonrpc\"\r\n\r\n");
    HttpResponse ok{.status = 200, .content_type = "application/json", .headers = {}, .body = "{}", .close = false, .stream = nullptr};
    EXPECT_EQ(SerializeResponse(ok),
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}");
}

}  // namespace
}  // namespace tonari::netcore
