// Magnet links: hex and base32 v1 hashes, v2 multihashes, names, trackers, peers, and the
// links that must be refused.
#include <gtest/gtest.h>

#include "torrent/metainfo/magnet.h"

namespace tonari::torrent::metainfo {
namespace {

TEST(Magnet, HexAndBase32MeanTheSameHash) {
    auto hex = ParseMagnet("magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=Some+File%2Ebin");
    ASSERT_TRUE(hex) << hex.error();
    EXPECT_EQ(ToHex(*hex->info_hashes.v1), "c12fe1c06bba254a9dc9f519b335aa7c1367a88a");
    EXPECT_EQ(hex->display_name, "Some File.bin");
    // The same 20 bytes in RFC 4648 base32.
    auto b32 = ParseMagnet("magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK");
    ASSERT_TRUE(b32) << b32.error();
    EXPECT_EQ(*b32->info_hashes.v1, *hex->info_hashes.v1);
    auto lower = ParseMagnet("MAGNET:?xt=urn:btih:yex6dqdlxisuvhoj6um3gnnkpqjwpkek");
    ASSERT_TRUE(lower);
    EXPECT_EQ(*lower->info_hashes.v1, *hex->info_hashes.v1);
}

TEST(Magnet, V2AndHybridTrackersAndPeers) {
    const std::string v2hex(64, 'a');
    auto m = ParseMagnet("magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&xt=urn:btmh:1220" + v2hex +
                         "&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&tr.1=udp%3A%2F%2F127.0.0.1%3A6969&x.pe=127.0.0.1:6881"
                         "&x.pe=[::1]:6882&unknown=1");
    ASSERT_TRUE(m) << m.error();
    ASSERT_TRUE(m->info_hashes.v1 && m->info_hashes.v2);
    EXPECT_EQ(ToHex(*m->info_hashes.v2), v2hex);
    ASSERT_EQ(m->trackers.size(), 2u);
    EXPECT_EQ(m->trackers[0], "http://127.0.0.1:6969/announce");
    ASSERT_EQ(m->peers.size(), 2u);
    EXPECT_EQ(m->peers[1], "[::1]:6882");
    // Formatting and parsing again keeps everything.
    auto again = ParseMagnet(ToMagnet(*m));
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(again->info_hashes, m->info_hashes);
    EXPECT_EQ(again->trackers, m->trackers);
    EXPECT_EQ(again->peers, m->peers);
}

TEST(Magnet, PeersCannotInjectParameters) {
    MagnetLink link;
    link.info_hashes.v1 = *ParseV1Hash("c12fe1c06bba254a9dc9f519b335aa7c1367a88a");
    link.peers.push_back("1.2.3.4:5&xt=urn:btih:" + std::string(40, 'b'));
    auto again = ParseMagnet(ToMagnet(link));
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(again->info_hashes.v1, link.info_hashes.v1);
    EXPECT_EQ(again->peers, link.peers);
    EXPECT_FALSE(ParseMagnet("magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&xt=urn:btih:" +
                             std::string(40, 'b')));
}

TEST(Magnet, RefusesBadLinks) {
    EXPECT_FALSE(ParseMagnet("http://example/"));
    EXPECT_FALSE(ParseMagnet("magnet:?dn=nohash"));
    EXPECT_FALSE(ParseMagnet("magnet:?xt=urn:btih:c12f"));
    EXPECT_FALSE(ParseMagnet("magnet:?xt=urn:btih:" + std::string(40, 'z')));
    EXPECT_FALSE(ParseMagnet("magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKE1"));  // '1' is not base32
    EXPECT_FALSE(ParseMagnet("magnet:?xt=urn:btmh:1120" + std::string(64, 'a')));     // not sha2-256
    EXPECT_FALSE(ParseMagnet("magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=%4"));
    EXPECT_FALSE(ParseMagnet("magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&tr=" +
                             std::string(MAX_MAGNET_LENGTH, 'x')));
}

}  // namespace
}  // namespace tonari::torrent::metainfo
