// The Transmission RPC against a fake TorrentControl: 401 before anything for a stranger, 409
// and the id without the session header, then torrent-add (base64 metainfo, magnet,
// duplicates, garbage), torrent-get with the fields transmission-remote -l asks for, ids by
// number or hash, torrent-stop/remove, session-get/stats, unknown methods and bad JSON.
#include "torrent/daemon/transmission_rpc.h"

#include <gtest/gtest.h>

#include "util/base64.h"

namespace tonari::torrent::daemon {
namespace {

using util::Json;

class FakeControl final : public TorrentControl {
public:
    util::Result<AddResult, std::string> Add(const AddRequest& request) override {
        if (!request.magnet.empty()) {
            added.push_back("magnet");
            return AddResult{2, "from-magnet", "bb", false};
        }
        if (request.torrent_file != "d4:infoe") return util::Fail(std::string("invalid or corrupt torrent file"));
        added.push_back(request.torrent_file);
        return AddResult{1, "share", "aa", added.size() > 1};
    }
    std::vector<TorrentView> List(bool details) override {
        TorrentView t;
        if (details) {
            ++details_asked;
            t.details.emplace();
            t.details->files = {{"share/a.bin", 600, 200}, {"share/b.txt", 400, 50}};
            t.details->trackers = {{"http://t.example:6969/announce"}, {"udp://u.example:80/announce.php", "http://x.example/tr"}};
            t.details->tracker_states = {{.announce = "http://t.example:6969/announce", .has_announced = true,
                                          .succeeded = true, .last_announce_unix = 1700000000,
                                          .next_announce_unix = 4000000000, .last_peer_count = 7, .seeders = 3,
                                          .leechers = 4},
                                         {.announce = "udp://u.example:80/announce.php"},
                                         {.announce = "http://x.example/tr", .has_announced = true,
                                          .error = "connection refused", .last_announce_unix = 1700000100,
                                          .next_announce_unix = 1700000160, .backup = true}};
            PeerInfo p;
            p.address = "192.0.2.7";
            p.port = 6881;
            p.client = "libtorrent 2.0.8";
            p.encrypted = true;
            p.progress = 0.5;
            p.rate_to_client = 1000;
            p.client_is_choked = false;
            p.client_is_interested = true;
            t.details->peers = {p};
        }
        t.id = 1;
        t.name = "share";
        t.hash = "aa";
        t.status = Status::Downloading;
        t.total_size = 1000;
        t.have_bytes = 250;
        t.rate_down = 100;
        return {t};
    }
    bool Start(int id) override { return log(id, "start"); }
    bool Stop(int id) override { return log(id, "stop"); }
    bool Verify(int id) override { return log(id, "verify"); }
    bool Remove(int id, bool delete_data) override { return log(id, delete_data ? "remove+data" : "remove"); }
    SessionTotals Totals() override { return {100, 0, 5, 6, 1, 1, 0, 10}; }
    std::string DefaultDownloadDir() const override { return "/downloads"; }

    bool log(int id, const std::string& what) {
        calls.push_back(what + " " + std::to_string(id));
        return true;
    }
    std::vector<std::string> added;
    std::vector<std::string> calls;
    int details_asked = 0;
};

struct Fixture {
    Fixture() { auth.AddPassword("u", "p"); }
    netcore::HttpResponse Post(const std::string& body, const std::string& user_pass = "u:p", bool with_id = true) {
        netcore::HttpRequest req;
        req.method = "POST";
        req.target = RPC_PATH;
        req.body = body;
        req.headers.emplace_back("authorization", netcore::BasicAuthorizationValue(user_pass));
        if (with_id) req.headers.emplace_back("x-transmission-session-id", "sid");
        return rpc.Handle(req);
    }
    Json Call(const std::string& body) {
        auto r = Post(body);
        EXPECT_EQ(r.status, 200);
        auto j = util::ParseJson(r.body);
        EXPECT_TRUE(j);
        return j ? *j : Json();
    }
    FakeControl control;
    netcore::Authenticator auth;
    TransmissionRpc rpc{control, auth, "sid"};
};

TEST(TransmissionRpc, AuthenticationThenSessionId) {
    Fixture f;
    EXPECT_EQ(f.Post("{}", "u:wrong").status, 401);
    netcore::HttpRequest wrong;
    wrong.method = "POST";
    wrong.target = RPC_PATH;
    wrong.headers.emplace_back("authorization", netcore::BasicAuthorizationValue("u:wrong"));
    std::chrono::milliseconds delay{0};
    EXPECT_EQ(f.rpc.Handle(wrong, &delay).status, 401);
    EXPECT_EQ(delay, netcore::AUTH_FAILURE_DELAY);
    netcore::HttpRequest none;
    none.method = "POST";
    none.target = RPC_PATH;
    EXPECT_EQ(f.rpc.Handle(none).status, 401);
    const auto conflict = f.Post("{}", "u:p", false);
    EXPECT_EQ(conflict.status, 409);
    ASSERT_FALSE(conflict.headers.empty());
    EXPECT_EQ(conflict.headers[0].first, SESSION_ID_HEADER);
    EXPECT_EQ(conflict.headers[0].second, "sid");
    EXPECT_TRUE(f.control.added.empty());
}

TEST(TransmissionRpc, AddGetStopRemove) {
    Fixture f;
    const std::string meta = util::EncodeBase64(std::string_view("d4:infoe"));
    auto added = f.Call(R"({"method":"torrent-add","arguments":{"metainfo":")" + meta + R"("},"tag":7})");
    EXPECT_EQ(added.Find("result")->GetString(), "success");
    EXPECT_EQ(added.Find("tag")->GetInt64(), 7);
    EXPECT_EQ(added.Find("arguments")->Find("torrent-added")->Find("hashString")->GetString(), "aa");
    auto again = f.Call(R"({"method":"torrent-add","arguments":{"metainfo":")" + meta + R"("}})");
    EXPECT_NE(again.Find("arguments")->Find("torrent-duplicate"), nullptr);
    auto magnet = f.Call(R"({"method":"torrent-add","arguments":{"filename":"magnet:?xt=urn:btih:00"}})");
    EXPECT_EQ(magnet.Find("arguments")->Find("torrent-added")->Find("id")->GetInt64(), 2);
    auto bad = f.Call(R"({"method":"torrent-add","arguments":{"metainfo":"!!!"}})");
    EXPECT_NE(bad.Find("result")->GetString(), "success");
    auto corrupt = f.Call(R"({"method":"torrent-add","arguments":{"metainfo":")" + util::EncodeBase64(std::string_view("xx")) + R"("}})");
    EXPECT_NE(corrupt.Find("result")->GetString().find("invalid or corrupt"), std::string::npos);

    auto list = f.Call(R"({"method":"torrent-get","arguments":{"fields":["id","name","leftUntilDone","sizeWhenDone",
        "percentDone","status","eta","rateDownload","noSuchField"]}})");
    const auto& torrents = list.Find("arguments")->Find("torrents")->GetArray();
    ASSERT_EQ(torrents.size(), 1u);
    EXPECT_EQ(torrents[0].Find("leftUntilDone")->GetInt64(), 750);
    EXPECT_EQ(torrents[0].Find("status")->GetInt64(), 4);
    EXPECT_EQ(torrents[0].Find("eta")->GetInt64(), 7);
    EXPECT_EQ(torrents[0].Find("noSuchField"), nullptr);
    auto none = f.Call(R"({"method":"torrent-get","arguments":{"fields":["id"],"ids":[99]}})");
    EXPECT_TRUE(none.Find("arguments")->Find("torrents")->GetArray().empty());

    f.Call(R"({"method":"torrent-stop","arguments":{"ids":["aa"]}})");
    f.Call(R"({"method":"torrent-remove","arguments":{"ids":1,"delete-local-data":true}})");
    EXPECT_EQ(f.control.calls, (std::vector<std::string>{"stop 1", "remove+data 1"}));
}

TEST(TransmissionRpc, SessionAndErrors) {
    Fixture f;
    auto session = f.Call(R"({"method":"session-get"})");
    EXPECT_EQ(session.Find("arguments")->Find("rpc-version")->GetInt64(), RPC_VERSION);
    EXPECT_EQ(session.Find("arguments")->Find("download-dir")->GetString(), "/downloads");
    auto stats = f.Call(R"({"method":"session-stats"})");
    EXPECT_EQ(stats.Find("arguments")->Find("torrentCount")->GetInt64(), 1);
    auto unknown = f.Call(R"({"method":"blow-up"})");
    EXPECT_EQ(unknown.Find("result")->GetString(), "method name not recognized");
    auto garbage = f.Post("[[[");
    EXPECT_EQ(garbage.status, 200);
    EXPECT_NE(garbage.body.find("not a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace tonari::torrent::daemon

namespace tonari::torrent::daemon {
namespace {

TEST(TransmissionRpc, FilesTrackersAndPeersWhenAsked) {
    Fixture f;
    auto got = f.Call(R"({"method":"torrent-get","arguments":{"ids":[1],"fields":["id","files","fileStats",
        "priorities","wanted","trackers","trackerStats","peers"]}})");
    const auto& t = got.Find("arguments")->Find("torrents")->GetArray().at(0);
    const auto& files = t.Find("files")->GetArray();
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].Find("name")->GetString(), "share/a.bin");
    EXPECT_EQ(files[0].Find("length")->GetInt64(), 600);
    EXPECT_EQ(files[0].Find("bytesCompleted")->GetInt64(), 200);
    const auto& stats = t.Find("fileStats")->GetArray();
    ASSERT_EQ(stats.size(), 2u);
    EXPECT_EQ(stats[1].Find("bytesCompleted")->GetInt64(), 50);
    EXPECT_TRUE(stats[1].Find("wanted")->GetBool());
    EXPECT_EQ(t.Find("wanted")->GetArray().size(), 2u);
    EXPECT_EQ(t.Find("priorities")->GetArray().size(), 2u);
    const auto& trackers = t.Find("trackers")->GetArray();
    ASSERT_EQ(trackers.size(), 3u);
    EXPECT_EQ(trackers[0].Find("scrape")->GetString(), "http://t.example:6969/scrape");
    EXPECT_EQ(trackers[1].Find("scrape")->GetString(), "udp://u.example:80/scrape.php");
    EXPECT_EQ(trackers[1].Find("tier")->GetInt64(), 1);
    EXPECT_EQ(trackers[2].Find("scrape")->GetString(), "");  // no "announce" to replace
    EXPECT_EQ(trackers[2].Find("id")->GetInt64(), 2);
    // What each tracker said last: the one that answered, the one that failed, the one not
    // asked yet.
    const auto& said = t.Find("trackerStats")->GetArray();
    ASSERT_EQ(said.size(), 3u);
    EXPECT_TRUE(said[0].Find("lastAnnounceSucceeded")->GetBool());
    EXPECT_EQ(said[0].Find("lastAnnouncePeerCount")->GetInt64(), 7);
    EXPECT_EQ(said[0].Find("nextAnnounceTime")->GetInt64(), 4000000000);
    EXPECT_EQ(said[0].Find("seederCount")->GetInt64(), 3);
    EXPECT_EQ(said[0].Find("announceState")->GetInt64(), 1);  // waiting for a set time
    EXPECT_FALSE(said[0].Find("isBackup")->GetBool());
    EXPECT_FALSE(said[1].Find("hasAnnounced")->GetBool());
    EXPECT_EQ(said[1].Find("announceState")->GetInt64(), 2);  // not asked yet: queued
    EXPECT_FALSE(said[2].Find("lastAnnounceSucceeded")->GetBool());
    EXPECT_EQ(said[2].Find("lastAnnounceResult")->GetString(), "connection refused");
    EXPECT_EQ(said[2].Find("host")->GetString(), "http://x.example");
    EXPECT_EQ(said[2].Find("announceState")->GetInt64(), 2);  // its retry time has passed
    EXPECT_TRUE(said[2].Find("isBackup")->GetBool());
    const auto& peers = t.Find("peers")->GetArray();
    ASSERT_EQ(peers.size(), 1u);
    EXPECT_EQ(peers[0].Find("address")->GetString(), "192.0.2.7");
    EXPECT_EQ(peers[0].Find("port")->GetInt64(), 6881);
    EXPECT_EQ(peers[0].Find("clientName")->GetString(), "libtorrent 2.0.8");
    EXPECT_EQ(peers[0].Find("flagStr")->GetString(), "DE");
    EXPECT_TRUE(peers[0].Find("isDownloadingFrom")->GetBool());
    EXPECT_EQ(peers[0].Find("rateToClient")->GetInt64(), 1000);

    // Without those fields nothing is walked: the control is asked for no details.
    auto plain = f.Call(R"({"method":"torrent-get","arguments":{"fields":["id","name"]}})");
    EXPECT_EQ(plain.Find("arguments")->Find("torrents")->GetArray().at(0).Find("files"), nullptr);
    EXPECT_EQ(f.control.details_asked, 1);
}

}  // namespace
}  // namespace tonari::torrent::daemon
