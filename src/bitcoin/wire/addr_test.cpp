// Tests for `addr` and `addrv2` (BIP155): hand-assembled encodings, every network, the entries
// that are parsed and dropped, and each rejection reason.
#include <gtest/gtest.h>

#include "bitcoin/wire/addr.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

AddrEntry Entry(uint32_t time, uint64_t services, NetId net, util::Bytes addr, uint16_t port) {
    return AddrEntry{time, services, NetAddress{net, std::move(addr), port}};
}

util::Bytes H(std::string_view hex) { return test::ParseHexOrFail(hex); }

TEST(Addr, LegacyEncoding) {
    AddrMsg m;
    m.entries.push_back(Entry(0x5e5e5e5e, NODE_NETWORK | NODE_WITNESS, NetId::IPv4, {1, 2, 3, 4}, 8333));
    // count, time, services, ::ffff:1.2.3.4, port 8333 big-endian
    EXPECT_EQ(util::HexEncode(m.Encode()),
              "01" "5e5e5e5e" "0900000000000000" "00000000000000000000ffff01020304" "208d");
    const auto back = AddrMsg::Decode(m.Encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, m);
    EXPECT_EQ(AddrMsg::COMMAND, "addr");
}

TEST(Addr, LegacyRoundTripAndSkipsNonLegacy) {
    AddrMsg m;
    m.entries.push_back(Entry(1, 1, NetId::IPv4, {8, 8, 8, 8}, 1));
    m.entries.push_back(Entry(2, 0, NetId::TorV3, util::Bytes(32, 0xcc), 2));  // not sendable
    util::Bytes v6(16, 0);
    v6[0] = 0x2a;
    v6[15] = 7;
    m.entries.push_back(Entry(3, 1033, NetId::IPv6, v6, 3));
    const auto back = AddrMsg::Decode(m.Encode());
    ASSERT_TRUE(back);
    ASSERT_EQ(back->entries.size(), 2u);
    EXPECT_EQ(back->entries[0], m.entries[0]);
    EXPECT_EQ(back->entries[1], m.entries[2]);
}

TEST(Addr, LegacyDropsTorV2OnionCat) {
    // fd87:d87e:eb43::/48 once carried Tor v2 addresses; Core now reads them as invalid.
    const util::Bytes raw = H("02"
                              "01000000" "0000000000000000" "fd87d87eeb4300010203040506070809" "0001"
                              "01000000" "0000000000000000" "00000000000000000000ffff7f000001" "0002");
    const auto m = AddrMsg::Decode(raw);
    ASSERT_TRUE(m) << ToString(m.error());
    ASSERT_EQ(m->entries.size(), 1u);
    EXPECT_EQ(m->entries[0].address.ToString(), "127.0.0.1:2");
}

TEST(Addr, LegacyLimitsAndErrors) {
    EXPECT_EQ(AddrMsg::Decode({}).error(), WireError::Truncated);
    // 1001 entries announced: TooMany, judged on the count alone.
    EXPECT_EQ(AddrMsg::Decode(H("fde903")).error(), WireError::TooMany);
    // 1000 entries announced but only one present: Truncated before anything is reserved.
    const util::Bytes one_of_many =
        H("fde803" "01000000" "0000000000000000" "00000000000000000000ffff01020304" "208d");
    EXPECT_EQ(AddrMsg::Decode(one_of_many).error(), WireError::Truncated);
    EXPECT_EQ(AddrMsg::Decode(H("fd0100")).error(), WireError::Malformed);  // non-canonical count
    EXPECT_EQ(AddrMsg::Decode(H("00ff")).error(), WireError::TrailingBytes);
    AddrMsg m;
    m.entries.push_back(Entry(1, 1, NetId::IPv4, {8, 8, 8, 8}, 1));
    util::Bytes raw = m.Encode();
    raw.pop_back();
    EXPECT_EQ(AddrMsg::Decode(raw).error(), WireError::Truncated);

    AddrMsg full;
    full.entries.assign(MAX_ADDR_TO_SEND, Entry(1, 1, NetId::IPv4, {8, 8, 4, 4}, 53));
    const auto back = AddrMsg::Decode(full.Encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->entries.size(), MAX_ADDR_TO_SEND);
}

TEST(AddrV2, Encoding) {
    AddrV2Msg m;
    m.entries.push_back(
        Entry(0x01020304, NODE_NETWORK_LIMITED | NODE_WITNESS, NetId::IPv4, {1, 2, 3, 4}, 8333));
    // count | time | services as CompactSize (0x408 -> fd0804) | net 1 | len 4 | addr | port
    EXPECT_EQ(util::HexEncode(m.Encode()), "01" "04030201" "fd0804" "01" "04" "01020304" "208d");
    EXPECT_EQ(AddrV2Msg::COMMAND, "addrv2");
}

TEST(AddrV2, EveryNetworkRoundTrips) {
    AddrV2Msg m;
    m.entries.push_back(Entry(1, 0, NetId::IPv4, {9, 9, 9, 9}, 1));
    util::Bytes v6(16, 0x20);
    m.entries.push_back(Entry(2, UINT64_MAX, NetId::IPv6, v6, 2));  // 9-byte services
    m.entries.push_back(Entry(3, 1, NetId::TorV3, util::Bytes(32, 0x33), 3));
    m.entries.push_back(Entry(4, 1, NetId::I2P, util::Bytes(32, 0x44), 0));
    util::Bytes cjdns(16, 0x55);
    cjdns[0] = 0xfc;
    m.entries.push_back(Entry(5, 1, NetId::CJDNS, cjdns, 65535));
    const util::Bytes raw = m.Encode();
    const auto back = AddrV2Msg::Decode(raw);
    ASSERT_TRUE(back) << ToString(back.error());
    EXPECT_EQ(*back, m);
    EXPECT_EQ(back->Encode(), raw);
}

TEST(AddrV2, UnknownNetworkAndTorV2AreSkipped) {
    const util::Bytes raw = H("04"
                              "01000000" "01" "2a" "03" "aabbcc" "0001"                // future network 0x2a
                              "02000000" "01" "03" "0a" "00112233445566778899" "0002"  // Tor v2
                              "03000000" "01" "03" "05" "0011223344" "0003"            // Tor v2, odd length
                              "04000000" "01" "01" "04" "05060708" "0004");            // IPv4: kept
    const auto m = AddrV2Msg::Decode(raw);
    ASSERT_TRUE(m) << ToString(m.error());
    ASSERT_EQ(m->entries.size(), 1u);
    EXPECT_EQ(m->entries[0].time, 4u);
    EXPECT_EQ(m->entries[0].address.ToString(), "5.6.7.8:4");
}

TEST(AddrV2, EmbeddedIPv6PrefixesAreDropped) {
    const util::Bytes raw = H("03"
                              "01000000" "01" "02" "10" "00000000000000000000ffff01020304" "0001"
                              "02000000" "01" "02" "10" "fd6b88c08724000000000000000000aa" "0002"
                              "03000000" "01" "02" "10" "20010db8000000000000000000000001" "0003");
    const auto m = AddrV2Msg::Decode(raw);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->entries.size(), 1u);
    EXPECT_EQ(m->entries[0].address.ToString(), "[2001:db8::1]:3");
}

TEST(AddrV2, Errors) {
    // Known network, wrong length.
    EXPECT_EQ(AddrV2Msg::Decode(H("01" "00000000" "00" "01" "05" "0102030405" "0000")).error(),
              WireError::Malformed);
    EXPECT_EQ(AddrV2Msg::Decode(H("01" "00000000" "00" "04" "10" "00112233445566778899aabbccddeeff" "0000"))
                  .error(),
              WireError::Malformed);
    // Address longer than BIP155 allows (513 bytes), even for an unknown network.
    util::Bytes big = H("01" "00000000" "00" "2a" "fd0102");
    big.resize(big.size() + 513 + 2, 0);
    EXPECT_EQ(AddrV2Msg::Decode(big).error(), WireError::TooMany);
    // 512 bytes is the limit and is fine for an unknown network (skipped).
    util::Bytes max = H("01" "00000000" "00" "2a" "fd0002");
    max.resize(max.size() + 512 + 2, 0);
    const auto skipped = AddrV2Msg::Decode(max);
    ASSERT_TRUE(skipped);
    EXPECT_TRUE(skipped->entries.empty());
    // Non-canonical services and length.
    EXPECT_EQ(AddrV2Msg::Decode(H("01" "00000000" "fd0100" "01" "04" "01020304" "0000")).error(),
              WireError::Malformed);
    EXPECT_EQ(AddrV2Msg::Decode(H("01" "00000000" "00" "01" "fd0400" "01020304" "0000")).error(),
              WireError::Malformed);
    // Too many entries, truncation at several points, trailing bytes.
    EXPECT_EQ(AddrV2Msg::Decode(H("fde903")).error(), WireError::TooMany);
    const util::Bytes good = H("01" "00000000" "00" "01" "04" "01020304" "0000");
    for (size_t len = 0; len < good.size(); ++len) {
        const auto r = AddrV2Msg::Decode(util::ByteSpan(good).first(len));
        ASSERT_FALSE(r) << len;
        EXPECT_EQ(r.error(), WireError::Truncated) << len;
    }
    util::Bytes trailing = good;
    trailing.push_back(0);
    EXPECT_EQ(AddrV2Msg::Decode(trailing).error(), WireError::TrailingBytes);
}

}  // namespace
}  // namespace tonari::bitcoin::wire
