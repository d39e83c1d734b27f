// HTTP tracker queries and answers.
#include "torrent/tracker/announce.h"

#include <arpa/inet.h>

#include <algorithm>

#include "util/percent.h"
#include "torrent/bencode/bencode.h"

namespace tonari::torrent::tracker {
namespace {

// Attack: a tracker answer that is one deep or huge bencode structure.
bencode::Limits ResponseLimits() {
    bencode::Limits limits;
    limits.max_depth = 8;
    limits.max_items = 4 * MAX_PEERS_PER_RESPONSE + 64;
    return limits;
}

std::string AsText(const Hash20& h) { return std::string(h.begin(), h.end()); }

}  // namespace

const char* EventName(AnnounceEvent event) {
    switch (event) {
        case AnnounceEvent::Completed: return "completed";
        case AnnounceEvent::Started: return "started";
        case AnnounceEvent::Stopped: return "stopped";
        case AnnounceEvent::None: break;
    }
    return "";
}

std::string AnnounceTarget(const std::string& base_target, const AnnounceRequest& r) {
    std::string out = base_target;
    out += base_target.find('?') == std::string::npos ? '?' : '&';
    out += "info_hash=" + util::PercentEncode(AsText(r.info_hash));
    out += "&peer_id=" + util::PercentEncode(AsText(r.peer_id));
    out += "&port=" + std::to_string(r.port);
    out += "&uploaded=" + std::to_string(r.uploaded);
    out += "&downloaded=" + std::to_string(r.downloaded);
    out += "&left=" + std::to_string(r.left);
    out += "&corrupt=0&key=" + std::to_string(r.key);
    if (r.event != AnnounceEvent::None) out += std::string("&event=") + EventName(r.event);
    out += "&numwant=" + std::to_string(r.numwant);
    out += "&compact=1&no_peer_id=1&supportcrypto=1";
    return out;
}

util::Result<AnnounceResponse, std::string> ParseAnnounceResponse(util::ByteSpan body) {
    auto decoded = bencode::Decode(body, ResponseLimits());
    if (!decoded) return util::Fail("tracker answer is not bencode: " + decoded.error().Message());
    if (!decoded->IsDict()) return util::Fail(std::string("tracker answer is not a dictionary"));
    const bencode::Value& v = *decoded;
    if (const auto* failure = v.FindString("failure reason")) return util::Fail("tracker says: " + failure->AsString());
    AnnounceResponse r;
    if (const auto* interval = v.FindInt("interval")) r.interval = interval->AsInt();
    r.interval = std::clamp(r.interval, MIN_ANNOUNCE_INTERVAL_S, MAX_ANNOUNCE_INTERVAL_S);
    if (const auto* min = v.FindInt("min interval")) r.min_interval = std::clamp(min->AsInt(), int64_t{0}, MAX_ANNOUNCE_INTERVAL_S);
    if (const auto* c = v.FindInt("complete")) r.complete = c->AsInt();
    if (const auto* i = v.FindInt("incomplete")) r.incomplete = i->AsInt();
    if (const auto* w = v.FindString("warning message")) r.warning = w->AsString();
    if (const auto* id = v.FindString("tracker id")) r.tracker_id = id->AsString();
    if (const auto* peers = v.Find("peers")) {
        if (peers->IsString()) {
            r.peers = netcore::DecodeCompactEndpoints(peers->AsBytes(), false, MAX_PEERS_PER_RESPONSE);
        } else if (peers->IsList()) {
            for (const auto& p : peers->Items()) {
                if (r.peers.size() == MAX_PEERS_PER_RESPONSE) break;
                const auto* ip = p.FindString("ip");
                const auto* port = p.FindInt("port");
                if (!ip || !port || port->AsInt() <= 0 || port->AsInt() > 65535) continue;
                // IP literals only: a host name would have us resolve whatever the tracker chose.
                std::array<uint8_t, 16> parsed{};
                if (inet_pton(AF_INET, ip->AsString().c_str(), parsed.data()) != 1 &&
                    inet_pton(AF_INET6, ip->AsString().c_str(), parsed.data()) != 1) {
                    continue;
                }
                r.peers.push_back(netcore::PeerEndpoint{ip->AsString(), static_cast<uint16_t>(port->AsInt())});
            }
        } else {
            return util::Fail(std::string("tracker answer has a malformed peer list"));
        }
    } else if (!v.Find("peers6")) {
        return util::Fail(std::string("tracker answer has no peer list"));
    }
    if (const auto* peers6 = v.FindString("peers6")) {
        const size_t room = MAX_PEERS_PER_RESPONSE - r.peers.size();
        for (auto& p : netcore::DecodeCompactEndpoints(peers6->AsBytes(), true, room)) r.peers.push_back(std::move(p));
    }
    return r;
}

std::optional<std::string> ScrapeTarget(const std::string& announce_target) {
    const size_t query = announce_target.find('?');
    const std::string path = announce_target.substr(0, query);
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos || path.compare(slash + 1, 8, "announce") != 0) return std::nullopt;
    std::string out = announce_target;
    out.replace(slash + 1, 8, "scrape");
    return out;
}

std::string ScrapeQuery(const std::string& scrape_target, const std::vector<Hash20>& info_hashes) {
    std::string out = scrape_target;
    for (const auto& h : info_hashes) {
        out += out.find('?') == std::string::npos ? '?' : '&';
        out += "info_hash=" + util::PercentEncode(AsText(h));
    }
    return out;
}

util::Result<std::map<Hash20, ScrapeEntry>, std::string> ParseScrapeResponse(util::ByteSpan body) {
    auto decoded = bencode::Decode(body, ResponseLimits());
    if (!decoded) return util::Fail("scrape answer is not bencode: " + decoded.error().Message());
    if (!decoded->IsDict()) return util::Fail(std::string("scrape answer is not a dictionary"));
    if (const auto* failure = decoded->FindString("failure reason")) return util::Fail("tracker says: " + failure->AsString());
    const auto* files = decoded->FindDict("files");
    if (!files) return util::Fail(std::string("scrape answer has no files dictionary"));
    std::map<Hash20, ScrapeEntry> out;
    for (const auto& [key, value] : files->Entries()) {
        if (key.size() != 20 || !value.IsDict()) continue;
        Hash20 h{};
        std::copy(key.begin(), key.end(), h.begin());
        ScrapeEntry e;
        if (const auto* c = value.FindInt("complete")) e.complete = c->AsInt();
        if (const auto* d = value.FindInt("downloaded")) e.downloaded = d->AsInt();
        if (const auto* i = value.FindInt("incomplete")) e.incomplete = i->AsInt();
        out[h] = e;
    }
    return out;
}

}  // namespace tonari::torrent::tracker
