// Tests for `version`: a real payload from the wild, the optional relay byte, Core's tolerance
// of extra bytes, the user-agent limit, and truncation at every offset.
#include <gtest/gtest.h>

#include "bitcoin/wire/version.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

// Payload of the version message in the Bitcoin developer reference (a Bitcoin Core 0.9.3 node,
// block 329167, November 2014); also used by btcd-style and python test suites.
constexpr std::string_view REAL_VERSION =
    "721101000100000000000000bc8f5e5400000000010000000000000000000000000000000000ffffc61b6409208d"
    "010000000000000000000000000000000000ffffcb0071c0208d128035cbc97953f80f2f5361746f7368693a302e"
    "392e332fcf05050001";

TEST(Version, RealPayload) {
    const util::Bytes raw = test::ParseHexOrFail(REAL_VERSION);
    ASSERT_EQ(raw.size(), 101u);
    const auto m = VersionMsg::Decode(raw);
    ASSERT_TRUE(m) << ToString(m.error());
    EXPECT_EQ(m->version, 70002);
    EXPECT_EQ(m->services, NODE_NETWORK);
    EXPECT_EQ(m->timestamp, 1415483324);
    EXPECT_EQ(m->addr_recv_services, NODE_NETWORK);
    EXPECT_EQ(m->addr_recv.ToString(), "198.27.100.9:8333");
    EXPECT_EQ(m->addr_from_services, NODE_NETWORK);
    EXPECT_EQ(m->addr_from.ToString(), "203.0.113.192:8333");
    EXPECT_EQ(m->nonce, 0xf85379c9cb358012ULL);
    EXPECT_EQ(m->user_agent, "/Satoshi:0.9.3/");
    EXPECT_EQ(m->start_height, 329167);
    EXPECT_TRUE(m->relay);
    EXPECT_EQ(m->Encode(), raw);
    EXPECT_EQ(VersionMsg::COMMAND, "version");
}

TEST(Version, RoundTrip) {
    VersionMsg m;
    m.services = NODE_NETWORK | NODE_WITNESS | NODE_NETWORK_LIMITED;
    m.timestamp = -5;
    m.addr_recv_services = NODE_P2P_V2;
    m.addr_recv = *NetAddress::Parse("[2001:db8::7]:18444", 0);
    m.addr_from = *NetAddress::Parse("10.0.0.1:1", 0);
    m.nonce = 0x0123456789abcdefULL;
    m.user_agent = std::string(MAX_SUBVERSION_LENGTH, 'u');
    m.start_height = -1;
    m.relay = false;
    const util::Bytes raw = m.Encode();
    EXPECT_EQ(raw.size(), 85u + 3 + MAX_SUBVERSION_LENGTH);  // 256 needs a 3-byte CompactSize
    const auto back = VersionMsg::Decode(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, m);
    EXPECT_EQ(back->version, PROTOCOL_VERSION);
}

TEST(Version, RelayByte) {
    util::Bytes raw = test::ParseHexOrFail(REAL_VERSION);
    raw.pop_back();  // no relay byte: pre-BIP37 peers, meaning "relay"
    auto m = VersionMsg::Decode(raw);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->relay);
    raw.push_back(0);
    m = VersionMsg::Decode(raw);
    ASSERT_TRUE(m);
    EXPECT_FALSE(m->relay);
    raw.back() = 2;  // any non-zero byte is true, as Core reads a bool
    m = VersionMsg::Decode(raw);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->relay);
    EXPECT_EQ(m->Encode().back(), 1);
}

TEST(Version, ExtraBytesIgnoredLikeCore) {
    util::Bytes raw = test::ParseHexOrFail(REAL_VERSION);
    raw.back() = 0;
    util::Append(raw, util::Bytes{1, 2, 3, 4, 5});
    const auto m = VersionMsg::Decode(raw);
    ASSERT_TRUE(m);
    EXPECT_FALSE(m->relay);
    EXPECT_EQ(m->start_height, 329167);
}

TEST(Version, TruncatedAnywhereBeforeRelay) {
    const util::Bytes raw = test::ParseHexOrFail(REAL_VERSION);
    for (size_t len = 0; len < raw.size() - 1; ++len) {
        const auto m = VersionMsg::Decode(util::ByteSpan(raw).first(len));
        ASSERT_FALSE(m) << len;
        EXPECT_EQ(m.error(), WireError::Truncated) << len;
    }
}

TEST(Version, UserAgentLimit) {
    VersionMsg m;
    m.user_agent = std::string(MAX_SUBVERSION_LENGTH + 1, 'x');
    const auto r = VersionMsg::Decode(m.Encode());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), WireError::TooMany);
    // A huge announced length is refused on the length alone, before reading.
    util::Bytes raw = test::ParseHexOrFail(REAL_VERSION);
    raw.resize(80);
    util::Append(raw, util::Bytes{0xfe, 0xff, 0xff, 0xff, 0x7f});
    const auto r2 = VersionMsg::Decode(raw);
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error(), WireError::TooMany);
}

TEST(Version, NonCanonicalUserAgentLength) {
    // 0x0f written as fd 0f 00: Core rejects non-shortest CompactSize encodings.
    util::Bytes raw = test::ParseHexOrFail(REAL_VERSION);
    util::Bytes bad(raw.begin(), raw.begin() + 80);
    util::Append(bad, util::Bytes{0xfd, 0x0f, 0x00});
    bad.insert(bad.end(), raw.begin() + 81, raw.end());
    const auto m = VersionMsg::Decode(bad);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error(), WireError::Malformed);
}

TEST(Version, NonLegacyAddressSentAsUnspecified) {
    VersionMsg m;
    m.addr_recv = NetAddress{NetId::TorV3, util::Bytes(32, 9), 9050};
    const util::Bytes raw = m.Encode();
    // version(4) services(8) time(8) | services(8) ip(16) port(2)
    EXPECT_EQ(util::HexEncode(util::ByteSpan(raw).subspan(28, 18)), std::string(36, '0'));
    const auto back = VersionMsg::Decode(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->addr_recv.net, NetId::IPv6);
    EXPECT_EQ(back->addr_recv.addr, util::Bytes(16, 0));
    EXPECT_EQ(back->addr_recv.port, 0);
}

}  // namespace
}  // namespace tonari::bitcoin::wire
