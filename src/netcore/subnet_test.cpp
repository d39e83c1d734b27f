// Subnet parsing (prefixes, netmasks, IPv6) and matching, with malformed inputs refused.
#include "netcore/subnet.h"

#include <gtest/gtest.h>

namespace tonari::netcore {
namespace {

bool In(const char* net, const char* address) {
    auto n = Subnet::Parse(net);
    auto a = ParseIpAddress(address);
    EXPECT_TRUE(n) << net;
    EXPECT_TRUE(a) << address;
    return n && a && n->Contains(*a);
}

TEST(Subnet, ParseAndMatch) {
    EXPECT_TRUE(In("127.0.0.1", "127.0.0.1"));
    EXPECT_FALSE(In("127.0.0.1", "127.0.0.2"));
    EXPECT_TRUE(In("10.1.0.0/16", "10.1.200.3"));
    EXPECT_FALSE(In("10.1.0.0/16", "10.2.0.1"));
    EXPECT_TRUE(In("192.168.1.0/255.255.255.0", "192.168.1.77"));
    EXPECT_FALSE(In("192.168.1.0/255.255.255.0", "192.168.2.77"));
    EXPECT_TRUE(In("0.0.0.0/0", "8.8.8.8"));
    EXPECT_FALSE(In("0.0.0.0/0", "::1"));  // an IPv4 subnet never matches IPv6
    EXPECT_TRUE(In("::1", "::1"));
    EXPECT_TRUE(In("fe80::/10", "fe80::1234"));
    EXPECT_FALSE(In("fe80::/10", "fec0::1"));
    EXPECT_TRUE(Subnet::Localhost4().Contains(*ParseIpAddress("127.3.4.5")));
    EXPECT_TRUE(Subnet::Localhost6().Contains(*ParseIpAddress("::1")));
    EXPECT_EQ(Subnet::Parse("10.1.2.3/8")->ToString(), "10.0.0.0/8");
    EXPECT_EQ(Subnet::Parse("::1")->ToString(), "::1/128");
}

TEST(Subnet, MalformedRefused) {
    for (const char* bad : {"", "1.2.3", "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/", "1.2.3.4/255.0.255.0", "::1/129",
                            "::1/255.255.255.0", "host.example", "1.2.3.4/8x", "1.2.3.256"}) {
        EXPECT_FALSE(Subnet::Parse(bad)) << bad;
    }
    EXPECT_FALSE(ParseIpAddress(std::string(100, '1')));
}

}  // namespace
}  // namespace tonari::netcore
