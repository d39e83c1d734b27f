// Tracker protocol values (HTTP and UDP), and the tracker's logic driven directly.
#include <gtest/gtest.h>

#include "util/percent.h"
#include "torrent/bencode/bencode.h"
#include "torrent/tracker/announce.h"
#include "torrent/tracker/tracker_server.h"
#include "torrent/tracker/udp_protocol.h"

namespace tonari::torrent::tracker {
namespace {

util::ByteSpan B(const std::string& s) { return util::AsBytes(s); }

Hash20 H(uint8_t fill) {
    Hash20 h{};
    h.fill(fill);
    return h;
}

std::string Pct(const Hash20& h) { return util::PercentEncode(std::string(h.begin(), h.end())); }

TEST(Announce, TargetEncodesEveryByteOfTheHashes) {
    AnnounceRequest r;
    r.info_hash = H(0xff);
    r.info_hash[0] = 'a';
    r.peer_id = H('-');
    r.port = 6881;
    r.left = 1234;
    r.event = AnnounceEvent::Started;
    const std::string t = AnnounceTarget("/announce?passkey=x", r);
    EXPECT_EQ(t.rfind("/announce?passkey=x&info_hash=a%FF%FF", 0), 0u) << t;
    EXPECT_NE(t.find("&peer_id=--------------------&port=6881"), std::string::npos) << t;
    EXPECT_NE(t.find("&left=1234"), std::string::npos);
    EXPECT_NE(t.find("&event=started"), std::string::npos);
    EXPECT_NE(t.find("&compact=1"), std::string::npos);
    r.event = AnnounceEvent::None;
    EXPECT_EQ(AnnounceTarget("/a", r).find("event="), std::string::npos);
}

TEST(Announce, ReadsCompactIpv4AndIpv6Peers) {
    const std::string v4("\x7f\x00\x00\x01\x1a\xe1" "\x0a\x00\x00\x02\x00\x50", 12);
    std::string v6(16, '\0');
    v6[15] = 1;
    v6 += std::string("\x1a\xe2", 2);
    const std::string body = "d8:completei3e10:incompletei4e8:intervali900e5:peers12:" + v4 + "6:peers618:" + v6 + "e";
    auto r = ParseAnnounceResponse(B(body));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->interval, 900);
    EXPECT_EQ(r->complete, 3);
    EXPECT_EQ(r->incomplete, 4);
    ASSERT_EQ(r->peers.size(), 3u);
    EXPECT_EQ(r->peers[0].ToString(), "127.0.0.1:6881");
    EXPECT_EQ(r->peers[1].ToString(), "10.0.0.2:80");
    EXPECT_EQ(r->peers[2].ToString(), "[::1]:6882");
}

TEST(Announce, ReadsTheDictionaryPeerListAndClampsIntervals) {
    auto r = ParseAnnounceResponse(B("d8:intervali0e5:peersld2:ip9:127.0.0.14:porti51413eed2:ip1:x4:porti0eeee"));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->interval, MIN_ANNOUNCE_INTERVAL_S);  // "announce every 0 s" is not obeyed
    ASSERT_EQ(r->peers.size(), 1u);                   // port 0 is nobody
    EXPECT_EQ(r->peers[0].ToString(), "127.0.0.1:51413");
    auto far = ParseAnnounceResponse(B("d8:intervali99999999999e5:peers0:e"));
    ASSERT_TRUE(far);
    EXPECT_EQ(far->interval, MAX_ANNOUNCE_INTERVAL_S);
}

TEST(Announce, FailureReasonsAndJunkAreErrors) {
    auto failed = ParseAnnounceResponse(B("d14:failure reason22:unregistered info-hashe"));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error(), "tracker says: unregistered info-hash");
    EXPECT_FALSE(ParseAnnounceResponse(B("<html>502 Bad Gateway</html>")));
    EXPECT_FALSE(ParseAnnounceResponse(B("le")));
    EXPECT_FALSE(ParseAnnounceResponse(B("d8:intervali10ee")));     // no peers at all
    EXPECT_FALSE(ParseAnnounceResponse(B("d5:peersi3ee")));         // peers of the wrong type
    auto odd = ParseAnnounceResponse(B(std::string("d5:peers7:\x7f\x00\x00\x01\x1a\xe1\x01", 17) + "e"));
    ASSERT_TRUE(odd);  // a trailing partial entry is ignored
    EXPECT_EQ(odd->peers.size(), 1u);
}

TEST(Announce, PeerListsAreBounded) {
    std::string compact;
    for (size_t i = 0; i < MAX_PEERS_PER_RESPONSE + 500; ++i) compact += std::string("\x0a\x00\x00\x01\x1a\xe1", 6);
    const std::string body = "d5:peers" + std::to_string(compact.size()) + ":" + compact + "e";
    auto r = ParseAnnounceResponse(B(body));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->peers.size(), MAX_PEERS_PER_RESPONSE);
}

TEST(Scrape, TargetFollowsBep48) {
    EXPECT_EQ(ScrapeTarget("/announce"), "/scrape");
    EXPECT_EQ(ScrapeTarget("/x/announce.php?k=1"), "/x/scrape.php?k=1");
    EXPECT_EQ(ScrapeTarget("/announce?a=/b"), "/scrape?a=/b");
    EXPECT_FALSE(ScrapeTarget("/a"));
    EXPECT_FALSE(ScrapeTarget("/x/annonce"));
    EXPECT_EQ(ScrapeQuery("/scrape", {H(1), H(2)}), "/scrape?info_hash=" + Pct(H(1)) + "&info_hash=" + Pct(H(2)));
}

TEST(Scrape, ReadsTheFilesDictionary) {
    const Hash20 h = H(7);
    const std::string body = "d5:filesd20:" + std::string(h.begin(), h.end()) +
                             "d8:completei5e10:downloadedi50e10:incompletei10eeee";
    auto r = ParseScrapeResponse(B(body));
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r->count(h), 1u);
    EXPECT_EQ(r->at(h).complete, 5);
    EXPECT_EQ(r->at(h).downloaded, 50);
    EXPECT_EQ(r->at(h).incomplete, 10);
    EXPECT_FALSE(ParseScrapeResponse(B("d3:fooi1ee")));
}

TEST(Udp, PacketsHaveBep15Layouts) {
    const util::Bytes connect = udp::Encode(udp::Request(udp::ConnectRequest{0x01020304}));
    ASSERT_EQ(connect.size(), 16u);
    EXPECT_EQ(util::Bytes(connect.begin(), connect.begin() + 8), (util::Bytes{0x00, 0x00, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80}));
    udp::AnnouncePacket a;
    a.connection_id = 0x1122334455667788ull;
    a.transaction = 9;
    a.request.info_hash = H(0xaa);
    a.request.peer_id = H(0xbb);
    a.request.left = 5;
    a.request.event = AnnounceEvent::Stopped;
    a.request.numwant = -1;
    a.request.port = 6881;
    const util::Bytes packet = udp::Encode(udp::Request(a));
    ASSERT_EQ(packet.size(), 98u);
    EXPECT_EQ(packet[83], 3);     // event: stopped is 3
    EXPECT_EQ(packet[92], 0xff);  // num_want -1: the tracker's default
    EXPECT_EQ(packet[96], 0x1a);  // port, big-endian
    EXPECT_EQ(packet[97], 0xe1);
    auto back = udp::DecodeRequest(packet);
    ASSERT_TRUE(back);
    const auto& decoded = std::get<udp::AnnouncePacket>(*back);
    EXPECT_EQ(decoded.connection_id, a.connection_id);
    EXPECT_EQ(decoded.request.info_hash, a.request.info_hash);
    EXPECT_EQ(decoded.request.left, 5u);
    EXPECT_EQ(decoded.request.numwant, -1);
    EXPECT_EQ(decoded.request.port, 6881);
    EXPECT_EQ(decoded.request.event, AnnounceEvent::Stopped);

    udp::AnnounceReply reply;
    reply.transaction = 9;
    reply.interval = 120;
    reply.seeders = 1;
    reply.peers = {{"127.0.0.1", 6881}, {"10.1.2.3", 80}};
    const util::Bytes bytes = udp::Encode(udp::Reply(reply), false);
    ASSERT_EQ(bytes.size(), 20u + 12u);
    auto read = udp::DecodeReply(bytes, false);
    ASSERT_TRUE(read);
    const auto& r = std::get<udp::AnnounceReply>(*read);
    EXPECT_EQ(r.interval, 120u);
    ASSERT_EQ(r.peers.size(), 2u);
    EXPECT_EQ(r.peers[1].ToString(), "10.1.2.3:80");
}

TEST(Udp, MalformedPacketsAreRefused) {
    EXPECT_FALSE(udp::DecodeRequest(util::Bytes(15, 0)));
    util::Bytes wrong_magic = udp::Encode(udp::Request(udp::ConnectRequest{1}));
    wrong_magic[0] = 1;
    EXPECT_FALSE(udp::DecodeRequest(wrong_magic));
    udp::ScrapePacket s;
    for (size_t i = 0; i <= udp::MAX_SCRAPE_HASHES; ++i) s.info_hashes.push_back(H(static_cast<uint8_t>(i)));
    EXPECT_FALSE(udp::DecodeRequest(udp::Encode(udp::Request(s))));  // more hashes than fit a packet
    EXPECT_FALSE(udp::DecodeReply(util::Bytes(7, 0), false));
    const util::Bytes error = udp::Encode(udp::Reply(udp::ErrorReply{4, "go away"}), false);
    auto e = udp::DecodeReply(error, false);
    ASSERT_TRUE(e);
    EXPECT_EQ(std::get<udp::ErrorReply>(*e).message, "go away");
}

netcore::HttpRequest Get(const std::string& target) {
    netcore::HttpRequest r;
    r.method = "GET";
    r.target = target;
    return r;
}

std::string AnnounceUrl(const Hash20& info, const Hash20& peer, uint16_t port, uint64_t left, const std::string& extra = "") {
    return "/announce?info_hash=" + Pct(info) + "&peer_id=" + Pct(peer) + "&port=" + std::to_string(port) +
           "&left=" + std::to_string(left) + "&compact=1" + extra;
}

bencode::Value Decoded(const netcore::HttpResponse& r) {
    auto v = bencode::Decode(r.body);
    EXPECT_TRUE(v) << r.body;
    return v ? *v : bencode::Value::Dict();
}

TEST(Tracker, PeersOfOneSwarmMeetAndSeedsHearOfLeechersFirst) {
    TrackerOptions options;
    options.interval_s = 60;
    options.seed = 5;
    Tracker tracker(options);
    const Hash20 info = H(1);
    auto first = Decoded(tracker.Http(Get(AnnounceUrl(info, H(0xa1), 7001, 0)), "10.0.0.1", 1000));
    ASSERT_TRUE(first.FindString("peers"));
    EXPECT_EQ(first.FindString("peers")->AsString(), "");  // alone
    EXPECT_EQ(first.FindInt("interval")->AsInt(), 60);
    auto second = Decoded(tracker.Http(Get(AnnounceUrl(info, H(0xa2), 7002, 100)), "10.0.0.2", 1001));
    EXPECT_EQ(second.FindString("peers")->AsString(), std::string("\x0a\x00\x00\x01\x1b\x59", 6));  // 10.0.0.1:7001
    EXPECT_EQ(second.FindInt("complete")->AsInt(), 1);
    EXPECT_EQ(second.FindInt("incomplete")->AsInt(), 1);
    // A second seed hears of the leecher first, then of the other seed (a client fetching a
    // magnet link's metadata announces as a seed).
    auto third = Decoded(tracker.Http(Get(AnnounceUrl(info, H(0xa3), 7003, 0)), "10.0.0.3", 1002));
    EXPECT_EQ(third.FindString("peers")->AsString(),
              std::string("\x0a\x00\x00\x02\x1b\x5a\x0a\x00\x00\x01\x1b\x59", 12));
    // Another swarm is another world.
    auto other = Decoded(tracker.Http(Get(AnnounceUrl(H(2), H(0xa4), 7004, 5)), "10.0.0.4", 1003));
    EXPECT_EQ(other.FindString("peers")->AsString(), "");
    EXPECT_EQ(tracker.Stats().torrents, 2u);
}

TEST(Tracker, RecordsTheSenderNotTheIpItNames) {
    Tracker tracker(TrackerOptions{});
    const Hash20 info = H(3);
    tracker.Http(Get(AnnounceUrl(info, H(1), 7001, 10, "&ip=203.0.113.9")), "10.0.0.1", 1);
    auto r = Decoded(tracker.Http(Get(AnnounceUrl(info, H(2), 7002, 10, "&compact=0")), "10.0.0.2", 1));
    // "compact=0" twice in the query: the first wins, so compact peers again.
    EXPECT_EQ(r.FindString("peers")->AsString(), std::string("\x0a\x00\x00\x01\x1b\x59", 6));
}

TEST(Tracker, StoppedLeavesAndSilentPeersExpire) {
    TrackerOptions options;
    options.interval_s = 60;
    Tracker tracker(options);
    const Hash20 info = H(4);
    tracker.Http(Get(AnnounceUrl(info, H(1), 7001, 10)), "10.0.0.1", 1000);
    tracker.Http(Get(AnnounceUrl(info, H(2), 7002, 10, "&event=stopped")), "10.0.0.2", 1000);
    tracker.Http(Get(AnnounceUrl(info, H(3), 7003, 10)), "10.0.0.3", 1000);
    tracker.Http(Get(AnnounceUrl(info, H(3), 7003, 10, "&event=stopped")), "10.0.0.3", 1001);
    EXPECT_EQ(tracker.Stats().leechers, 1u);
    // Someone else saying "stopped" with peer 1's id (it is in every handshake) changes nothing.
    tracker.Http(Get(AnnounceUrl(info, H(1), 7001, 10, "&event=stopped")), "10.6.6.6", 1002);
    EXPECT_EQ(tracker.Stats().leechers, 1u);
    // Two intervals and a minute of silence, and the last one is gone too.
    tracker.Http(Get(AnnounceUrl(H(9), H(9), 7009, 10)), "10.0.0.9", 1000 + 2 * 60 + 61);
    EXPECT_EQ(tracker.Stats().leechers, 1u);  // only the newcomer in the other swarm
    EXPECT_EQ(tracker.Stats().torrents, 1u);
}

TEST(Tracker, BadAnnouncesGetAFailureReason) {
    Tracker tracker(TrackerOptions{});
    auto missing = Decoded(tracker.Http(Get("/announce?port=1"), "10.0.0.1", 1));
    ASSERT_TRUE(missing.FindString("failure reason"));
    auto short_hash = Decoded(tracker.Http(Get("/announce?info_hash=abc&peer_id=" + Pct(H(1)) + "&port=1"), "10.0.0.1", 1));
    EXPECT_TRUE(short_hash.FindString("failure reason"));
    auto zero_port = Decoded(tracker.Http(Get(AnnounceUrl(H(1), H(1), 0, 1)), "10.0.0.1", 1));
    EXPECT_TRUE(zero_port.FindString("failure reason"));
    auto bad_escape = Decoded(tracker.Http(Get("/announce?info_hash=%zz"), "10.0.0.1", 1));
    EXPECT_TRUE(bad_escape.FindString("failure reason"));
    auto full_scrape = Decoded(tracker.Http(Get("/scrape"), "10.0.0.1", 1));
    EXPECT_TRUE(full_scrape.FindString("failure reason"));
    EXPECT_EQ(tracker.Http(Get("/nothing"), "10.0.0.1", 1).status, 404);
    netcore::HttpRequest post = Get("/announce");
    post.method = "POST";
    EXPECT_EQ(tracker.Http(post, "10.0.0.1", 1).status, 405);
    EXPECT_EQ(tracker.Stats().torrents, 0u);
}

TEST(Tracker, AnswersAreCappedWhateverNumwantSays) {
    Tracker tracker(TrackerOptions{});
    const Hash20 info = H(5);
    for (uint32_t i = 0; i < MAX_NUMWANT + 50; ++i) {
        Hash20 id = H(0);
        id[0] = static_cast<uint8_t>(i);
        id[1] = static_cast<uint8_t>(i >> 8);
        tracker.Http(Get(AnnounceUrl(info, id, 7000, 10)), "10.1." + std::to_string(i >> 8) + "." + std::to_string(i & 255), 1);
    }
    auto r = Decoded(tracker.Http(Get(AnnounceUrl(info, H(0xee), 7000, 10, "&numwant=100000")), "10.9.9.9", 1));
    EXPECT_EQ(r.FindString("peers")->AsString().size(), MAX_NUMWANT * 6);
    auto d = Decoded(tracker.Http(Get(AnnounceUrl(info, H(0xef), 7000, 10)), "10.9.9.8", 1));
    EXPECT_EQ(d.FindString("peers")->AsString().size(), DEFAULT_NUMWANT * 6);
}

TEST(Tracker, ScrapeCountsSeedsLeechersAndCompletions) {
    Tracker tracker(TrackerOptions{});
    const Hash20 info = H(6);
    tracker.Http(Get(AnnounceUrl(info, H(1), 7001, 0)), "10.0.0.1", 1);
    tracker.Http(Get(AnnounceUrl(info, H(2), 7002, 9)), "10.0.0.2", 1);
    tracker.Http(Get(AnnounceUrl(info, H(3), 7003, 0, "&event=completed")), "10.0.0.3", 1);
    auto r = Decoded(tracker.Http(Get("/scrape?info_hash=" + Pct(info) + "&info_hash=" + Pct(H(7))), "10.0.0.1", 1));
    const auto* files = r.FindDict("files");
    ASSERT_TRUE(files);
    const auto* entry = files->FindDict(std::string(info.begin(), info.end()));
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->FindInt("complete")->AsInt(), 2);
    EXPECT_EQ(entry->FindInt("incomplete")->AsInt(), 1);
    EXPECT_EQ(entry->FindInt("downloaded")->AsInt(), 1);
    const Hash20 unknown = H(7);
    ASSERT_TRUE(files->FindDict(std::string(unknown.begin(), unknown.end())));
}

TEST(Tracker, UdpAnswersOnlyProvenSources) {
    Tracker tracker(TrackerOptions{});
    const netcore::PeerEndpoint client{"10.0.0.1", 40000};
    auto connected = tracker.Udp(udp::Encode(udp::Request(udp::ConnectRequest{77})), client, 1000);
    ASSERT_TRUE(connected);
    EXPECT_EQ(connected->size(), 16u);  // no bigger than the request: nothing to amplify
    auto c = udp::DecodeReply(*connected, false);
    ASSERT_TRUE(c);
    const auto& cr = std::get<udp::ConnectResponse>(*c);
    EXPECT_EQ(cr.transaction, 77u);

    udp::AnnouncePacket a;
    a.connection_id = cr.connection_id;
    a.transaction = 78;
    a.request.info_hash = H(8);
    a.request.peer_id = H(1);
    a.request.port = 6881;
    a.request.left = 10;
    a.request.numwant = -1;
    auto answered = tracker.Udp(udp::Encode(udp::Request(a)), client, 1030);
    ASSERT_TRUE(answered);
    auto ar = udp::DecodeReply(*answered, false);
    ASSERT_TRUE(ar);
    EXPECT_EQ(std::get<udp::AnnounceReply>(*ar).leechers, 1u);
    // The id works from the same address for the next minute too, not from another address
    // (a spoofed source), and not once it is stale.
    EXPECT_TRUE(tracker.Udp(udp::Encode(udp::Request(a)), {"10.0.0.1", 40001}, 1050));
    EXPECT_FALSE(tracker.Udp(udp::Encode(udp::Request(a)), {"10.0.0.2", 40000}, 1030));
    EXPECT_FALSE(tracker.Udp(udp::Encode(udp::Request(a)), client, 1000 + 3 * udp::CONNECTION_ID_LIFETIME_S));
    a.connection_id ^= 1;
    EXPECT_FALSE(tracker.Udp(udp::Encode(udp::Request(a)), client, 1030));
    EXPECT_FALSE(tracker.Udp(util::Bytes{1, 2, 3}, client, 1030));
}

}  // namespace
}  // namespace tonari::torrent::tracker
