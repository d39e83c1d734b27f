// BEP 14: announces as libtorrent writes them parse, ours round-trip, junk is refused; the
// discovery logic announces at once and then every five minutes, and believes only announces
// for our torrents, from local addresses, not our own, not too often, from a bounded number of
// senders.
#include <gtest/gtest.h>

#include "torrent/lsd/announce.h"
#include "torrent/lsd/local_discovery.h"

namespace tonari::torrent::lsd {
namespace {

util::ByteSpan Bytes(const std::string& s) { return util::AsBytes(s); }

// A hash of twenty equal bytes.
InfoHash Hash(uint8_t b) { return [b] { InfoHash h{}; h.fill(b); return h; }(); }

TEST(LsdAnnounce, ParsesLibtorrentsAnnounce) {
    // The exact text libtorrent 2.0 sends (lsd.cpp, render_lsd_packet).
    const std::string packet =
        "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n"
        "Infohash: 0123456789abcdef0123456789ABCDEF01234567\r\ncookie: 1a2b3c\r\n\r\n\r\n";
    const auto a = ParseAnnounce(Bytes(packet));
    ASSERT_TRUE(a) << a.error();
    EXPECT_EQ(a->port, 6881);
    ASSERT_EQ(a->info_hashes.size(), 1u);
    EXPECT_EQ(a->info_hashes[0][0], 0x01);
    EXPECT_EQ(a->info_hashes[0][19], 0x67);
    EXPECT_EQ(a->cookie, "1a2b3c");
}

TEST(LsdAnnounce, RoundTripsSeveralHashes) {
    Announce a;
    a.port = 51413;
    a.info_hashes = {Hash(1), Hash(2)};
    a.cookie = "deadbeef";
    const std::string text = EncodeAnnounce(a, "239.192.152.143:6771");
    EXPECT_EQ(text.rfind("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 51413\r\nInfohash: ", 0), 0u);
    EXPECT_EQ(text.substr(text.size() - 4), "\r\n\r\n");
    const auto back = ParseAnnounce(Bytes(text));
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->port, a.port);
    EXPECT_EQ(back->info_hashes, a.info_hashes);
    EXPECT_EQ(back->cookie, a.cookie);
    // Header names in any case, unknown headers ignored, bare \n line ends.
    const auto loose = ParseAnnounce(Bytes("bt-search * HTTP/1.1\nX-Other: 1\nPORT: 7\ninfohash: " + std::string(40, 'a') + "\n\n"));
    ASSERT_TRUE(loose) << loose.error();
    EXPECT_EQ(loose->port, 7);
}

TEST(LsdAnnounce, RefusesJunk) {
    const std::string hash = "Infohash: " + std::string(40, 'a') + "\r\n";
    EXPECT_FALSE(ParseAnnounce(Bytes("")));
    EXPECT_FALSE(ParseAnnounce(Bytes("M-SEARCH * HTTP/1.1\r\nPort: 1\r\n" + hash + "\r\n")));  // SSDP, not BitTorrent
    EXPECT_FALSE(ParseAnnounce(Bytes("BT-SEARCH * HTTP/1.1\r\n" + hash + "\r\n")));              // no port
    EXPECT_FALSE(ParseAnnounce(Bytes("BT-SEARCH * HTTP/1.1\r\nPort: 0\r\n" + hash + "\r\n")));
    EXPECT_FALSE(ParseAnnounce(Bytes("BT-SEARCH * HTTP/1.1\r\nPort: 65536\r\n" + hash + "\r\n")));
    EXPECT_FALSE(ParseAnnounce(Bytes("BT-SEARCH * HTTP/1.1\r\nPort: -5\r\n" + hash + "\r\n")));
    EXPECT_FALSE(ParseAnnounce(Bytes("BT-SEARCH * HTTP/1.1\r\nPort: 99999999999999999999\r\n" + hash + "\r\n")));
    EXPECT_FALSE(ParseAnnounce(Bytes("BT-SEARCH * HTTP/1.1\r\nPort: 5\r\nInfohash: xyz\r\n\r\n")));  // no valid hash
    EXPECT_FALSE(ParseAnnounce(Bytes("BT-SEARCH * HTTP/1.1\r\nPort: 5\r\nInfohash: " + std::string(40, '0') + "\r\n\r\n")));
    EXPECT_FALSE(ParseAnnounce(Bytes("BT-SEARCH * HTTP/1.1\r\nPort: 5\r\n" + hash + std::string(1400, ' '))));  // too long
    // Hundreds of hashes: only the first MAX_HASHES_PER_ANNOUNCE count.
    std::string many = "BT-SEARCH * HTTP/1.1\r\nPort: 5\r\n";
    for (int i = 0; i < 26; ++i) many += "Infohash: " + std::string(39, 'b') + static_cast<char>('a' + i % 6) + "\r\n";
    ASSERT_LE(many.size(), MAX_ANNOUNCE_BYTES);
    const auto capped = ParseAnnounce(Bytes(many));
    ASSERT_TRUE(capped);
    EXPECT_EQ(capped->info_hashes.size(), MAX_HASHES_PER_ANNOUNCE);
}

TEST(LocalDiscovery, AnnouncesAtOnceThenEveryFiveMinutes) {
    LocalDiscovery d(6881, "c0ffee");
    EXPECT_FALSE(d.Tick(1'000'000).has_value());  // nothing tracked
    d.Track(Hash(7));
    d.Track(Hash(7));  // once only
    const auto first = d.Tick(2'000'000);
    ASSERT_TRUE(first.has_value());
    const auto parsed = ParseAnnounce(Bytes(*first));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->port, 6881);
    EXPECT_EQ(parsed->info_hashes, std::vector<InfoHash>{Hash(7)});
    EXPECT_EQ(parsed->cookie, "c0ffee");
    EXPECT_FALSE(d.Tick(2'000'000 + ANNOUNCE_INTERVAL_US - 1).has_value());
    EXPECT_TRUE(d.Tick(2'000'000 + ANNOUNCE_INTERVAL_US).has_value());
    // A torrent added later is announced at once, with the others.
    d.Track(Hash(8));
    const auto both = d.Tick(2'000'000 + ANNOUNCE_INTERVAL_US + 1);
    ASSERT_TRUE(both.has_value());
    EXPECT_EQ(ParseAnnounce(Bytes(*both))->info_hashes.size(), 2u);
    EXPECT_EQ(d.Stats().sent, 3u);
}

TEST(LocalDiscovery, BelievesOnlyWhatItShould) {
    LocalDiscovery d(6881, "c0ffee");
    d.Track(Hash(7));
    Announce a;
    a.port = 7000;
    a.info_hashes = {Hash(9), Hash(7)};
    a.cookie = "other";
    const std::string text = EncodeAnnounce(a, "239.192.152.143:6771");
    const auto heard = d.OnDatagram({"192.168.1.20", 6771}, Bytes(text), 0);
    ASSERT_TRUE(heard.has_value());
    EXPECT_EQ(heard->peer.ToString(), "192.168.1.20:7000");  // the source address, the announced port
    EXPECT_EQ(heard->info_hashes, std::vector<InfoHash>{Hash(7)});
    // The same sender again within the gap: ignored; after it: heard.
    EXPECT_FALSE(d.OnDatagram({"192.168.1.20", 6771}, Bytes(text), MIN_ANNOUNCE_GAP_US - 1).has_value());
    EXPECT_TRUE(d.OnDatagram({"192.168.1.20", 6771}, Bytes(text), MIN_ANNOUNCE_GAP_US).has_value());
    // Another process on the same host (another port) is another sender.
    a.port = 7001;
    EXPECT_TRUE(d.OnDatagram({"192.168.1.20", 6771}, Bytes(EncodeAnnounce(a, "h")), 1).has_value());
    // A public source address, our own cookie, other torrents only, junk: ignored.
    EXPECT_FALSE(d.OnDatagram({"203.0.113.5", 6771}, Bytes(text), 2).has_value());
    Announce mine = a;
    mine.cookie = "c0ffee";
    EXPECT_FALSE(d.OnDatagram({"127.0.0.1", 6771}, Bytes(EncodeAnnounce(mine, "h")), 3).has_value());
    Announce other = a;
    other.info_hashes = {Hash(9)};
    EXPECT_FALSE(d.OnDatagram({"10.0.0.2", 6771}, Bytes(EncodeAnnounce(other, "h")), 4).has_value());
    EXPECT_FALSE(d.OnDatagram({"10.0.0.2", 6771}, Bytes("garbage"), 5).has_value());
    EXPECT_EQ(d.Stats().heard, 3u);
    EXPECT_EQ(d.Stats().ignored, 5u);
}

TEST(LocalDiscovery, BoundsTheSendersItRemembers) {
    LocalDiscovery d(6881, "c0ffee");
    d.Track(Hash(7));
    Announce a;
    a.info_hashes = {Hash(7)};
    a.port = 6881;
    size_t heard = 0;
    for (uint32_t i = 0; i < 3 * MAX_SENDERS; ++i) {
        const std::string address = "10.0." + std::to_string(i >> 8) + "." + std::to_string(i & 255);
        heard += d.OnDatagram({address, 6771}, Bytes(EncodeAnnounce(a, "h")), 0).has_value() ? 1 : 0;
    }
    EXPECT_EQ(heard, MAX_SENDERS);  // a spoofed flood fills the table; the rest wait out the gap
    EXPECT_TRUE(d.OnDatagram({"10.9.9.9", 6771}, Bytes(EncodeAnnounce(a, "h")), MIN_ANNOUNCE_GAP_US).has_value());
    // One host cycling ports is heard for MAX_PORTS_PER_ADDRESS of them per gap.
    heard = 0;
    for (uint32_t i = 0; i < 100; ++i) {
        a.port = static_cast<uint16_t>(1000 + i);
        heard += d.OnDatagram({"192.168.7.7", 6771}, Bytes(EncodeAnnounce(a, "h")), 2 * MIN_ANNOUNCE_GAP_US).has_value() ? 1 : 0;
    }
    EXPECT_EQ(heard, MAX_PORTS_PER_ADDRESS);
}

}  // namespace
}  // namespace tonari::torrent::lsd
