// The HTTP response reader: bodies by length, by chunks and by close; bounds; malformed input.
#include "netcore/http_response_parser.h"

#include <gtest/gtest.h>

#include "netcore/http_message.h"

namespace tonari::netcore {
namespace {

TEST(HttpResponseParser, ReadsABodyByContentLengthAsItArrives) {
    const std::string full = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
    for (size_t cut = 0; cut < full.size(); ++cut) {
        EXPECT_EQ(ParseHttpResponse(full.substr(0, cut), false, 100).state, HttpParseState::NeedMore) << cut;
    }
    auto r = ParseHttpResponse(full, false, 100);
    ASSERT_EQ(r.state, HttpParseState::Done) << r.error;
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.body, "hello");
    EXPECT_EQ(r.response.Header("content-type"), "text/plain");
}

TEST(HttpResponseParser, ReadsChunkedAndCloseDelimitedBodies) {
    const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    auto r = ParseHttpResponse(chunked, false, 100);
    ASSERT_EQ(r.state, HttpParseState::Done) << r.error;
    EXPECT_EQ(r.response.body, "abcde");
    EXPECT_EQ(ParseHttpResponse(chunked.substr(0, 60), false, 100).state, HttpParseState::NeedMore);
    EXPECT_EQ(ParseHttpResponse(chunked.substr(0, 60), true, 100).state, HttpParseState::Error);

    const std::string closing = "HTTP/1.0 404 Not Found\r\n\r\nnothing here";
    EXPECT_EQ(ParseHttpResponse(closing, false, 100).state, HttpParseState::NeedMore);
    auto c = ParseHttpResponse(closing, true, 100);
    ASSERT_EQ(c.state, HttpParseState::Done);
    EXPECT_EQ(c.response.status, 404);
    EXPECT_EQ(c.response.body, "nothing here");
}

TEST(HttpResponseParser, RefusesOversizedAndMalformedResponses) {
    EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", false, 100).state, HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", false, 100).state,
              HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\n\r\n" + std::string(101, 'x'), false, 100).state, HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse(std::string(MAX_HEADER_BYTES + 1, 'x'), false, 100).state, HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse("SMTP ready\r\n\r\n", false, 100).state, HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse("HTTP/1.1 2x0 OK\r\n\r\n", false, 100).state, HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", false, 100).state, HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, 100).state, HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, 100).state,
              HttpParseState::Error);
    EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200", true, 100).state, HttpParseState::Error);
    auto no_reason = ParseHttpResponse("HTTP/1.1 204\r\n\r\n", true, 100);
    EXPECT_EQ(no_reason.state, HttpParseState::Done);
    EXPECT_EQ(no_reason.response.status, 204);
}

}  // namespace
}  // namespace tonari::netcore
