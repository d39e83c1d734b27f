// Tests for NetAddress: text forms (RFC 5952 output, strict parsing), the legacy 16-byte form,
// and which addresses count as routable or local.
#include <gtest/gtest.h>

#include <string>

#include "bitcoin/wire/net_address.h"

namespace tonari::bitcoin::wire {
namespace {

NetAddress P(std::string_view text, uint16_t default_port = 8333) {
    const auto a = NetAddress::Parse(text, default_port);
    EXPECT_TRUE(a) << text;
    return a.value_or(NetAddress{});
}

TEST(NetAddress, AddressLengths) {
    EXPECT_EQ(AddressLength(NetId::IPv4), 4u);
    EXPECT_EQ(AddressLength(NetId::IPv6), 16u);
    EXPECT_EQ(AddressLength(NetId::TorV2), 10u);
    EXPECT_EQ(AddressLength(NetId::TorV3), 32u);
    EXPECT_EQ(AddressLength(NetId::I2P), 32u);
    EXPECT_EQ(AddressLength(NetId::CJDNS), 16u);
    EXPECT_EQ(AddressLength(static_cast<NetId>(42)), 0u);
}

TEST(NetAddress, ParseAndPrint) {
    EXPECT_EQ(P("1.2.3.4:18444").ToString(), "1.2.3.4:18444");
    EXPECT_EQ(P("1.2.3.4").ToString(), "1.2.3.4:8333");
    EXPECT_EQ(P("255.255.255.255:1").ToString(), "255.255.255.255:1");
    EXPECT_EQ(P("[::1]:18444").ToString(), "[::1]:18444");
    EXPECT_EQ(P("::1").ToString(), "[::1]:8333");
    EXPECT_EQ(P("[::]").ToString(), "[::]:8333");
    EXPECT_EQ(P("[2001:DB8::1]:1").ToString(), "[2001:db8::1]:1");
    EXPECT_EQ(P("fe80::").ToString(), "[fe80::]:8333");
    // Bare IPv6 with many colons is an address, not host:port.
    EXPECT_EQ(P("1:2:3:4:5:6:7:8").ToString(), "[1:2:3:4:5:6:7:8]:8333");
    EXPECT_EQ(P("1:2:3:4:5:6:7::").ToString(), "[1:2:3:4:5:6:7:0]:8333");  // one zero: no "::"
    EXPECT_EQ(P("::2:3:4:5:6:7:8").ToString(), "[0:2:3:4:5:6:7:8]:8333");
    // Longest zero run wins; the first on a tie; single zeros stay.
    EXPECT_EQ(P("1:0:0:2:0:0:0:3").ToString(), "[1:0:0:2::3]:8333");
    EXPECT_EQ(P("1:0:0:2:0:0:3:4").ToString(), "[1::2:0:0:3:4]:8333");
    EXPECT_EQ(P("1:0:2:0:3:0:4:0").ToString(), "[1:0:2:0:3:0:4:0]:8333");
    EXPECT_EQ(P("2001:0db8:0000:0000:0001:0000:0000:0001").ToString(), "[2001:db8::1:0:0:1]:8333");
    // Embedded dotted quad.
    EXPECT_EQ(P("64:ff9b::1.2.3.4").ToString(), "[64:ff9b::102:304]:8333");
}

TEST(NetAddress, MappedIPv4BecomesIPv4) {
    const NetAddress a = P("::ffff:10.0.0.1");
    EXPECT_TRUE(a.IsIPv4());
    EXPECT_EQ(a.addr, (util::Bytes{10, 0, 0, 1}));
    const NetAddress b = P("[::ffff:a00:1]:99");
    EXPECT_EQ(b, (NetAddress{NetId::IPv4, {10, 0, 0, 1}, 99}));
}

TEST(NetAddress, ParseRejects) {
    const char* bad[] = {
        "",          "1.2.3",          "1.2.3.4.5",    "1.2.3.256",     "01.2.3.4",   "1..2.3",
        "1.2.3.4:",  "1.2.3.4:0",      "1.2.3.4:65536", "1.2.3.4:80a",  "1.2.3.4:-1", "[::1",
        "[::1]x",    "[::1]:",         ":::",          "1::2::3",       "1:2:3:4:5:6:7:8:9",
        "12345::",   "g::1",           ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "[1.2.3.4]:8333",
        "example.com", "1.2.3.4 ",     "::1.2.3",      "1.2.3.4::",     "1:2:3:4:5:6:7:1.2.3.4",
    };
    for (const char* text : bad) EXPECT_FALSE(NetAddress::Parse(text, 8333)) << text;
}

TEST(NetAddress, LegacyForm) {
    const NetAddress v4 = P("198.27.100.9:8333");
    const auto legacy = v4.ToLegacy();
    ASSERT_TRUE(legacy);
    const std::array<uint8_t, 16> expect{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 27, 100, 9};
    EXPECT_EQ(*legacy, expect);
    EXPECT_EQ(NetAddress::FromLegacy(*legacy, 8333), v4);

    const NetAddress v6 = P("[2001:db8::5]:1");
    ASSERT_TRUE(v6.ToLegacy());
    EXPECT_EQ(NetAddress::FromLegacy(*v6.ToLegacy(), 1), v6);

    NetAddress onion{NetId::TorV3, util::Bytes(32, 0xab), 9050};
    EXPECT_FALSE(onion.ToLegacy());
    EXPECT_FALSE((NetAddress{NetId::I2P, util::Bytes(32, 1), 0}.ToLegacy()));
    EXPECT_FALSE((NetAddress{NetId::CJDNS, util::Bytes(16, 0xfc), 0}.ToLegacy()));
    // A wrong-length address has no legacy form either.
    EXPECT_FALSE((NetAddress{NetId::IPv4, util::Bytes(5, 1), 0}.ToLegacy()));
    std::string hex;
    for (int i = 0; i < 32; ++i) hex += "ab";
    EXPECT_EQ(onion.ToString(), "torv3:" + hex + ":9050");
}

TEST(NetAddress, Routability) {
    const char* routable[] = {"1.2.3.4", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.0.1",
                              "172.32.0.1", "223.255.255.255", "198.20.0.1", "2001:4860::8888",
                              "2a01::1", "2002::1", "2001:30::1"};
    for (const char* text : routable) EXPECT_TRUE(P(text).IsRoutable()) << text;
    const char* unroutable[] = {
        "0.0.0.0",     "0.1.2.3",       "10.1.2.3",    "127.0.0.1",    "100.64.0.1",
        "100.127.255.255", "169.254.1.1", "172.16.0.1",  "172.31.255.255", "192.168.1.1",
        "198.18.0.1",  "198.19.255.255", "192.0.2.1",  "198.51.100.1", "203.0.113.5",
        "224.0.0.1",   "239.1.1.1",     "240.0.0.1",   "255.255.255.255", "::",
        "::1",         "fe80::1",       "febf::1",     "fc00::1",      "fdff::1",
        "ff02::1",     "2001:db8::1",   "2001:10::1",  "2001:2f::1",
    };
    for (const char* text : unroutable) EXPECT_FALSE(P(text).IsRoutable()) << text;

    EXPECT_TRUE((NetAddress{NetId::TorV3, util::Bytes(32, 7), 9050}.IsRoutable()));
    EXPECT_TRUE((NetAddress{NetId::I2P, util::Bytes(32, 7), 0}.IsRoutable()));
    util::Bytes cjdns(16, 1);
    cjdns[0] = 0xfc;
    EXPECT_TRUE((NetAddress{NetId::CJDNS, cjdns, 1}.IsRoutable()));
    cjdns[0] = 0xfd;
    EXPECT_FALSE((NetAddress{NetId::CJDNS, cjdns, 1}.IsRoutable()));
    EXPECT_FALSE((NetAddress{NetId::TorV2, util::Bytes(10, 7), 1}.IsRoutable()));
    EXPECT_FALSE((NetAddress{NetId::TorV3, util::Bytes(31, 7), 1}.IsRoutable()));  // bad length
    EXPECT_FALSE((NetAddress{NetId::IPv4, util::Bytes{}, 1}.IsRoutable()));
}

TEST(NetAddress, Local) {
    EXPECT_TRUE(P("127.0.0.1").IsLocal());
    EXPECT_TRUE(P("127.255.0.9").IsLocal());
    EXPECT_TRUE(P("::1").IsLocal());
    EXPECT_FALSE(P("128.0.0.1").IsLocal());
    EXPECT_FALSE(P("::2").IsLocal());
    EXPECT_FALSE(P("10.0.0.1").IsLocal());
    EXPECT_FALSE((NetAddress{NetId::TorV3, util::Bytes(32, 0), 1}.IsLocal()));
}

TEST(NetAddress, Ordering) {
    EXPECT_LT(P("1.2.3.4:1"), P("1.2.3.4:2"));
    EXPECT_LT(P("1.2.3.4"), P("::2"));  // IPv4 sorts before IPv6 by network id
    EXPECT_EQ(P("1.2.3.4"), P("1.2.3.4:8333"));
}

}  // namespace
}  // namespace tonari::bitcoin::wire
