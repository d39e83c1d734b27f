// URL splitting, percent-encoding and query strings.
#include "netcore/url.h"

#include <gtest/gtest.h>

namespace tonari::netcore {
namespace {

TEST(Url, SplitsSchemeHostPortAndTarget) {
    auto u = ParseUrl("HTTP://tracker.example:8080/announce?passkey=1#frag");
    ASSERT_TRUE(u) << u.error();
    EXPECT_EQ(u->scheme, "http");
    EXPECT_EQ(u->host, "tracker.example");
    EXPECT_EQ(u->port, 8080);
    EXPECT_EQ(u->target, "/announce?passkey=1");
    auto v6 = ParseUrl("udp://[::1]:6969/announce");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 6969);
    auto bare = ParseUrl("http://example.org");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->port, 80);
    EXPECT_EQ(bare->target, "/");
    auto query = ParseUrl("http://user:pw@h:1?x=1");
    ASSERT_TRUE(query);
    EXPECT_EQ(query->host, "h");
    EXPECT_EQ(query->target, "/?x=1");
    auto udp = ParseUrl("udp://h/announce");
    ASSERT_TRUE(udp);
    EXPECT_EQ(udp->port, 0);  // no default: the caller says what that means
}

TEST(Url, RefusesMalformedUrls) {
    EXPECT_FALSE(ParseUrl("tracker.example/announce"));
    EXPECT_FALSE(ParseUrl("http:///announce"));
    EXPECT_FALSE(ParseUrl("http://h:0/"));
    EXPECT_FALSE(ParseUrl("http://h:65536/"));
    EXPECT_FALSE(ParseUrl("http://h:12x/"));
    EXPECT_FALSE(ParseUrl("http://[::1/"));
    EXPECT_FALSE(ParseUrl("ht tp://h/"));
    EXPECT_FALSE(ParseUrl("http://h/" + std::string(MAX_URL_BYTES, 'a')));
}

TEST(Url, QueryStringsAreDecodedAndBounded) {
    auto q = ParseQuery("a=1&&b=%41&flag&c=");
    ASSERT_TRUE(q) << q.error();
    ASSERT_EQ(q->size(), 4u);
    EXPECT_EQ((*q)[1], (std::pair<std::string, std::string>{"b", "A"}));
    EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"flag", ""}));
    EXPECT_FALSE(ParseQuery("a=%g0"));
    std::string many;
    for (int i = 0; i < 100; ++i) many += "k=v&";
    EXPECT_FALSE(ParseQuery(many, 64));
    EXPECT_TRUE(ParseQuery(many, 100));
}

}  // namespace
}  // namespace tonari::netcore
