// Transmission RPC: HTTP checks, then JSON dispatch onto TorrentControl.
#include "torrent/daemon/transmission_rpc.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "storage/whole_file.h"
#include "torrent/metainfo/metainfo.h"
#include "util/base64.h"

namespace tonari::torrent::daemon {
namespace {

using util::Json;

// Fields asked for in one torrent-get (Transmission has about 80): a request naming millions
// would cost fields × torrents work.
constexpr size_t MAX_FIELDS = 256;

netcore::HttpResponse Plain(int status, std::string body) {
    return netcore::TextResponse(status, "text/html; charset=ISO-8859-1", std::move(body));
}

double Ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

bool IsDetailField(const std::string& name) {
    return name == "files" || name == "fileStats" || name == "priorities" || name == "wanted" || name == "trackers" ||
           name == "trackerStats" || name == "peers";
}

// "udp://t.example/announce" → "udp://t.example/scrape": the convention trackers follow
// (BEP 48); empty when the announce URL does not allow it.
std::string ScrapeUrl(const std::string& announce) {
    const size_t slash = announce.rfind('/');
    if (slash == std::string::npos || announce.compare(slash + 1, 8, "announce") != 0) return "";
    return announce.substr(0, slash + 1) + "scrape" + announce.substr(slash + 1 + 8);
}

std::string TrackerHost(const std::string& announce) {
    const size_t scheme = announce.find("://");
    if (scheme == std::string::npos) return "";
    const size_t end = announce.find('/', scheme + 3);
    return announce.substr(0, end);
}

// Transmission's flag letters for a peer (see its peer-mgr): D downloading from it, d it would
// send but we are not interested, U uploading to it, u it is interested but choked, K it
// unchoked us but we are not interested, ? we unchoked it but it is not interested, E
// encrypted, I incoming.
std::string FlagString(const PeerInfo& p) {
    std::string flags;
    if (!p.client_is_choked && p.client_is_interested) flags += 'D';
    else if (!p.client_is_choked) flags += 'd';
    if (!p.peer_is_choked && p.peer_is_interested) flags += 'U';
    else if (p.peer_is_interested) flags += 'u';
    if (!p.client_is_choked && !p.client_is_interested) flags += 'K';
    if (!p.peer_is_choked && !p.peer_is_interested) flags += '?';
    if (p.encrypted) flags += 'E';
    if (p.incoming) flags += 'I';
    return flags;
}

// Transmission's tracker activity numbers (tr_tracker_state).
constexpr int TRACKER_INACTIVE = 0;
constexpr int TRACKER_WAITING = 1;  // the next announce is at a set time
constexpr int TRACKER_QUEUED = 2;   // due now, or not yet made

// trackerStats' fields for one tracker, from what it said last; no scrapes are made.
void AddTrackerStats(Json& one, const TorrentDetails& d, const std::string& url) {
    const auto state = std::find_if(d.tracker_states.begin(), d.tracker_states.end(),
                                    [&url](const TrackerState& s) { return s.announce == url; });
    const bool known = state != d.tracker_states.end();
    one.Set("host", TrackerHost(url));
    one.Set("isBackup", known && state->backup);
    one.Set("hasAnnounced", known && state->has_announced);
    one.Set("lastAnnounceSucceeded", known && state->succeeded);
    one.Set("lastAnnounceResult", known ? (state->succeeded ? std::string("Success") : state->error) : std::string());
    one.Set("lastAnnounceTime", known ? state->last_announce_unix : 0);
    one.Set("lastAnnounceStartTime", known ? state->last_announce_unix : 0);
    one.Set("lastAnnounceTimedOut", false);
    one.Set("lastAnnouncePeerCount", known ? state->last_peer_count : 0);
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    one.Set("announceState", !known                                                         ? TRACKER_INACTIVE
                             : state->has_announced && state->next_announce_unix > now ? TRACKER_WAITING
                                                                                         : TRACKER_QUEUED);
    one.Set("nextAnnounceTime", known ? state->next_announce_unix : 0);
    one.Set("seederCount", known ? state->seeders : -1);
    one.Set("leecherCount", known ? state->leechers : -1);
    one.Set("downloadCount", -1);
    one.Set("hasScraped", false);
    one.Set("lastScrapeSucceeded", false);
    one.Set("lastScrapeResult", "");
    one.Set("lastScrapeTime", 0);
    one.Set("lastScrapeStartTime", 0);
    one.Set("lastScrapeTimedOut", false);
    one.Set("nextScrapeTime", 0);
    one.Set("scrapeState", TRACKER_INACTIVE);
}

// files, fileStats, priorities, wanted, trackers, trackerStats, peers: from the view's details
// (empty arrays while a magnet link's metadata is fetched).
Json DetailField(const TorrentView& t, const std::string& name) {
    Json out = Json::MakeArray();
    if (!t.details) return out;
    const auto& d = *t.details;
    if (name == "files" || name == "fileStats") {
        for (const auto& f : d.files) {
            Json one = Json::MakeObject();
            one.Set("bytesCompleted", f.bytes_completed);
            if (name == "files") {
                one.Set("length", f.length);
                one.Set("name", f.name);
            } else {
                one.Set("wanted", true);
                one.Set("priority", 0);
            }
            out.PushBack(std::move(one));
        }
    } else if (name == "priorities" || name == "wanted") {
        // Every file is wanted, at normal priority: tonari downloads whole torrents.
        for (size_t i = 0; i < d.files.size(); ++i) out.PushBack(name == "wanted" ? Json(1) : Json(0));
    } else if (name == "trackers" || name == "trackerStats") {
        int id = 0;
        for (size_t tier = 0; tier < d.trackers.size(); ++tier) {
            for (const auto& url : d.trackers[tier]) {
                Json one = Json::MakeObject();
                one.Set("id", id++);
                one.Set("tier", static_cast<uint64_t>(tier));
                one.Set("announce", url);
                one.Set("scrape", ScrapeUrl(url));
                one.Set("sitename", TrackerHost(url));
                if (name == "trackerStats") AddTrackerStats(one, d, url);
                out.PushBack(std::move(one));
            }
        }
    } else if (name == "peers") {
        for (const auto& p : d.peers) {
            Json one = Json::MakeObject();
            one.Set("address", p.address);
            one.Set("port", static_cast<uint64_t>(p.port));
            one.Set("clientName", p.client);
            one.Set("clientIsChoked", p.client_is_choked);
            one.Set("clientIsInterested", p.client_is_interested);
            one.Set("peerIsChoked", p.peer_is_choked);
            one.Set("peerIsInterested", p.peer_is_interested);
            one.Set("isDownloadingFrom", !p.client_is_choked && p.client_is_interested);
            one.Set("isUploadingTo", !p.peer_is_choked && p.peer_is_interested);
            one.Set("isEncrypted", p.encrypted);
            one.Set("isIncoming", p.incoming);
            one.Set("isUTP", false);
            one.Set("flagStr", FlagString(p));
            one.Set("progress", p.progress);
            one.Set("rateToClient", static_cast<int64_t>(p.rate_to_client));
            one.Set("rateToPeer", static_cast<int64_t>(p.rate_to_peer));
            out.PushBack(std::move(one));
        }
    }
    return out;
}

// The value of one torrent-get field, or null for a field this daemon does not know.
Json Field(const TorrentView& t, const std::string& name) {
    const uint64_t left = t.total_size - std::min(t.total_size, t.have_bytes);
    if (name == "id") return Json(t.id);
    if (name == "name") return Json(t.name);
    if (name == "hashString") return Json(t.hash);
    if (name == "status") return Json(static_cast<int>(t.status));
    if (name == "totalSize" || name == "sizeWhenDone") return Json(t.total_size);
    if (name == "leftUntilDone") return Json(left);
    if (name == "haveValid") return Json(t.have_bytes);
    if (name == "haveUnchecked" || name == "corruptEver" || name == "queuePosition") return Json(0);
    if (name == "desiredAvailable") return Json(left);
    if (name == "percentDone") return Json(t.total_size == 0 ? 0.0 : Ratio(t.have_bytes, t.total_size));
    if (name == "metadataPercentComplete") return Json(t.total_size == 0 ? 0.0 : 1.0);
    if (name == "recheckProgress") return Json(t.status == Status::Checking ? 0.5 : 0.0);
    if (name == "rateDownload") return Json(static_cast<int64_t>(t.rate_down));
    if (name == "rateUpload") return Json(static_cast<int64_t>(t.rate_up));
    if (name == "peersConnected") return Json(t.peers);
    if (name == "peersSendingToUs") return Json(t.status == Status::Downloading ? t.seeds : 0);
    if (name == "peersGettingFromUs") return Json(t.peers - std::min(t.peers, t.seeds));
    if (name == "webseedsSendingToUs") return Json(0);
    if (name == "downloadDir") return Json(t.download_dir);
    if (name == "error") return Json(t.error.empty() ? 0 : 3);  // 3: a local error
    if (name == "errorString") return Json(t.error);
    if (name == "addedDate" || name == "startDate" || name == "activityDate") return Json(t.added_unix);
    if (name == "doneDate") return Json(t.done_unix);
    if (name == "isFinished") return Json(false);
    if (name == "isStalled") return Json(false);
    if (name == "eta") {
        if (left == 0) return Json(-1);
        if (t.rate_down <= 0 || t.total_size == 0) return Json(-2);  // unknown
        return Json(static_cast<int64_t>(static_cast<double>(left) / t.rate_down));
    }
    if (name == "uploadRatio") return Json(t.downloaded == 0 && t.uploaded == 0 ? -1.0 : Ratio(t.uploaded, std::max(t.downloaded, t.total_size)));
    if (name == "uploadedEver") return Json(t.uploaded);
    if (name == "downloadedEver") return Json(t.downloaded);
    if (name == "pieceCount") return Json(t.piece_count);
    if (name == "pieceSize") return Json(t.piece_size);
    if (name == "isPrivate") return Json(t.is_private);
    if (name == "magnetLink") return Json(t.magnet);
    if (name == "seedRatioMode") return Json(0);
    if (name == "seedRatioLimit") return Json(2.0);
    if (name == "fileCount") return Json(t.file_count);
    if (IsDetailField(name)) return DetailField(t, name);
    if (name == "webseeds" || name == "labels") return Json::MakeArray();
    return Json();
}

}  // namespace

TransmissionRpc::TransmissionRpc(TorrentControl& control, const netcore::Authenticator& auth, std::string session_id)
    : m_control(control), m_auth(auth), m_session_id(std::move(session_id)) {}

netcore::HttpResponse TransmissionRpc::Handle(const netcore::HttpRequest& request, std::chrono::milliseconds* delay) {
    if (delay != nullptr) *delay = std::chrono::milliseconds(0);
    // Authentication first: nothing else is looked at for a stranger.
    const auto header = request.Header("authorization");
    if (auto user = m_auth.Check(header ? std::optional<std::string_view>(*header) : std::nullopt); !user) {
        if (delay != nullptr && user.error() != netcore::AuthFailure::MISSING_HEADER) *delay = netcore::AUTH_FAILURE_DELAY;
        auto r = Plain(401, "<h1>401: Unauthorized</h1>");
        r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Transmission\"");
        return r;
    }
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path != RPC_PATH && path != std::string(RPC_PATH) + "/") return Plain(404, "<h1>404: Not Found</h1>");
    const auto id = request.Header("x-transmission-session-id");
    if (!id || *id != m_session_id) {
        auto r = Plain(409, "<h1>409: Conflict</h1><p>Your request had an invalid session-id header.</p><p><code>" +
                                std::string(SESSION_ID_HEADER) + ": " + m_session_id + "</code></p>");
        r.headers.emplace_back(SESSION_ID_HEADER, m_session_id);
        return r;
    }
    if (request.method != "POST") return Plain(405, "<h1>405: Method Not Allowed</h1>");
    if (request.body.size() > MAX_RPC_BODY) return Plain(413, "<h1>413: Payload Too Large</h1>");
    auto parsed = util::ParseJson(request.body);
    netcore::HttpResponse r;
    r.headers.emplace_back(SESSION_ID_HEADER, m_session_id);
    if (!parsed || !parsed->IsObject()) {
        Json error = Json::MakeObject();
        error.Set("result", Json(std::string("the request is not a JSON object")));
        r.body = error.Dump();
        return r;
    }
    r.body = Call(*parsed).Dump();
    return r;
}

std::vector<int> TransmissionRpc::SelectIds(const Json* ids) {
    const auto all = m_control.List(false);
    std::vector<int> out;
    auto match = [&](const Json& one) {
        for (const auto& t : all) {
            if ((one.IsNumber() && one.GetInt64() == t.id) || (one.IsString() && one.GetString() == t.hash)) {
                out.push_back(t.id);
            }
        }
    };
    if (ids == nullptr || (ids->IsString() && ids->GetString() == "recently-active")) {
        for (const auto& t : all) out.push_back(t.id);
    } else if (ids->IsArray()) {
        // Each torrent once, however often it is named: [1,1,1,…] must not verify it a million times.
        for (const auto& t : all) {
            const bool named = std::any_of(ids->GetArray().begin(), ids->GetArray().end(), [&t](const Json& one) {
                return (one.IsNumber() && one.GetInt64() == t.id) || (one.IsString() && one.GetString() == t.hash);
            });
            if (named) out.push_back(t.id);
        }
    } else {
        match(*ids);
    }
    return out;
}

Json TransmissionRpc::TorrentGet(const Json& args, std::string& result) {
    const Json* fields = args.Find("fields");
    if (fields == nullptr || !fields->IsArray()) {
        result = "no fields specified";
        return Json::MakeObject();
    }
    if (fields->GetArray().size() > MAX_FIELDS) {
        result = "too many fields";
        return Json::MakeObject();
    }
    const auto wanted = SelectIds(args.Find("ids"));
    const bool details = std::any_of(fields->GetArray().begin(), fields->GetArray().end(),
                                     [](const Json& f) { return f.IsString() && IsDetailField(f.GetString()); });
    Json torrents = Json::MakeArray();
    for (const auto& t : m_control.List(details)) {
        if (std::find(wanted.begin(), wanted.end(), t.id) == wanted.end()) continue;
        Json one = Json::MakeObject();
        for (const auto& f : fields->GetArray()) {
            if (!f.IsString()) continue;
            Json value = Field(t, f.GetString());
            if (!value.IsNull()) one.Set(f.GetString(), std::move(value));
        }
        torrents.PushBack(std::move(one));
    }
    Json out = Json::MakeObject();
    out.Set("torrents", std::move(torrents));
    return out;
}

Json TransmissionRpc::TorrentAdd(const Json& args, std::string& result) {
    AddRequest add;
    if (const Json* dir = args.Find("download-dir"); dir && dir->IsString()) add.download_dir = dir->GetString();
    if (const Json* paused = args.Find("paused"); paused && paused->IsBool()) add.paused = paused->GetBool();
    if (const Json* meta = args.Find("metainfo"); meta && meta->IsString()) {
        auto bytes = util::DecodeBase64(meta->GetString());
        if (!bytes) {
            result = "invalid or corrupt torrent file (metainfo is not base64)";
            return Json::MakeObject();
        }
        add.torrent_file = std::move(*bytes);
    } else if (const Json* name = args.Find("filename"); name && name->IsString()) {
        const std::string& f = name->GetString();
        if (f.rfind("magnet:", 0) == 0) {
            add.magnet = f;
        } else {
            auto bytes = tonari::storage::ReadSmallFile(f, metainfo::MAX_TORRENT_FILE_SIZE);
            if (!bytes) {
                result = "cannot read " + f;
                return Json::MakeObject();
            }
            add.torrent_file = std::move(*bytes);
        }
    } else {
        result = "no filename or metainfo specified";
        return Json::MakeObject();
    }
    auto added = m_control.Add(add);
    if (!added) {
        result = added.error();
        return Json::MakeObject();
    }
    Json torrent = Json::MakeObject();
    torrent.Set("id", Json(added->id));
    torrent.Set("name", Json(added->name));
    torrent.Set("hashString", Json(added->hash));
    Json out = Json::MakeObject();
    out.Set(added->duplicate ? "torrent-duplicate" : "torrent-added", std::move(torrent));
    return out;
}

Json TransmissionRpc::SessionGet() {
    Json s = Json::MakeObject();
    s.Set("version", Json("4.0.0 (tonari 0.1.0)"));
    s.Set("rpc-version", Json(RPC_VERSION));
    s.Set("rpc-version-minimum", Json(14));
    s.Set("rpc-version-semver", Json("5.3.0"));
    s.Set("session-id", Json(m_session_id));
    s.Set("download-dir", Json(m_control.DefaultDownloadDir()));
    s.Set("dht-enabled", Json(true));
    s.Set("pex-enabled", Json(true));
    s.Set("lpd-enabled", Json(false));
    s.Set("utp-enabled", Json(false));
    s.Set("encryption", Json("preferred"));
    s.Set("speed-limit-down-enabled", Json(false));
    s.Set("speed-limit-up-enabled", Json(false));
    s.Set("peer-port", Json(0));
    s.Set("start-added-torrents", Json(true));
    return s;
}

Json TransmissionRpc::SessionStats() {
    const auto t = m_control.Totals();
    Json totals = Json::MakeObject();
    totals.Set("uploadedBytes", Json(t.uploaded));
    totals.Set("downloadedBytes", Json(t.downloaded));
    totals.Set("filesAdded", Json(t.torrents));
    totals.Set("sessionCount", Json(1));
    totals.Set("secondsActive", Json(t.seconds_active));
    Json s = Json::MakeObject();
    s.Set("activeTorrentCount", Json(t.active));
    s.Set("pausedTorrentCount", Json(t.paused));
    s.Set("torrentCount", Json(t.torrents));
    s.Set("downloadSpeed", Json(static_cast<int64_t>(t.rate_down)));
    s.Set("uploadSpeed", Json(static_cast<int64_t>(t.rate_up)));
    s.Set("cumulative-stats", totals);
    s.Set("current-stats", totals);
    return s;
}

Json TransmissionRpc::Call(const Json& request) {
    const Json* method = request.Find("method");
    const Json* args_in = request.Find("arguments");
    const Json empty = Json::MakeObject();
    const Json& args = args_in && args_in->IsObject() ? *args_in : empty;
    std::string result = "success";
    Json out = Json::MakeObject();
    const std::string name = method && method->IsString() ? method->GetString() : std::string();
    if (name == "torrent-get") {
        out = TorrentGet(args, result);
    } else if (name == "torrent-add") {
        out = TorrentAdd(args, result);
    } else if (name == "torrent-start" || name == "torrent-start-now" || name == "torrent-stop" ||
               name == "torrent-verify" || name == "torrent-remove") {
        const bool delete_data = args.Find("delete-local-data") && args.Find("delete-local-data")->IsBool() &&
                                 args.Find("delete-local-data")->GetBool();
        for (const int id : SelectIds(args.Find("ids"))) {
            if (name == "torrent-stop") {
                m_control.Stop(id);
            } else if (name == "torrent-verify") {
                m_control.Verify(id);
            } else if (name == "torrent-remove") {
                m_control.Remove(id, delete_data);
            } else {
                m_control.Start(id);
            }
        }
    } else if (name == "session-get") {
        out = SessionGet();
    } else if (name == "session-set") {
        // Accepted and kept as the daemon's own options say.
    } else if (name == "session-stats") {
        out = SessionStats();
    } else if (name == "port-test") {
        out.Set("port-is-open", Json(false));
    } else {
        result = "method name not recognized";
    }
    Json response = Json::MakeObject();
    response.Set("result", Json(result));
    response.Set("arguments", std::move(out));
    if (const Json* tag = request.Find("tag")) response.Set("tag", *tag);
    return response;
}

}  // namespace tonari::torrent::daemon
